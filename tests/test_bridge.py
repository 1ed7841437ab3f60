"""passlm.bridge.handle, the Python end of the plugin's messages (passlm.messages)."""
from __future__ import annotations

import json

import pytest

from passlm import bridge, messages


def request(**overrides) -> str:
    base = messages.predict("fixed:gvn|sroa", 1, "", messages.module_facts("x.c", "h", "x86_64-pc-linux-gnu", 3),
                            "guard")
    base.update(overrides)
    return json.dumps(base)


def test_answer_lists_candidates_and_what_the_engine_reads():
    answer = json.loads(bridge.handle(request(k=2)))
    assert answer == {"version": 2, "reply": "predict", "candidates": [{"pipeline": "gvn", "score": 1.0},
                                                                     {"pipeline": "sroa", "score": 0.5}],
                      "needs": [], "cached": False}


def test_empty_engine_means_the_default(example_bcs, monkeypatch):
    import passlm
    from passlm.engine import make_engine

    monkeypatch.setenv("PASSLM_SERVER", "off")  # in-process (tests/server covers the server route)
    ir = passlm.Module.from_file(str(example_bcs["sort"])).to_text()
    answer = json.loads(bridge.handle(request(engine="", ir=ir, k=2)))
    expected = make_engine(bridge.DEFAULT_ENGINE).predict(ir, 2)
    assert [c["pipeline"] for c in answer["candidates"]] == [c.pipeline for c in expected]
    assert answer["needs"] == sorted(make_engine(bridge.DEFAULT_ENGINE).needs) == []  # the coreset reads no IR
    assert bridge.DEFAULT_ENGINE in bridge._engines  # built once, kept


@pytest.mark.parametrize("text,reason", [
    (request(version=1), "unsupported protocol version 1 (this passlm speaks 2)"),
    ("{not json", "not JSON: "),
    (json.dumps({"version": 1, "engine": "fixed:gvn", "describe": True}), "unsupported protocol version 1"),
    (request(k=0), "predict: 'k' must be an integer >= 1"),
    (json.dumps(messages.status()), "the bridge answers describe, predict, verdict requests, not a status"),
    (json.dumps(messages.verdict_reply()), "the bridge answers describe, predict, verdict requests, not a verdict reply"),
])
def test_malformed_requests_get_an_error_reply(text, reason):
    answer = json.loads(bridge.handle(text))
    assert answer["reply"] == "error" and answer["error"].startswith(reason), answer
    assert set(answer) == {"version", "reply", "error"}


def test_engine_failures_are_one_line_error_replies(tmp_path):
    (tmp_path / "e.py").write_text("def f(ir, k, facts):\n    raise RuntimeError('engine exploded\\nsecond line')\n")
    answer = json.loads(bridge.handle(request(engine=f"python:{tmp_path / 'e.py'}:f")))
    assert answer == {"version": 2, "reply": "error", "error": "RuntimeError: engine exploded"}


class TooManyCandidates:
    """An engine of another package that ignores k."""

    needs = frozenset()

    def predict(self, ir_text, k, facts=None):
        from passlm.engine import Candidate

        return [Candidate(p) for p in ("gvn", "default<Oz>", "sroa", "dse", "licm")]


def test_the_plugin_is_sent_up_to_k_trials_whatever_the_engine_returns(monkeypatch):
    monkeypatch.setitem(bridge._engines, "many:x", TooManyCandidates())
    monkeypatch.setenv("PASSLM_SERVER", "off")
    answer = json.loads(bridge.handle(request(engine="many:x", k=2)))
    # the plugin measures every candidate it gets; -Oz takes none of the k trials
    assert [c["pipeline"] for c in answer["candidates"]] == ["gvn", "default<Oz>", "sroa"]


def test_a_verdict_in_process_is_acknowledged_and_dropped():
    verdict = messages.verdict("fixed:gvn", "h", "guard", ["gvn"], "gvn", 10, 12)
    assert json.loads(bridge.handle(json.dumps(verdict))) == messages.verdict_reply()


@pytest.mark.parametrize("engine,needs", [("fixed:gvn", []), ("table:{table}", ["hash"]),
                                          ("python:{engine}:f", ["hash", "ir"])])
def test_describe_and_predict_say_what_the_engine_reads(tmp_path, engine, needs):
    from passlm.engine.table import write_table

    write_table(tmp_path / "t.json", {})
    (tmp_path / "e.py").write_text("def f(ir, k, facts):\n    return []\n")
    spec = engine.format(table=tmp_path / "t.json", engine=tmp_path / "e.py")
    answer = json.loads(bridge.handle(json.dumps(messages.describe(spec))))
    assert answer == {"version": 2, "reply": "describe", "needs": needs}
    assert json.loads(bridge.handle(request(engine=spec)))["needs"] == needs
