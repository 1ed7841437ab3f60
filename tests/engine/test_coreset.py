"""The coreset: greedy set cover over the label store, its file, its engine, its command."""
from __future__ import annotations

import argparse
import json
import math
import random
from pathlib import Path

import pytest

from passlm.engine import Candidate, EngineSpecError, make_engine
from passlm.engine.coreset import Coreset, CoresetError, Step, build_coreset
from passlm import cli
from passlm.engine.coreset_cli import register
from passlm.defaults import OZ
from passlm.store import Evaluation, Provenance, Store

A = "function(gvn)"                       # halves m1
B = "function(sroa),function(dse)"        # -10% on m2, m3, m4
C = "function(instcombine<no-verify-fixpoint>)"  # -90% everywhere, but rejected by screening
D = "globaldce"                           # beats A on m1, never screened
E = "function(early-cse)"                 # less than A on m1 and than B on m2: never worth it


def add(store: Store, name: str, split: str = "train") -> str:
    """A module: the greedy logic never reads bitcode, so any bytes do."""
    store.add_module(name, b"not bitcode", Provenance(f"{name}.c", "files", "19.1.0"))
    store.set_split(name, split)
    return name


def evaluate(store: Store, module: str, pipeline: str, size: int, status: str = "ok") -> None:
    ok = status == "ok"
    store.record_evaluation(Evaluation(module, pipeline, status, 10 if ok else None, size if ok else None))


def screen(store: Store, pipeline: str, status: str) -> None:
    store.record_screening(pipeline, status, "{}", "19.1.0")


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "labels.db") as s:
        m1, m2, m3, m4 = (add(s, f"m{i}") for i in (1, 2, 3, 4))
        for m in (m1, m2, m3, m4):
            evaluate(s, m, OZ, 100)
            evaluate(s, m, C, 10)
        evaluate(s, m1, A, 50)           # A is not evaluated on m2..m4: no gain there
        for m in (m2, m3, m4):
            evaluate(s, m, B, 90)
        evaluate(s, m1, B, 10, status="crash")  # failed evaluations are no gain either
        evaluate(s, m1, D, 40)
        evaluate(s, m1, E, 60)
        evaluate(s, m2, E, 95)
        evaluate(s, m3, "function(bdce)", 120)  # worse than -Oz: no candidate
        screen(s, "function(bdce)", "pass")
        no_oz = add(s, "m5")             # no -Oz to compare with: skipped
        evaluate(s, no_oz, A, 1)
        zero = add(s, "m6")              # -Oz size 0: no ratio, skipped
        evaluate(s, zero, OZ, 0)
        evaluate(s, zero, B, 0)
        other = add(s, "t1", split="test")  # not asked for
        evaluate(s, other, OZ, 100)
        evaluate(s, other, E, 1)
        for p in (A, B, E):
            screen(s, p, "pass")
        screen(s, C, "reject")
        yield s


def geomean_improvement(ratios):
    return 1 - math.exp(sum(math.log(r) for r in ratios) / len(ratios))


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


# ------------------------------------------------------------------ the command


def main(argv):
    return cli.main(["coreset", *argv])


def test_command_writes_the_file_and_prints_the_table(store, tmp_path, capsys):
    out = tmp_path / "out" / "coreset.json"
    assert main(["--db", str(store.path), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    assert lines[0].split() == ["step", "improvement", "wins", "pipeline"]
    assert lines[1].split() == ["1", f"{geomean_improvement([0.5, 1, 1, 1]) * 100:.3f}%", "1", A]
    assert lines[2].split()[0] == "2" and lines[2].split()[2] == "3" and lines[2].endswith(B)
    assert "on 4 modules of split 'train' (2 without an ok -Oz evaluation skipped)" in printed
    assert Coreset.load(out).pipelines == (A, B)
    assert Coreset.load(out).source == f"{store.path}:train"


def test_command_through_register_with_options(store, tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="passlm")
    register(parser.add_subparsers(dest="command"))
    out = tmp_path / "c.json"
    args = parser.parse_args(["coreset", "--db", str(store.path), "-k", "1", "--no-screened-only",
                              "-o", str(out)])
    assert args.func(args) == 0
    assert Coreset.load(out).pipelines == (C,)
    assert "1 pipelines from 5 pipelines (screening not required)" in capsys.readouterr().out


@pytest.mark.parametrize("argv,message", [
    (["--db", "{tmp}/missing.db"], "missing.db: no such store"),
    (["--db", "{db}", "--split", "valid"], "no modules in split 'valid'"),
    (["--db", "{tmp}/junk.db"], "junk.db: not a passlm store"),
])
def test_command_user_errors_exit_1(store, tmp_path, capsys, argv, message):
    (tmp_path / "junk.db").write_text("this is not SQLite, it is just long enough to have a header" * 10)
    argv = [a.format(tmp=tmp_path, db=store.path) for a in argv] + ["-o", str(tmp_path / "never.json")]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("passlm: error: ") and message in err
    assert not (tmp_path / "never.json").exists() and not (tmp_path / "missing.db").exists()


def test_command_usage_error_exits_2(store, tmp_path, capsys):
    assert main(["-o", "x.json"]) == 2
    assert "--db" in capsys.readouterr().err
    assert main(["--db", str(store.path), "-k", "0", "-o", str(tmp_path / "never.json")]) == 2
    assert "-k: must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "never.json").exists()


def test_nondeterministic_pipelines_are_never_chosen(store):
    sink = "function(gvn-sink),default<Oz>"  # the best of all on every module, but gvn-sink varies run to run
    for m in store.module_hashes(split="train"):
        evaluate(store, m, sink, 1)
    screen(store, sink, "pass")
    assert sink not in build_coreset(store, store.module_hashes(split="train")).pipelines
    assert sink not in build_coreset(store, store.module_hashes(split="train"), screened_only=False).pipelines


def test_command_with_a_pool_chooses_among_it_on_the_rows_that_cover_it(store, tmp_path, capsys):
    pool = tmp_path / "pool.json"
    Coreset((B, E)).save(pool)
    out = tmp_path / "c.json"
    assert main(["--db", str(store.path), "--pool", str(pool), "-o", str(out)]) == 0
    # A is better on m1 but not in the pool; m3 and m4 measured only B: half the pool, left out.
    assert Coreset.load(out).pipelines == (E, B)
    assert "on 2 modules of split 'train'" in capsys.readouterr().out
    Coreset(("function(adce)",)).save(pool)
    assert main(["--db", str(store.path), "--pool", str(pool), "-o", str(tmp_path / "never.json")]) == 1
    assert "no module has a matrix row over 90%" in capsys.readouterr().err


# ------------------------------------------------------------------ per second of trial, left-out passes

CHEAP = "function(sroa)"               # -10 % on every module, as fast as -Oz
DEAR = "function(gvn),function(licm)"  # -12 % on every module, 5 times -Oz's time


def timed_store(tmp_path, dear_seconds: float = 5.0) -> Store:
    s = Store(tmp_path / "timed.db")
    for i in range(4):
        m = add(s, f"m{i}")
        s.record_evaluation(Evaluation(m, OZ, "ok", 10, 100, seconds=0.1))
        s.record_evaluation(Evaluation(m, CHEAP, "ok", 10, 90, seconds=0.1))
        s.record_evaluation(Evaluation(m, DEAR, "ok", 10, 88, seconds=0.1 * dear_seconds))
    for p in (CHEAP, DEAR):
        screen(s, p, "pass")
    return s


def test_per_second_prefers_the_cheap_pipeline_of_nearly_equal_gain(tmp_path):
    with timed_store(tmp_path) as s:
        modules = s.module_hashes(split="train")
        assert build_coreset(s, modules, k=1).pipelines == (DEAR,)  # by gain alone
        coreset = build_coreset(s, modules, k=2, per_second=True)
    assert coreset.pipelines == (CHEAP, DEAR)
    assert [st.cost for st in coreset.steps] == pytest.approx([1.0, 5.0])
    assert coreset.steps[0].improvement == pytest.approx(0.10)


def test_per_second_keeps_the_dear_pipeline_when_its_gain_pays_for_it(tmp_path):
    with timed_store(tmp_path, dear_seconds=1.1) as s:  # 2 points more for 10 % more time
        assert build_coreset(s, s.module_hashes(split="train"), k=1, per_second=True).pipelines == (DEAR,)


def test_per_second_skips_pipelines_never_timed_and_the_cost_round_trips(tmp_path):
    with timed_store(tmp_path) as s:
        for m in s.module_hashes(split="train"):
            evaluate(s, m, "globaldce", 50)  # the best of all, but no seconds recorded
        screen(s, "globaldce", "pass")
        coreset = build_coreset(s, s.module_hashes(split="train"), per_second=True)
    assert "globaldce" not in coreset.pipelines
    path = tmp_path / "c.json"
    coreset.save(path)
    assert json.loads(path.read_text())["steps"][0]["cost"] == pytest.approx(1.0)
    assert Coreset.load(path) == coreset


def test_leave_out_drops_pipelines_running_a_named_pass_at_any_nesting(tmp_path):
    with timed_store(tmp_path) as s:
        modules = s.module_hashes(split="train")
        assert build_coreset(s, modules, leave_out=("licm",)).pipelines == (CHEAP,)
        assert build_coreset(s, modules, leave_out=("gvn", "sroa")).pipelines == ()


def test_command_per_second_and_leave_out(tmp_path, capsys):
    with timed_store(tmp_path) as s:
        path = s.path
    out = tmp_path / "c.json"
    assert main(["--db", str(path), "--per-second", "-o", str(out)]) == 0
    table = capsys.readouterr().out
    assert "cost (-Oz=1)" in table and Coreset.load(out).pipelines == (CHEAP, DEAR)
    assert main(["--db", str(path), "--leave-out", "sroa", "-o", str(out)]) == 0
    assert Coreset.load(out).pipelines == (DEAR,)
    assert main(["--db", str(path), "--leave-out", ",", "-o", str(out)]) == 2
    assert "--leave-out: expected names separated by commas" in capsys.readouterr().err


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
