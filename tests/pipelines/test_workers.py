"""The worker pool: results, crash isolation, timeouts, and the Ray variant."""
from __future__ import annotations

import pytest

import passlm
from passlm.pipelines.workers import Job, ModuleCache, WorkerPool, evaluate_in_worker
from support import EXAMPLES


@pytest.fixture(scope="module")
def interp():
    from passlm.compile import c_to_ir

    bitcode = c_to_ir(EXAMPLES / "interp.c")
    return passlm.Module.from_string(bitcode).hash, bitcode


def by_pipeline(results):
    return {r.pipeline: r for r in results}


def test_results_equal_in_process_evaluation(interp):
    module, bitcode = interp
    pipelines = ["default<Oz>", "function(sroa),globaldce", "module(sroa,inline,globaldce)", ""]
    with WorkerPool(jobs=2) as pool:
        results = by_pipeline(pool.evaluate_many(Job(module, bitcode, p) for p in pipelines))
    reference = passlm.Module.from_string(bitcode)
    for p in pipelines:
        assert results[p].status == "ok"
        assert (results[p].instructions, results[p].object_size) == reference.evaluate(p)


def test_module_cache_drops_the_least_recently_used(interp):
    _, bitcode = interp
    cache = ModuleCache(capacity=2)
    a, b = cache.get("a", bitcode), cache.get("b", bitcode)
    assert cache.get("a", bitcode) is a  # parsed once
    cache.get("c", bitcode)
    assert list(cache.modules) == ["a", "c"]  # b was the least recently used
    assert cache.get("b", bitcode) is not b


def test_worker_evaluation_statuses(interp):
    """The one evaluation pool workers and Ray tasks run: figures of
    Module.evaluate, every error it raises an invalid status with its message."""
    module, bitcode = interp
    cache = ModuleCache()
    status, instructions, size, detail, seconds = evaluate_in_worker(cache, module, bitcode, "default<Oz>")
    assert (status, (instructions, size), detail) == ("ok", passlm.Module.from_string(bitcode).evaluate("default<Oz>"),
                                                      None)
    assert seconds > 0
    status, _, _, detail, _ = evaluate_in_worker(cache, module, bitcode, "nosuchpass")
    assert status == "invalid" and "unknown pass name 'nosuchpass'" in detail
    status, _, _, detail, _ = evaluate_in_worker(cache, "cut", bitcode[:100], "default<Oz>")
    assert status == "invalid" and detail.startswith("IRParseError: ")


def test_a_crashing_pipeline_takes_only_its_worker(interp):
    module, bitcode = interp
    pipelines = ["mem2reg,loop(licm)", "default<Oz>", "instcombine", "function(sroa)", "nosuchpass"]
    with WorkerPool(jobs=2) as pool:
        results = by_pipeline(pool.evaluate_many(Job(module, bitcode, p) for p in pipelines))
        assert pool.crashes == 2
    assert results["mem2reg,loop(licm)"].status == "crash"
    assert "LICM requires MemorySSA" in results["mem2reg,loop(licm)"].detail
    assert results["instcombine"].status == "crash"  # bare instcombine misses its fixpoint on interp
    assert results["nosuchpass"].status == "invalid" and "unknown pass name" in results["nosuchpass"].detail
    assert results["default<Oz>"].status == results["function(sroa)"].status == "ok"


def test_timeout_kills_the_worker_and_the_pool_goes_on(interp):
    module, bitcode = interp
    with WorkerPool(jobs=1, timeout=0.01) as pool:
        slow = list(pool.evaluate_many([Job(module, bitcode, "default<O3>")]))
        assert slow[0].status == "timeout" and pool.timeouts == 1
        pool.timeout = 60
        assert list(pool.evaluate_many([Job(module, bitcode, "default<Oz>")]))[0].status == "ok"


def test_a_pause_of_the_whole_run_is_not_a_timeout(interp, monkeypatch):
    """A run stopped (SIGSTOP, to take a timing benchmark) and resumed: the wait for
    results returns long after the deadline, as if the jobs had timed out. They had
    not: the process did not run. The first wait here sleeps through the deadline
    and sees nothing, as a stopped process would."""
    import time

    from passlm.pipelines import workers

    real, calls = workers.wait, []

    def stopped_once(objects, timeout=None):
        calls.append(timeout)
        if len(calls) == 1:
            time.sleep(timeout + 2 * workers.STALL_GRACE)
            return []
        return real(objects, timeout=timeout)

    module, bitcode = interp
    monkeypatch.setattr(workers, "wait", stopped_once)
    with WorkerPool(jobs=1, timeout=1.0) as pool:
        [result] = pool.evaluate_many([Job(module, bitcode, "default<Oz>")])
    assert result.status == "ok" and pool.timeouts == 0 and len(calls) >= 2


@pytest.mark.slow
def test_ray_pool_on_a_local_instance(interp):
    ray = pytest.importorskip("ray", reason="Ray is optional: pip install ray")
    from passlm.pipelines.ray_pool import RayPool

    module, bitcode = interp
    pool = RayPool("local", jobs=2, timeout=120)
    try:
        results = {}
        for p in ["default<Oz>", "function(sroa),globaldce", "mem2reg,loop(licm)"]:
            while not pool.idle:
                results.update(by_pipeline(pool.collect()))
            pool.submit(Job(module, bitcode, p))
        while pool.busy:
            results.update(by_pipeline(pool.collect()))
    finally:
        pool.close()
    reference = passlm.Module.from_string(bitcode)
    assert (results["default<Oz>"].instructions, results["default<Oz>"].object_size) == reference.evaluate("default<Oz>")
    assert results["function(sroa),globaldce"].status == "ok"
    assert results["mem2reg,loop(licm)"].status == "crash"
    assert not ray.is_initialized()
