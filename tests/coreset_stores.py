"""Label stores for the coreset tests (tests/engine/test_coreset*.py): pipelines with known
sizes and times on a few modules. ``store`` is a fixture; importing it into a test module
makes it one there."""
from __future__ import annotations

import math

import pytest

from passlm.defaults import OZ
from passlm.store import Evaluation, Provenance, Store

A = "function(gvn)"                       # halves m1
B = "function(sroa),function(dse)"        # -10% on m2, m3, m4
C = "function(instcombine<no-verify-fixpoint>)"  # -90% everywhere, but rejected by screening
D = "globaldce"                           # beats A on m1, never screened
E = "function(early-cse)"                 # less than A on m1 and than B on m2: never worth it

CHEAP = "function(sroa)"               # -10 % on every module, as fast as -Oz
DEAR = "function(gvn),function(licm)"  # -12 % on every module, 5 times -Oz's time



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



def geomean_improvement(ratios):
    return 1 - math.exp(sum(math.log(r) for r in ratios) / len(ratios))
