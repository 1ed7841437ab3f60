"""Rows and aggregates on made-up figures (no LLVM): how guarded columns,
failures and unusable baselines count."""
from __future__ import annotations

import math
import random

import pytest

import passlm
from passlm.engine import Candidate
from passlm.eval.aggregate import aggregate
from passlm.eval.run import Prediction, build_row, seed_everything
from passlm.eval.suite import SuiteModule
from passlm.store import Evaluation

from passlm.defaults import OZ


def make_row(name, oz, candidates, tuned=None, prediction_status="ok", oz_status="ok"):
    """A row from -Oz's size and [(pipeline, status, size)] candidates."""
    h = f"hash-{name}"
    module = SuiteModule(name=name, hash=h, bitcode=b"", group="g", source=name)
    results = {(h, ""): Evaluation(h, "", "ok", 100, oz * 2),
               (h, OZ): Evaluation(h, OZ, oz_status, 50 if oz_status == "ok" else None,
                                   oz if oz_status == "ok" else None)}
    for pipeline, status, size in candidates:
        results[(h, pipeline)] = Evaluation(h, pipeline, status, 40 if size else None, size,
                                            None if status == "ok" else "why")
    prediction = Prediction(tuple(Candidate(p, 1.0) for p, _, _ in candidates), prediction_status,
                            None if prediction_status == "ok" else "why", 0.01)
    tuned_result = None if tuned is None else {"pipeline": "t", "status": "ok", "instructions": 1,
                                               "object_size": tuned, "detail": None, "oz_object_size": None}
    return build_row(module, prediction, results, tuned_result)


def test_top1_best_of_k_and_guards():
    row = make_row("a", 100, [("p1", "ok", 110), ("p2", "crash", None), ("p3", "ok", 90), ("p4", "ok", 90)])
    assert row["top1"]["object_size"] == 110 and row["top1"]["pipeline"] == "p1"
    assert row["top1_guarded"] == {**row["Oz"], "kept": "-Oz"}
    assert (row["best_of_k"]["pipeline"], row["best_of_k"]["rank"]) == ("p3", 3)  # ties: better rank
    assert row["best_of_k_guarded"]["object_size"] == 90 and row["best_of_k_guarded"]["kept"] == "candidate"
    tie = make_row("b", 100, [("p1", "ok", 100)])
    assert tie["top1_guarded"]["kept"] == "-Oz" and tie["best_of_k_guarded"]["pipeline"] == OZ


def test_failures_are_counted_and_never_become_oz():
    rows = [
        make_row("a", 100, [("p1", "ok", 90), ("p2", "ok", 95)], tuned=80),
        make_row("b", 200, [("p1", "invalid", None), ("p2", "ok", 180)], tuned=150),
        make_row("c", 300, [("p1", "timeout", None), ("p2", "crash", None)]),
        make_row("d", 400, [], prediction_status="engine-error"),
    ]
    a = aggregate(rows)
    top1 = a["columns"]["top1"]
    assert (top1["ok"], top1["modules"]) == (1, 4)
    assert top1["by_status"] == {"engine-error": 1, "invalid": 1, "ok": 1, "timeout": 1}
    assert top1["geomean"] == pytest.approx(0.10)  # module a only
    g = a["columns"]["top1_guarded"]
    assert g["ok"] == 4 and g["geomean"] == pytest.approx(1 - (0.9 * 1 * 1 * 1) ** 0.25)
    best = a["columns"]["best_of_k"]
    assert best["ok"] == 2 and best["by_status"] == {"engine-error": 1, "no-ok-candidate": 1, "ok": 2}
    assert best["geomean"] == pytest.approx(1 - math.sqrt(0.9 * 0.9))
    bg = a["columns"]["best_of_k_guarded"]
    assert bg["geomean"] == pytest.approx(1 - (0.9 * 0.9) ** 0.25)
    assert bg["total"] == pytest.approx(1 - (90 + 180 + 300 + 400) / 1000)
    assert (bg["wins"], bg["ties"], bg["losses"]) == (2, 2, 0)
    # Of the autotuner: modules a and b, tuned 0.8 and 0.75 of -Oz.
    tuned = 1 - math.sqrt(0.8 * 0.75)
    assert a["columns"]["tuned"]["geomean"] == pytest.approx(tuned)
    assert bg["fraction_of_tuned"] == pytest.approx((1 - 0.9) / tuned)
    assert top1["tuned_modules"] == 1 and top1["fraction_of_tuned"] == pytest.approx(0.1 / 0.2)
    assert a["candidates"] == {"evaluated": 6, "by_status": {"crash": 1, "invalid": 1, "ok": 3, "timeout": 1}}
    assert a["predictions"] == {"engine-error": 1, "ok": 3}
    assert a["latency"]["modules"] == 4 and a["latency"]["mean_s"] == pytest.approx(0.01)


def test_a_failed_baseline_leaves_the_module_out():
    rows = [make_row("a", 100, [("p1", "ok", 90)]), make_row("b", 100, [("p1", "ok", 50)], oz_status="crash")]
    a = aggregate(rows)
    assert a["usable_modules"] == 1
    assert a["excluded"] == [{"name": "b", "hash": "hash-b", "reason": "-Oz crash"}]
    assert a["columns"]["top1"]["ok"] == 1 and a["columns"]["top1"]["geomean"] == pytest.approx(0.1)
    assert rows[1]["best_of_k_guarded"]["status"] == "crash"


def test_guarded_columns_are_the_plugins_guard():
    """Ties go to -Oz, a failed candidate never wins, a failed -Oz is kept
    (unmeasured): the rules of passlm.choose_by_guard, on every row."""
    tie = make_row("tie", 100, [("p1", "ok", 100), ("p2", "ok", 100)])
    for column in ("top1_guarded", "best_of_k_guarded"):
        assert (tie[column]["pipeline"], tie[column]["kept"]) == (OZ, "-Oz")
    failed_first = make_row("f", 100, [("p1", "crash", None), ("p2", "ok", 99)])
    assert (failed_first["top1_guarded"]["pipeline"], failed_first["top1_guarded"]["kept"]) == (OZ, "-Oz")
    assert (failed_first["best_of_k_guarded"]["pipeline"], failed_first["best_of_k_guarded"]["kept"]) == \
        ("p2", "candidate")
    no_oz = make_row("n", 100, [("p1", "ok", 10)], oz_status="crash")
    for column in ("top1_guarded", "best_of_k_guarded"):
        assert (no_oz[column]["pipeline"], no_oz[column]["status"], no_oz[column]["kept"]) == (OZ, "crash", None)
    engine_failed = make_row("e", 100, [], prediction_status="engine-error")
    assert engine_failed["best_of_k_guarded"]["kept"] == "-Oz"

    rng = random.Random(3)
    for i in range(300):
        oz_ok = rng.random() > 0.1
        figures = [(f"p{j}", *rng.choice([("ok", s) for s in (98, 99, 100, 101)] + [("crash", None), ("invalid", None)]))
                   for j in range(rng.randint(1, 4))]
        row = make_row(f"r{i}", 100, figures, oz_status="ok" if oz_ok else "timeout")
        sizes = [size for _, _, size in figures]
        for column, considered in (("top1_guarded", sizes[:1]), ("best_of_k_guarded", sizes)):
            kind, winner = passlm.choose_by_guard(100 if oz_ok else None, considered)
            kept = row[column]
            if kind == "candidate":
                assert (kept["pipeline"], kept["object_size"], kept["kept"]) == \
                    (figures[winner][0], considered[winner], "candidate")
            else:
                assert kept["pipeline"] == OZ and kept["kept"] == ("-Oz" if oz_ok else None)


def test_no_ok_figures_give_none_not_an_error():
    a = aggregate([make_row("a", 100, [("p1", "crash", None)])])
    assert a["columns"]["top1"]["geomean"] is None and a["columns"]["top1"]["fraction_of_tuned"] is None
    assert a["columns"]["tuned"]["by_status"] == {"missing": 1}


def test_seeding_is_per_module_and_repeatable():
    seed_everything(5, "h1")
    first = random.random()
    seed_everything(5, "h2")
    other = random.random()
    seed_everything(5, "h1")
    assert random.random() == first != other

    class Seeded:
        seed = None

        def set_seed(self, s):
            self.seed = s

    engine = Seeded()
    assert seed_everything(5, "h1", engine) == engine.seed
