"""The coreset: greedy set cover over the label store (by gain, and per second of trial), its file
and its engine. The command is tests/engine/test_coreset_cli.py."""
from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from coreset_stores import (A, B, C, CHEAP, D, DEAR, E, add, evaluate, geomean_improvement, screen,  # noqa: F401
                            store, timed_store)  # store: a fixture
from passlm.engine import Candidate, EngineSpecError, make_engine
from passlm.engine.coreset import Coreset, CoresetError, Step, build_coreset
from passlm.defaults import OZ
from passlm.store import Store


def test_greedy_order_improvements_wins_and_exclusions(store):
    coreset = build_coreset(store, store.module_hashes(split="train"), k=16, source="here")
    # A's log(0.5) on one module beats B's 3*log(0.9); then B; E then gains nothing, C is rejected,
    # D never screened; m5 and m6 are not counted.
    assert coreset.pipelines == (A, B)
    assert coreset.steps == (
        Step(A, pytest.approx(geomean_improvement([0.5, 1, 1, 1])), 1),
        Step(B, pytest.approx(geomean_improvement([0.5, 0.9, 0.9, 0.9])), 3),
    )
    assert coreset.modules == 4
    assert coreset.candidates == 3  # A, B, E
    assert (coreset.source, coreset.objective) == ("here", "size")


def test_k_truncates(store):
    assert build_coreset(store, store.module_hashes(split="train"), k=1).pipelines == (A,)
    assert build_coreset(store, store.module_hashes(split="train"), k=0).pipelines == ()


def test_unscreened_pipelines_only_when_asked(store):
    modules = store.module_hashes(split="train")
    coreset = build_coreset(store, modules, screened_only=False)
    assert coreset.pipelines == (C,)  # -90% everywhere: nothing else improves on it
    assert coreset.steps[0].wins == 4
    assert coreset.improvement == pytest.approx(0.9)
    assert coreset.candidates == 5  # A, B, C, D, E (not bdce, worse than -Oz)
    assert C not in build_coreset(store, modules).pipelines and D not in build_coreset(store, modules).pipelines


def test_unscreened_d_comes_before_a_once_c_is_gone(tmp_path):
    with Store(tmp_path / "s.db") as s:
        m1, m2 = add(s, "m1"), add(s, "m2")
        for m in (m1, m2):
            evaluate(s, m, OZ, 100)
        evaluate(s, m1, A, 50)
        evaluate(s, m1, D, 40)
        evaluate(s, m2, A, 80)
        screen(s, A, "pass")
        assert build_coreset(s, [m1, m2]).pipelines == (A,)
        assert build_coreset(s, [m1, m2], screened_only=False).pipelines == (A, D)  # A: .5*.8 < .4*1
        evaluate(s, m2, D, 70)
        assert build_coreset(s, [m1, m2], screened_only=False).pipelines == (D,)  # D alone: .4*.7 < .5*.8


def test_ties_go_to_the_shorter_then_the_first(tmp_path):
    with Store(tmp_path / "s.db") as s:
        m1, m2 = add(s, "m1"), add(s, "m2")
        for m in (m1, m2):
            evaluate(s, m, OZ, 100)
        long, short_b, short_a = "function(adce),function(dse)", "function(sroa)", "function(gvn)"
        for p in (long, short_b, short_a):
            evaluate(s, m1, p, 80)
            screen(s, p, "pass")
        evaluate(s, m2, "function(bdce)", 90)
        screen(s, "function(bdce)", "pass")
        assert build_coreset(s, [m1, m2]).pipelines == (short_a, "function(bdce)")


def test_no_oz_anywhere_is_an_error(tmp_path):
    with Store(tmp_path / "s.db") as s:
        evaluate(s, add(s, "m1"), A, 10)
        with pytest.raises(CoresetError, match="has an ok default<Oz> evaluation"):
            build_coreset(s, ["m1"])


def naive_greedy(sizes, oz, k):
    """The definition, evaluated by brute force: best total log ratio of S + {p}."""
    chosen, best_total = [], 0.0
    candidates = sorted({p for m in sizes for p in sizes[m]})
    while len(chosen) < k:
        def total(extra):
            return math.fsum(math.log(min([oz[m]] + [sizes[m][p] for p in chosen + [extra] if p in sizes[m]]) / oz[m])
                             for m in oz)
        scored = [(total(p), len(p.split(",")), p) for p in candidates if p not in chosen]
        if not scored:
            break
        value, _, p = min(scored)
        if not value < best_total:
            break
        chosen.append(p)
        best_total = value
    return chosen


@pytest.mark.parametrize("seed", range(5))
def test_lazy_greedy_matches_the_definition(tmp_path, seed):
    rng = random.Random(seed)
    pipelines = [",".join(f"function(p{rng.randrange(30)})" for _ in range(rng.randint(1, 3))) for _ in range(25)]
    pipelines = list(dict.fromkeys(pipelines))
    sizes, oz = {}, {}
    with Store(tmp_path / "r.db") as s:
        for i in range(40):
            m = add(s, f"m{i}")
            oz[m] = rng.randint(50, 60)
            evaluate(s, m, OZ, oz[m])
            sizes[m] = {p: rng.randint(40, 70) for p in rng.sample(pipelines, rng.randint(0, 6))}
            for p, size in sizes[m].items():
                evaluate(s, m, p, size)
        for p in pipelines:
            screen(s, p, "pass")
        coreset = build_coreset(s, list(oz), k=8)
    assert list(coreset.pipelines) == naive_greedy(sizes, oz, 8)
    improvements = [st.improvement for st in coreset.steps]
    assert improvements == sorted(improvements) and improvements[0] > 0


# ------------------------------------------------------------------ the file and the engine


def test_file_round_trip(store, tmp_path):
    coreset = build_coreset(store, store.module_hashes(split="train"), source="labels.db:train")
    path = tmp_path / "sub" / "coreset.json"
    coreset.save(path)
    doc = json.loads(path.read_text())
    assert doc["format"] == "passlm-coreset" and doc["version"] == 1
    assert doc["pipelines"] == [A, B] and doc["modules"] == 4 and doc["objective"] == "size"
    assert [s["wins"] for s in doc["steps"]] == [1, 3] and doc["source"] == "labels.db:train"
    assert Coreset.load(path) == coreset


def test_engine_honours_k_and_scores_are_marginal_gains(store, tmp_path):
    coreset = build_coreset(store, store.module_hashes(split="train"))
    path = tmp_path / "c.json"
    coreset.save(path)
    engine = make_engine(f"coreset:{path}")
    assert engine.needs == frozenset()
    first, second = coreset.steps
    assert engine.predict("", 1) == [Candidate(A, pytest.approx(first.improvement))]
    assert engine.predict("any module", 16) == [Candidate(A, pytest.approx(first.improvement)),
                                                Candidate(B, pytest.approx(second.improvement - first.improvement))]
    assert engine.predict("", 0) == []


def test_engine_without_steps_ranks(tmp_path):
    path = tmp_path / "hand.json"
    path.write_text(json.dumps({"format": "passlm-coreset", "version": 1, "pipelines": ["gvn", "sroa", "dse"]}))
    assert make_engine(f"coreset:{path}").predict("", 2) == [Candidate("gvn", 1.0), Candidate("sroa", 0.5)]


def doc(**fields):
    return json.dumps({"format": "passlm-coreset", "version": 1, "pipelines": ["gvn"], **fields})


@pytest.mark.parametrize("text,message", [
    (None, "no such coreset file"),
    ('{"format": "passlm-coreset",\n oops}', r":2:2: not JSON"),
    (json.dumps({"format": "passlm-table", "version": 1}), "not a passlm coreset"),
    (json.dumps(["gvn"]), "not a passlm coreset"),
    (json.dumps({"format": "passlm-coreset", "version": 2, "pipelines": []}), "unsupported coreset version 2"),
    (doc(pipelines="gvn"), "\"pipelines\" must be a list"),
    (doc(pipelines=["gvn", ""]), r"pipelines\[1\] must be a non-empty"),
    (doc(pipelines=["gvn", 3]), r"pipelines\[1\] must be a non-empty"),
    (doc(pipelines=["gvn", "gvn"]), "listed twice"),
    (doc(steps=[{"pipeline": "sroa", "improvement": 0.1, "wins": 1}]), r"steps\[0\] must be"),
    (doc(steps=[{"pipeline": "gvn", "improvement": 0.1, "wins": 1}] * 2), "one entry per pipeline"),
    (doc(objective="speed"), "unknown objective 'speed'"),
])
def test_bad_files_say_which_and_what(tmp_path, text, message):
    path = tmp_path / "bad.json"
    if text is not None:
        path.write_text(text)
    with pytest.raises(EngineSpecError, match=message) as info:
        make_engine(f"coreset:{path}")
    assert str(path) in str(info.value)


def test_empty_spec_says_what_to_give():
    with pytest.raises(EngineSpecError, match=r"coreset: needs a file, e.g. coreset:default or coreset:FILE.json"):
        make_engine("coreset:")


def test_nondeterministic_pipelines_are_never_chosen(store):
    sink = "function(gvn-sink),default<Oz>"  # the best of all on every module, but gvn-sink varies run to run
    for m in store.module_hashes(split="train"):
        evaluate(store, m, sink, 1)
    screen(store, sink, "pass")
    assert sink not in build_coreset(store, store.module_hashes(split="train")).pipelines
    assert sink not in build_coreset(store, store.module_hashes(split="train"), screened_only=False).pipelines


# ------------------------------------------------------------------ per second of trial, left-out passes


def test_per_second_prefers_the_cheap_pipeline_of_nearly_equal_gain(tmp_path):
    with timed_store(tmp_path) as s:
        modules = s.module_hashes(split="train")
        assert build_coreset(s, modules, k=1).pipelines == (DEAR,)  # by gain alone
        coreset = build_coreset(s, modules, k=2, cost_exponent=1)
    assert coreset.pipelines == (CHEAP, DEAR)
    assert [st.cost for st in coreset.steps] == pytest.approx([1.0, 5.0])
    assert coreset.steps[0].improvement == pytest.approx(0.10)


def test_per_second_keeps_the_dear_pipeline_when_its_gain_pays_for_it(tmp_path):
    with timed_store(tmp_path, dear_seconds=1.1) as s:  # 2 points more for 10 % more time
        assert build_coreset(s, s.module_hashes(split="train"), k=1, cost_exponent=1).pipelines == (DEAR,)


def test_per_second_skips_pipelines_never_timed_and_the_cost_round_trips(tmp_path):
    with timed_store(tmp_path) as s:
        for m in s.module_hashes(split="train"):
            evaluate(s, m, "globaldce", 50)  # the best of all, but no seconds recorded
        screen(s, "globaldce", "pass")
        coreset = build_coreset(s, s.module_hashes(split="train"), cost_exponent=1)
    assert "globaldce" not in coreset.pipelines
    path = tmp_path / "c.json"
    coreset.save(path)
    assert json.loads(path.read_text())["steps"][0]["cost"] == pytest.approx(1.0)
    assert Coreset.load(path) == coreset


def test_a_cost_exponent_between_trades_gain_against_cost(tmp_path):
    with timed_store(tmp_path, dear_seconds=1.3) as s:  # DEAR: 21 % more log gain for 30 % more time
        modules = s.module_hashes(split="train")
        assert build_coreset(s, modules, k=1, cost_exponent=1).pipelines == (CHEAP,)
        assert build_coreset(s, modules, k=1, cost_exponent=0.5).pipelines == (DEAR,)
        with pytest.raises(CoresetError, match="the cost exponent must be between 0 and 4"):
            build_coreset(s, modules, cost_exponent=-1)


def test_leave_out_drops_pipelines_running_a_named_pass_at_any_nesting(tmp_path):
    with timed_store(tmp_path) as s:
        modules = s.module_hashes(split="train")
        assert build_coreset(s, modules, leave_out=("licm",)).pipelines == (CHEAP,)
        assert build_coreset(s, modules, leave_out=("gvn", "sroa")).pipelines == ()


def test_a_cost_that_is_not_a_positive_number_is_refused(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"format": "passlm-coreset", "version": 1, "pipelines": [CHEAP],
                                "steps": [{"pipeline": CHEAP, "improvement": 0.1, "wins": 3, "cost": -1}]}))
    with pytest.raises(CoresetError, match=r"steps\[0\].*positive \"cost\""):
        Coreset.load(path)


def test_shipped_coresets_by_bare_name_and_a_local_file_of_that_name_wins(tmp_path, monkeypatch):
    from passlm.engine.coreset import SHIPPED_CORESETS, coreset_file
    from passlm.engine.identity import model_hash, resolve_engine_spec

    default, cover = Coreset.load(coreset_file("default")), Coreset.load(coreset_file("cover"))
    assert coreset_file("cover") == SHIPPED_CORESETS / "cover.json" and default.pipelines != cover.pipelines
    # The default is the cover per second of trial: every step records its cost; the cover by gain alone does not.
    assert all(s.cost is not None for s in default.steps) and all(s.cost is None for s in cover.steps)
    assert [c.pipeline for c in make_engine("coreset:cover").predict("", 2)] == list(cover.pipelines[:2])
    assert model_hash("coreset:cover") == model_hash(f"coreset:{SHIPPED_CORESETS / 'cover.json'}")
    monkeypatch.chdir(tmp_path)
    Coreset((CHEAP,)).save(tmp_path / "cover")
    assert coreset_file("cover") == Path("cover")  # a local path is never shadowed by a shipped name
    assert coreset_file("nothing-shipped") == Path("nothing-shipped")
    assert resolve_engine_spec("coreset:default") == "coreset:default"  # the same wherever it is read


def test_a_missing_relative_file_names_the_directory_it_was_looked_for_in(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a compiler of a recursive build runs in its own directory
    with pytest.raises(EngineSpecError, match=f"c.json: no such coreset file \\(relative to {tmp_path}\\)"):
        make_engine("coreset:c.json")
    with pytest.raises(EngineSpecError) as info:
        make_engine(f"coreset:{tmp_path / 'c.json'}")
    assert "relative to" not in str(info.value)
