"""The search's generator (passlm._core.HillClimb, cpp/core/passlm/Search.h) and
its hill climb from Python (passlm.pipelines.hillclimb.search_around)."""
from __future__ import annotations

import json
import random
from collections import Counter

import pytest

import passlm
from passlm import _core
from passlm.defaults import OZ
from passlm.pipelines import space
from passlm.pipelines.hillclimb import search_around
from support import EXAMPLES

RANKED = ["function(sroa),default<Oz>", "function(instcombine<no-verify-fixpoint>),default<Oz>",
          "default<O1>", "function(gvn-sink),globalopt,default<Oz>"]
REPO = EXAMPLES.parent


def canonical(pipeline: str) -> str:
    return ",".join(space.split_elements(pipeline))


# ------------------------------------------------- one source of truth with Python


def test_nondeterministic_passes_agree_with_python():
    assert set(_core.NONDETERMINISTIC_PASSES) == space.NONDETERMINISTIC


def test_the_splitter_agrees_with_python():
    pipelines = [
        "", ",", " a , b ,, c ", "function(loop-mssa(licm),sroa),default<Oz>", "loop-unroll<O2;x>,a",
        "function(simplifycfg<bonus-inst-threshold=1;switch-to-lookup>),cgscc(inline)",
        "a,(b,c),<d,e>,f)", *RANKED, *space.candidate_elements(),
    ]
    coreset = json.loads((REPO / "data" / "coreset.json").read_text())
    pipelines += [p if isinstance(p, str) else p["pipeline"] for p in coreset["pipelines"]]
    rng = random.Random(7)
    elements = space.candidate_elements()
    pipelines += [", ".join(rng.sample(elements, rng.randint(1, 6))) for _ in range(200)]
    for p in pipelines:
        assert _core.split_pipeline_elements(p) == space.split_elements(p), p


# ------------------------------------------------- the generator


def climb_sequence(seed: int, steps: int = 40, ranked=RANKED, best=OZ, measured=(OZ, *RANKED)):
    """The proposals of a climb whose trials get pseudo-random sizes (some failed)."""
    climb = _core.HillClimb(list(ranked), best, 1000, list(measured), seed)
    sizes = random.Random(seed)
    out = []
    for _ in range(steps):
        p = climb.propose()
        if p is None:
            break
        out.append(p)
        climb.record(p, None if sizes.random() < 0.2 else sizes.randint(900, 1100))
    return out, climb


def test_never_proposes_a_measured_pipeline():
    for seed in range(20):
        proposals, _ = climb_sequence(seed, steps=80)
        assert len(proposals) == 80
        canon = [canonical(p) for p in proposals]
        assert len(set(canon)) == len(canon)  # none twice
        assert not set(canon) & {canonical(p) for p in (OZ, *RANKED)}  # none the guard measured


def test_a_seed_gives_the_same_climb_and_another_seed_another():
    assert climb_sequence(3)[0] == climb_sequence(3)[0]
    assert climb_sequence(3)[0] != climb_sequence(4)[0]
    assert _core.propose_mutation(RANKED, OZ, 5, set(RANKED)) == _core.propose_mutation(RANKED, OZ, 5, set(RANKED))


def test_never_a_nondeterministic_pass_even_around_a_best_with_one():
    for seed in range(20):
        proposals, _ = climb_sequence(seed, best="function(gvn-sink),default<Oz>")
        assert proposals and all("gvn-sink" not in p for p in proposals)


def test_mutations_are_made_of_the_candidates_elements():
    material = {e for p in RANKED for e in space.split_elements(p)} - {"function(gvn-sink)"}
    for seed in range(10):
        for p in climb_sequence(seed)[0]:
            assert set(space.split_elements(p)) <= material, p


def test_higher_ranked_candidates_give_more_elements():
    ranked = ["function(sroa)", "function(gvn)", "function(dse)", "function(adce)"]
    counts = Counter()
    for seed in range(400):
        p = _core.propose_mutation(ranked, OZ, seed, {OZ, *ranked})
        counts.update(e for e in space.split_elements(p) if e != OZ)
    assert counts["function(sroa)"] > counts["function(gvn)"] > counts["function(dse)"] > counts["function(adce)"]


def test_nothing_to_propose_is_none():
    assert _core.propose_mutation([], OZ, 1, {OZ}) is None
    climb = _core.HillClimb([], OZ, 100, [OZ], 1)
    assert climb.propose() is None


def test_the_best_changes_only_for_a_strictly_smaller_size():
    climb = _core.HillClimb(RANKED, OZ, 100, [OZ], 1)
    assert not climb.record("default<O1>", 100)  # a tie keeps the earlier best
    assert not climb.record("function(sroa)", None)
    assert climb.record("function(sroa),default<O1>", 99)
    assert (climb.best, climb.best_size, climb.trials, climb.failures, climb.improvements) == (
        "function(sroa),default<O1>", 99, 3, 1, 1)


# ------------------------------------------------- the hill climb with Module.evaluate


@pytest.fixture(scope="module")
def strings():
    from passlm.compile import c_to_ir

    return passlm.Module.from_string(c_to_ir(EXAMPLES / "strings.c"))


CANDIDATES = ["function(instcombine<no-verify-fixpoint>),default<Oz>", "default<O1>",
              "function(sroa),globalopt,default<Oz>"]


def test_search_around_keeps_only_smaller_and_is_deterministic(strings):
    guard_only = search_around(strings, CANDIDATES, 0)
    oz = strings.evaluate(OZ)[1]
    assert guard_only.trials == () and guard_only.best == guard_only.guard_choice
    assert guard_only.object_size <= oz
    first, again = search_around(strings, CANDIDATES, 6), search_around(strings, CANDIDATES, 6)
    assert first == again
    assert len(first.trials) == 6 and first.guard_choice == guard_only.best
    assert first.object_size <= guard_only.object_size
    assert first.object_size == min([guard_only.object_size, *(s for _, s in first.trials if s is not None)])
    assert strings.evaluate(first.best)[1] == first.object_size  # the kept size is the pipeline's
