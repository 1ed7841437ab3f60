"""The fuzz harness, bounded (a few seconds, seeded): bench/bench_fuzz.py's
pipeline strings, broken modules and malformed server requests, with its
requirements (no crash: passlm raises only its errors, every request line is
answered, the server survives). The longer run is ``bench/bench_fuzz.py``."""
from __future__ import annotations

import importlib.util

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def bench_fuzz():
    spec = importlib.util.spec_from_file_location("bench_fuzz", REPO / "bench" / "bench_fuzz.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_bounded_fuzz_run_breaks_nothing(bench_fuzz):
    results = bench_fuzz.run_all(seed=16, pipelines=200, evaluations=4, modules=4, requests=30)
    for name, result in results.items():
        assert result["crashes"] == 0, (name, result["first_crashes"])
    pipelines, modules, requests = results["pipelines"]["kinds"], results["modules"]["kinds"], results["requests"]
    assert pipelines["check: accepted"] + pipelines["check: rejected"] == 200
    assert pipelines["check: accepted"] >= 20 and pipelines["check: rejected"] >= 20  # both sides explored
    assert sum(n for kind, n in pipelines.items() if kind.startswith("evaluate: ")) == 4
    assert sum(modules.values()) == 4
    assert requests["cases"] >= 30 and requests["kinds"].get("reply: error", 0) > 0


def test_the_harness_sees_a_broken_requirement(bench_fuzz, monkeypatch):
    """A fuzzer that cannot fail proves nothing: a loader that raises what
    passlm does not raise is counted as a crash."""
    import passlm.pipelines.isolated as isolated

    def explodes(*args, **kwargs):
        raise RuntimeError("not a passlm error")

    monkeypatch.setattr(isolated, "evaluate_isolated", explodes)
    tally = bench_fuzz.Tally()
    from passlm.compile import load_module

    bench_fuzz.fuzz_modules(__import__("random").Random(0), load_module(REPO / "examples" / "crc32.c"), 2, tally)
    assert tally.as_dict()["crashes"] == 2 and "not a passlm error" in tally.crashes[0]
