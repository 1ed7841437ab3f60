"""passlm.bridge.handle, the Python end of the plugin's protocol."""
from __future__ import annotations

import json

import pytest

from passlm import bridge


def request(**overrides) -> str:
    base = {"version": 1, "engine": "fixed:gvn|sroa", "k": 1,
            "module": {"name": "x.c", "hash": "h", "triple": "x86_64-pc-linux-gnu", "instructions": 3}, "ir": ""}
    base.update(overrides)
    return json.dumps(base)


def test_answer_lists_candidates():
    answer = json.loads(bridge.handle(request(k=2)))
    assert answer == {"version": 1, "candidates": [{"pipeline": "gvn", "score": 1.0}, {"pipeline": "sroa", "score": 0.5}]}


def test_empty_engine_means_the_default(example_bcs, monkeypatch):
    import passlm
    from passlm.engine import make_engine

    monkeypatch.setenv("PASSLM_SERVER", "off")  # in-process (tests/server covers the server route)
    ir = passlm.Module.from_file(str(example_bcs["sort"])).to_text()
    answer = json.loads(bridge.handle(request(engine="", ir=ir, k=2)))
    expected = make_engine(bridge.DEFAULT_ENGINE).predict(ir, 2)
    assert [c["pipeline"] for c in answer["candidates"]] == [c.pipeline for c in expected]
    assert bridge.DEFAULT_ENGINE in bridge._engines  # built once, kept


def test_wrong_version_and_bad_json_raise():
    with pytest.raises(ValueError, match="unsupported request version"):
        bridge.handle(request(version=99))
    with pytest.raises(json.JSONDecodeError):
        bridge.handle("{not json")


@pytest.mark.parametrize("engine,needs", [("fixed:gvn", []), ("table:{table}", ["hash"]),
                                          ("python:{engine}:f", ["hash", "ir"])])
def test_describe_says_what_the_engine_reads(tmp_path, engine, needs):
    from passlm.engine.table import write_table

    write_table(tmp_path / "t.json", {})
    (tmp_path / "e.py").write_text("def f(ir, k, facts):\n    return []\n")
    spec = engine.format(table=tmp_path / "t.json", engine=tmp_path / "e.py")
    answer = json.loads(bridge.handle(json.dumps({"version": 1, "engine": spec, "describe": True})))
    assert answer == {"version": 1, "needs": needs}
