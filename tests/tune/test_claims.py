"""Tuners at once on one store share each module's budget (claims in the store)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from passlm.defaults import OZ
from passlm.store import Evaluation, Store, process_owner
from passlm.tune.search import TuneConfig, tune
from tune.test_search import ELEMENTS, add_examples

BUDGET = 14

#: One tuner, as a process of its own: ``python -c TUNER DB SEED MINIMIZE_EXTRA ELEMENTS_JSON [MODULE...]``.
TUNER = r"""
import json, sys
from passlm.store import Store
from passlm.tune.search import TuneConfig, tune
db, seed, extra, elements, *modules = sys.argv[1:]
with Store(db) as store:
    stats = tune(store, modules or store.module_hashes(),
                 TuneConfig(budget=%d, seed=int(seed), jobs=1, max_len=6, minimize_extra=int(extra)),
                 elements=json.loads(elements))
print(json.dumps(stats.as_dict()))
""" % BUDGET


def start_tuner(db, seed: int, minimize_extra: int = 0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", TUNER, str(db), str(seed), str(minimize_extra),
                             json.dumps(ELEMENTS)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return json.loads(out)


def spent(store: Store, module: str) -> int:
    """Evaluations the module's budget paid for."""
    return sum(e.strategy != "admission" for e in store.evaluations(module))


@pytest.mark.parametrize("minimize_extra", [0, 3])
def test_two_concurrent_tuners_spend_one_budget_per_module(tmp_path, minimize_extra):
    db = tmp_path / "t.db"
    with Store(db) as store:
        modules = add_examples(store, ["sort", "bits", "crc32"])
    # Different seeds: without claims, each would spend a whole budget of its own.
    tuners = [start_tuner(db, seed, minimize_extra) for seed in (1, 2)]
    stats = [finish(t) for t in tuners]
    with Store(db) as store:
        for m in modules:
            assert BUDGET <= spent(store, m) <= BUDGET + minimize_extra, m  # shared, and spent in full
            assert store.evaluation(m, OZ) is not None  # the baseline, by one tuner or the other
            assert store.claims(m) == []  # every claim became an evaluation
    assert sum(s["evaluated"] for s in stats) == sum(spent(Store(db), m) for m in modules)
    assert all(s["evaluated"] > 0 for s in stats)  # both took part


def test_a_dead_tuners_claims_expire_and_a_rerun_resumes(tmp_path):
    db = tmp_path / "t.db"
    with Store(db) as store:
        [module] = add_examples(store, ["sort"])
        tune(store, [module], TuneConfig(budget=6, seed=3, minimize_extra=0), elements=ELEMENTS)
        first = store.evaluations(module)
        # A tuner killed mid-run: its claims fill the rest of a budget of 12.
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
        dead_owner = process_owner(int(dead.stdout))  # its start time is gone with it
        for i in range(6):
            assert store.claim_evaluation(module, f"function(sroa),pipeline-{i}", 12, dead_owner) == "granted"
        stats = tune(store, [module], TuneConfig(budget=12, seed=3, minimize_extra=0), elements=ELEMENTS)
        assert store.evaluations(module)[:len(first)] == first  # nothing repeated or lost
        assert spent(store, module) == 12 and stats.evaluated == 6
        assert store.claims(module) == []


def test_claims_count_against_the_budget_until_recorded(tmp_path):
    with Store(tmp_path / "t.db") as store:
        [module] = add_examples(store, ["bits"])
        me, other = process_owner(), process_owner(os.getppid())  # two live owners
        store.record_evaluation(Evaluation(module, OZ, "ok", 1, 2, strategy="baseline"))
        store.record_evaluation(Evaluation(module, "globaldce", "ok", 1, 2, strategy="admission"))  # free
        assert store.claim_evaluation(module, OZ, 3, me) == "evaluated"
        assert store.claim_evaluation(module, "a", 3, me) == "granted"
        assert store.claim_evaluation(module, "a", 3, me) == "granted"  # idempotent for its owner
        assert store.claim_evaluation(module, "b", 3, other) == "granted"
        assert store.claim_evaluation(module, "c", 3, other) == "exhausted"  # 1 evaluated + 2 claimed
        assert store.claim_evaluation(module, "c", 4, other) == "granted"  # a larger limit: minimization
        foreign = "some-other-host:1:1"
        assert store.claim_evaluation(module, "b", 9, foreign) == "taken"
        store.record_evaluation(Evaluation(module, "a", "crash", strategy="random"))
        assert [p for p, _ in store.claims(module)] == ["b", "c"]  # recorded: no longer a claim
        store.release_claims(me)
        assert store.claim_evaluation(module, "d", 4, foreign) == "exhausted"  # a, b, c: 4 with -Oz
        store.release_claims(other)
        assert store.claim_evaluation(module, "d", 4, foreign) == "granted"


def test_foreign_claims_expire_after_their_time(tmp_path, monkeypatch):
    import passlm.store as store_module

    with Store(tmp_path / "t.db") as store:
        store.claim_evaluation("m", "a", 1, "some-other-host:1:1")
        assert store.claim_evaluation("m", "b", 1, process_owner()) == "exhausted"
        monkeypatch.setattr(store_module, "FOREIGN_CLAIM_SECONDS", 0.0)
        time.sleep(0.01)
        assert store.claim_evaluation("m", "b", 1, process_owner()) == "granted"
