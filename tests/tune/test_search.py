"""The autotuner: budgets, strategies, crash isolation, cache hits, resume, report."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import passlm
from passlm.defaults import OZ
from passlm.store import Evaluation, Provenance, Store
from passlm.tune.search import ModuleSearch, TuneConfig, tune
from passlm.pipelines.space import candidate_elements, is_deterministic, pass_names_in, split_elements
from support import EXAMPLES, run

ELEMENTS = ["function(sroa)", "function(mem2reg)", "function(early-cse)", "function(gvn)", "globaldce",
            "function(simplifycfg)", "cgscc(inline)", "function(instcombine<no-verify-fixpoint>)", OZ]


def add_examples(store: Store, names) -> list[str]:
    from passlm.compile import c_to_ir

    hashes = []
    for name in names:
        bitcode = c_to_ir(EXAMPLES / f"{name}.c")
        module = passlm.Module.from_string(bitcode)
        store.add_module(module.hash, bitcode, Provenance(f"{name}.c", "files", passlm.LLVM_VERSION))
        hashes.append(module.hash)
    return hashes


def test_space_comes_from_llvm_and_filters():
    elements = candidate_elements()
    assert OZ in elements and "function(instcombine<no-verify-fixpoint>)" in elements
    assert "function(loop-mssa(licm))" in elements and "globaldce" in elements
    for banned in ("internalize", "asan", "function(print)", "strip", "extract-blocks", "default<O2>",
                   "function(gvn-sink)"):
        assert banned not in elements
    assert "function(gvn-hoist)" in elements and "function(gvn)" in elements
    assert all(passlm.check_pipeline(e) is None for e in elements)
    assert split_elements("default<Oz>,function(loop-mssa(licm),gvn),simplifycfg<a;b>") == [
        "default<Oz>", "function(loop-mssa(licm),gvn)", "simplifycfg<a;b>"]


def test_nondeterministic_passes_are_recognised_at_any_depth():
    assert not is_deterministic("function(gvn-sink),default<Oz>")
    assert not is_deterministic("default<Oz>,function(loop(indvars),gvn-sink)")
    assert is_deterministic("function(gvn),default<Oz>") and is_deterministic("function(gvn-hoist)")


def test_budget_spent_and_never_worse_than_oz(tmp_path):
    with Store(tmp_path / "t.db") as store:
        modules = add_examples(store, ["sort", "bigint"])
        stats = tune(store, modules, TuneConfig(budget=40, seed=1), elements=ELEMENTS)
        for m in modules:
            history = store.evaluations(m)
            assert history[0].pipeline == OZ  # the baseline first
            assert 40 <= len(history) <= 40 + TuneConfig().minimize_extra
            assert {e.strategy for e in history} >= {"baseline", "random", "local"}
            assert store.best(m).object_size <= store.evaluation(m, OZ).object_size
        assert stats.evaluated == sum(store.count_evaluations(m) for m in modules)


def test_labels_are_minimized():
    # A best list whose every element can go: minimization shortens it.
    config = TuneConfig(budget=10, minimize_share=0.0)
    search = ModuleSearch("m", config, ELEMENTS, [
        Evaluation("m", OZ, "ok", 10, 100, strategy="baseline"),
        Evaluation("m", "function(sroa),globaldce,function(gvn)", "ok", 9, 90, strategy="random"),
    ] + [Evaluation("m", f"x{i}", "invalid") for i in range(8)])
    proposals = []
    while (p := search.propose()) is not None:
        proposals.append(p)
        pipeline, strategy = p
        assert strategy == "minimize"
        search.observe(Evaluation("m", pipeline, "ok", 9, 90 if pipeline.count(",") == 1 else 95))
    assert search.best().count(",") == 1  # one element dropped, as small as before


def test_crashing_pipelines_are_recorded_and_the_search_goes_on(tmp_path):
    with Store(tmp_path / "t.db") as store:
        (module,) = add_examples(store, ["interp"])
        stats = tune(store, [module], TuneConfig(budget=30, seed=3),
                     elements=["function(sroa)", "function(loop(licm))", "globaldce", OZ])
        crashes = [e for e in store.evaluations(module) if e.status == "crash"]
        assert stats.crashes == len(crashes) > 0
        assert "LICM requires MemorySSA" in crashes[0].detail
        assert store.best(module).ok


def test_stored_evaluations_are_cache_hits(tmp_path):
    with Store(tmp_path / "t.db") as store:
        (module,) = add_examples(store, ["crc32"])
        # A value no real evaluation gives: if tune re-evaluated -Oz, we would see the real one.
        store.record_evaluation(Evaluation(module, OZ, "ok", 1, 999_999, strategy="planted"))
        stats = tune(store, [module], TuneConfig(budget=10, seed=0), elements=ELEMENTS)
        assert stats.cached >= 1
        assert store.evaluation(module, OZ).object_size == 999_999


@pytest.mark.slow
def test_resume_after_kill_loses_and_repeats_nothing(tmp_path):
    db = tmp_path / "t.db"
    sources = [str(EXAMPLES / f"{n}.c") for n in ("sort", "hash", "sieve")]
    cmd = [str(Path(sys.executable).with_name("passlm")), "tune", *sources, "--db", str(db), "--budget", "120"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    before = []
    while time.time() < deadline:
        time.sleep(0.3)
        try:
            with sqlite3.connect(db) as con:
                n = con.execute("SELECT COUNT(*) FROM evaluations").fetchone()[0]
        except sqlite3.Error:
            continue
        if n >= 250:  # admission (~300 rows) is under way or done; the search is not
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    with sqlite3.connect(db) as con:
        before = con.execute("SELECT module, pipeline, status, object_size FROM evaluations").fetchall()
    run(cmd)  # resume
    with sqlite3.connect(db) as con:
        after = con.execute("SELECT module, pipeline, status, object_size FROM evaluations").fetchall()
        distinct = con.execute("SELECT COUNT(DISTINCT module || '|' || pipeline) FROM evaluations").fetchone()[0]
    assert set(before) <= set(after)  # nothing lost, nothing changed
    assert distinct == len(after)     # nothing evaluated twice
    with Store(db) as store:
        for m in store.module_hashes():
            spent = sum(e.strategy != "admission" for e in store.evaluations(m))
            assert spent >= 120


def test_report_json_and_plot(tmp_path):
    db = tmp_path / "t.db"
    passlm_cmd = str(Path(sys.executable).with_name("passlm"))
    run([passlm_cmd, "tune", str(EXAMPLES / "bits.c"), "--db", db, "--budget", "20"])
    report = json.loads(run([passlm_cmd, "tune", "--db", db, "--report", "--json", "--plot", tmp_path / "p.png"]).stdout)
    assert report["summary"]["measured"] == 1 and "geomean" in report["summary"]
    (row,) = report["modules"]
    assert row["source"].endswith("bits.c") and row["best"] <= row["oz"]
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_errors(tmp_path):
    passlm_cmd = str(Path(sys.executable).with_name("passlm"))
    empty = run([passlm_cmd, "tune", "--db", tmp_path / "empty.db"], check=False)
    assert empty.returncode == 1 and "no modules to tune" in empty.stderr
    missing = run([passlm_cmd, "tune", tmp_path / "nope.c", "--db", tmp_path / "x.db"], check=False)
    assert missing.returncode == 1 and "passlm: error:" in missing.stderr and "Traceback" not in missing.stderr


def test_labels_take_the_best_screened_pipeline(tmp_path):
    from passlm.tune.labels import choose_labels, read_labels, screening_order, write_labels

    with Store(tmp_path / "t.db") as store:
        (module,) = add_examples(store, ["sort"])
        for pipeline, size in [(OZ, 1000), ("function(gvn)", 900), ("function(sroa)", 950), ("globaldce", 1100)]:
            store.record_evaluation(Evaluation(module, pipeline, "ok", 1, size))
        assert screening_order(store, [module]) == ["function(gvn)", "function(sroa)"]  # worth most first
        rejected = {"function(gvn)"}  # as if it miscompiled a program
        asked = []
        (label,) = choose_labels(store, [module], passes_screening=lambda p: asked.append(p) or p not in rejected)
        assert (label.pipeline, label.best, label.oz) == ("function(sroa)", 950, 1000)
        assert asked == ["function(gvn)", "function(sroa)"]  # never globaldce: not better than -Oz
        (no_time,) = choose_labels(store, [module], passes_screening=lambda p: True, seconds=0)
        assert no_time.pipeline == OZ  # nothing screened in time, nothing cached: no gain claimed
        (fallback,) = choose_labels(store, [module], passes_screening=lambda p: False)
        assert (fallback.pipeline, fallback.best) == (OZ, 1000)
        write_labels(tmp_path / "l.tsv", [label])
        assert read_labels(tmp_path / "l.tsv") == [label]
    (tmp_path / "bad.tsv").write_text("hash\tpackage\n")
    with pytest.raises(ValueError, match="bad.tsv:1: not a passlm labels file"):
        read_labels(tmp_path / "bad.tsv")


def test_export_with_zero_screening_minutes_uses_cached_results_only(tmp_path):
    db = tmp_path / "t.db"
    with Store(db) as store:
        (module,) = add_examples(store, ["sort"])
        for pipeline, size in [(OZ, 1000), ("function(gvn)", 900), ("function(sroa)", 950)]:
            store.record_evaluation(Evaluation(module, pipeline, "ok", 1, size))
        store.record_screening("function(sroa)", "pass", "{}", passlm.LLVM_VERSION)
    passlm_cmd = str(Path(sys.executable).with_name("passlm"))
    done = run([passlm_cmd, "tune", "--db", db, "--export-labels", tmp_path / "l.tsv", "--screen-minutes", "0"],
               timeout=60)
    assert "function(sroa)\n" in (tmp_path / "l.tsv").read_text()  # function(gvn) was never screened
    with Store(db) as store:
        assert store.screening("function(gvn)") is None, done.stderr


def test_best_is_kept_incrementally_and_equals_a_rescan():
    # The coordinator keeps the best as results come; it must agree with the
    # definition (smallest value, then fewest elements, then text order) on
    # any history, failures and ties included.
    import random

    rng = random.Random(3)
    pipelines = [",".join(rng.choice(ELEMENTS) for _ in range(rng.randint(1, 4))) for _ in range(300)]
    history = [Evaluation("m", p, rng.choice(["ok", "ok", "ok", "crash"]), 10, rng.randint(90, 110))
               for p in dict.fromkeys(pipelines)]
    search = ModuleSearch("m", TuneConfig(budget=1000), ELEMENTS, history[:100])
    for e in history[100:]:
        search.observe(e)
        ok = [(x.object_size, len(split_elements(x.pipeline)), x.pipeline) for x in search.seen.values() if x.ok]
        assert search.best() == min(ok)[2]


def test_left_out_passes_are_never_run(tmp_path):
    """--leave-out: no element that runs a left-out pass is admitted, proposed or broadcast."""
    left_out = ("attributor", "attributor-cgscc", "loop-extract", "gvn")
    assert any(pass_names_in(e) & set(left_out) for e in candidate_elements())  # they are in the space
    winner = "function(sroa),function(gvn),default<Oz>"  # another module's best, from an earlier run
    with Store(tmp_path / "t.db") as store:
        modules = add_examples(store, ["sort"])
        other = add_examples(store, ["bigint"])[0]
        store.record_evaluation(Evaluation(other, OZ, "ok", 10, 100, strategy="baseline"))
        store.record_evaluation(Evaluation(other, winner, "ok", 9, 90, strategy="random"))
        tune(store, modules, TuneConfig(budget=30, seed=3, admit_modules=1, leave_out=left_out))
        ran = [e.pipeline for e in store.evaluations(modules[0])]
    assert "function(sroa)" in ran and len(ran) > 30  # admission ran the others alone
    assert not [p for p in ran if pass_names_in(p) & set(left_out)]
