"""The pool: from training winners only, screened, measured on the sample, covered greedily."""
from __future__ import annotations

import shutil

import pytest

import passlm
from passlm.defaults import OZ
from passlm.pipelines.workers import WorkerPool
from passlm.store import Evaluation, Store
from passlm.tune.pool import (Verdicts, best_in_pool, build_pool, ceiling_of, module_ceilings, oracle_by_size,
                              pool_candidates)

NEW_TRAIN_WINNER = "function(gvn),default<Oz>"
TEST_ONLY_WINNER = "globaldce,default<Oz>"


@pytest.fixture
def store(tiny_corpus, tmp_path):
    db = tmp_path / "c.db"
    shutil.copy(tiny_corpus, db)
    with Store(db) as store:
        train, test = store.module_hashes(split="train"), store.module_hashes(split="test")
        # A winner deep search found on one training module only, and one found on a held-out module only.
        oz = store.evaluation(train[0], OZ).object_size
        store.record_evaluation(Evaluation(train[0], NEW_TRAIN_WINNER, "ok", 1, oz - 40, strategy="local"))
        oz = store.evaluation(test[0], OZ).object_size
        store.record_evaluation(Evaluation(test[0], TEST_ONLY_WINNER, "ok", 1, oz - 400, strategy="local"))
        for p in (NEW_TRAIN_WINNER, TEST_ONLY_WINNER):
            store.record_screening(p, "pass", "{}", passlm.LLVM_VERSION)
        yield store


def test_candidates_come_from_training_modules_only(store):
    train = store.module_hashes(split="train")
    candidates = pool_candidates(store, train, per_module=3, max_candidates=100)
    assert NEW_TRAIN_WINNER in candidates and TEST_ONLY_WINNER not in candidates
    assert OZ not in candidates


def test_the_pool_measures_candidates_on_the_sample_and_covers_it(store):
    train = store.module_hashes(split="train")
    with WorkerPool(jobs=1) as workers:
        pool = build_pool(store, train, train, train, size=8, workers=workers)
    # The new winner was measured for real on every sample module (it had one evaluation).
    assert all(store.evaluation(m, NEW_TRAIN_WINNER) is not None for m in train)
    assert TEST_ONLY_WINNER not in pool.pipelines and OZ not in pool.pipelines
    assert pool.pipelines and pool.improvement > 0
    improvements = [s.improvement for s in pool.steps]
    assert improvements == sorted(improvements)  # each step adds coverage


def test_a_rejected_pipeline_the_cover_chose_is_replaced_and_only_the_needed_are_screened(store):
    train = store.module_hashes(split="train")
    with WorkerPool(jobs=1) as workers:
        first = build_pool(store, train, train, train[:1], size=3, workers=workers, passes=lambda p: True)
    # Verdicts are cached in the store; forget them, then reject the cover's first choice.
    store._write("DELETE FROM screening")
    asked = []

    def passes(pipeline):
        asked.append(pipeline)
        return pipeline != first.pipelines[0]

    with WorkerPool(jobs=1) as workers:
        second = build_pool(store, train, train, train[:1], size=2, workers=workers, passes=passes)
    assert first.pipelines[0] not in second.pipelines and len(second.pipelines) == 2
    assert len(asked) == len(set(asked))  # each screened once, though the cover was made again
    candidates = pool_candidates(store, train, per_module=3, max_candidates=1000)
    assert len(asked) < len(candidates)  # screening after the cover: not every candidate
    improvements = [s.improvement for s in second.steps]
    assert improvements == sorted(improvements)


def test_a_held_out_sample_is_refused(store):
    with WorkerPool(jobs=1) as workers, pytest.raises(ValueError, match="training modules only"):
        train, test = store.module_hashes(split="train"), store.module_hashes(split="test")
        build_pool(store, train, train, test, 4, workers)


def test_oracle_grows_with_the_pool_and_is_judged_against_the_ceiling(store):
    test = store.module_hashes(split="test")
    pipelines = ["function(sroa)", "function(mem2reg),function(instcombine<no-verify-fixpoint>)",
                 "iroutliner,default<Oz>"]
    ceiling = ceiling_of(store, test)
    assert ceiling[test[0]] < 0  # the held-out winner is that module's ceiling
    report = oracle_by_size(store, pipelines, test, sizes=(1, 2, 3), ceiling=ceiling)
    assert [r["pool"] for r in report] == [1, 2, 3]
    oracles = [r["oracle"] for r in report]
    assert oracles == sorted(oracles)
    assert all(0 <= r["of_ceiling"] <= 1 for r in report)
    assert report[-1]["of_ceiling"] < 1  # the pool lacks the held-out winner


def test_the_ceiling_screens_winners_never_screened_best_first_up_to_tries(store):
    test = store.module_hashes(split="test")
    module = test[0]
    oz = store.evaluation(module, OZ).object_size
    # Two better winners than the screened one, never screened: the best miscompiles.
    bad, good = "function(gvn),globaldce,default<Oz>", "function(sroa),globaldce,default<Oz>"
    store.record_evaluation(Evaluation(module, bad, "ok", 1, oz - 500, strategy="local"))
    store.record_evaluation(Evaluation(module, good, "ok", 1, oz - 450, strategy="local"))
    asked = []

    def passes(pipeline):
        asked.append(pipeline)
        return pipeline != bad

    import math

    assert ceiling_of(store, [module])[module] == pytest.approx(math.log((oz - 400) / oz))  # cached verdicts only
    one = ceiling_of(store, [module], Verdicts(store, passes=passes), tries=1)
    assert asked == [bad] and one[module] == pytest.approx(math.log((oz - 400) / oz))
    asked.clear()
    two = ceiling_of(store, [module], Verdicts(store, passes=passes), tries=2)
    assert asked == [bad, good] and two[module] == pytest.approx(math.log((oz - 450) / oz))
    assert module_ceilings(store, [module], Verdicts(store, passes=passes), tries=2)[module] == (oz, oz - 450, good)


def test_a_module_with_no_screened_winner_has_oz_for_ceiling(store):
    module = store.module_hashes(split="test")[1]
    oz = store.evaluation(module, OZ).object_size
    store.record_evaluation(Evaluation(module, "function(newgvn),default<Oz>", "ok", 1, oz - 10, strategy="local"))
    ceiling = module_ceilings(store, [module])[module]  # that winner was never screened
    assert ceiling == (oz, oz, OZ) and ceiling.log_ratio == 0.0


def test_the_best_pool_pipeline_of_a_module_is_its_smallest_ok_evaluation(store):
    module = store.module_hashes(split="test")[0]
    pipelines = ["function(sroa)", TEST_ONLY_WINNER, "never,measured"]
    best = best_in_pool(store, module, pipelines)
    assert best.pipeline == TEST_ONLY_WINNER  # 400 bytes under -Oz, measured by the fixture
    assert best_in_pool(store, module, ["never,measured"]) is None


def test_passlm_pool_builds_and_reports(store, tmp_path, capsys):
    import json

    from passlm.cli import main

    out = tmp_path / "pool.json"
    db = str(store.path)
    assert main(["pool", "--db", db, "-o", str(out), "-P", "4", "--min-evaluations", "1", "-j", "1"]) == 0
    assert "written to" in capsys.readouterr().out
    assert main(["pool", "--db", db, "--report", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["split"] == "test" and report["rows"][-1]["pool"] <= 4
    with Store(db) as s:  # each module's ceiling and best pool pipeline, as the store measured them
        for row in report["modules"]:
            assert s.evaluation(row["hash"], row["ceiling_pipeline"]).object_size == row["ceiling_object_size"]
            assert row["ceiling_object_size"] <= row["oz_object_size"] == s.evaluation(row["hash"], OZ).object_size
            if row["pool_pipeline"] is not None:
                assert s.evaluation(row["hash"], row["pool_pipeline"]).object_size == row["pool_object_size"]
    assert {r["hash"] for r in report["modules"]} == set(store.module_hashes(split="test"))
    with Store(db) as s:  # --min-evaluations: only the modules searched that deep are reported
        counts = sorted(s.count_evaluations(m) for m in s.module_hashes(split="test"))
    assert main(["pool", "--db", db, "--report", str(out), "--json", "--min-evaluations", str(counts[-1])]) == 0
    assert json.loads(capsys.readouterr().out)["rows"][0]["modules"] == counts.count(counts[-1])
    assert main(["pool", "--db", db, "--report", str(out), "--min-evaluations", str(counts[-1] + 1)]) == 1
    assert "with " in capsys.readouterr().err
    # --screen-winners with no time left to screen: the cached verdicts, as without it.
    assert main(["pool", "--db", db, "--report", str(out), "--json", "--screen-winners", "3",
                 "--screen-minutes", "0"]) == 0
    assert json.loads(capsys.readouterr().out) == report
    assert main(["pool", "--db", db, "--report", str(out), "--screen-winners", "-1"]) == 2
    assert main(["pool", "--db", db]) == 2  # neither -o nor --report
    assert main(["pool", "--db", db, "-o", str(tmp_path / "p2.json"), "--screen-winners", "2"]) == 2
    assert "go with --report" in capsys.readouterr().err
    assert main(["pool", "--db", db, "-o", str(tmp_path / "p2.json"), "--min-evaluations", "100000"]) == 1
    assert "run the deep search first" in capsys.readouterr().err
    assert not (tmp_path / "p2.json").exists()


def test_training_modules_never_searched_are_passed_over(tiny_corpus, tmp_path):
    """A deep-search store holds evaluations of a sample only: the other training
    modules have none, not even -Oz's, and give no candidates (no crash)."""
    import sqlite3

    db = tmp_path / "sparse.db"
    shutil.copy(tiny_corpus, db)
    with Store(db) as store:
        train = store.module_hashes(split="train")
        expected = pool_candidates(store, train[1:], per_module=3, max_candidates=100)
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM evaluations WHERE module = ?", (train[0],))
    with Store(db) as store:
        assert store.evaluation(train[0], OZ) is None
        assert pool_candidates(store, train, per_module=3, max_candidates=100) == expected
