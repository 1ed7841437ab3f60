"""The guard's decision (passlm.choose_by_guard, the core's chooseByGuard):
the one rule the plugin and passlm eval share."""
from __future__ import annotations

import pytest

import passlm

GUARD_CASES = [
    # (-Oz, candidates, guard) -> (kind, winner); None is a failed evaluation.
    ((100, [110, 90, 90], True), ("candidate", 1)),  # the smallest; between equals, the earlier
    ((100, [100], True), ("baseline-smallest", None)),  # a tie with -Oz goes to -Oz
    ((100, [None, 120], True), ("baseline-smallest", None)),  # a failure never wins
    ((100, [None, 99], True), ("candidate", 1)),
    ((100, [None, None], True), ("no-candidate-ok", None)),
    ((100, [], True), ("no-candidate-ok", None)),
    ((None, [50], True), ("baseline-failed", None)),  # -Oz failed: kept, nothing compared
    ((None, [50], False), ("baseline-failed", None)),
    ((100, [0, 5], True), ("candidate", 0)),  # an empty object is a size
    ((100, [None, 120, 50], False), ("candidate", 1)),  # guard off: the first that works
    ((100, [None], False), ("no-candidate-ok", None)),
]


@pytest.mark.parametrize("case, expected", GUARD_CASES, ids=[str(c[0]) for c in GUARD_CASES])
def test_choose_by_guard(case, expected):
    baseline, candidates, guard = case
    assert passlm.choose_by_guard(baseline, candidates, guard=guard) == expected


def test_choose_by_guard_keeps_the_plugins_guarantee():
    """Whatever the figures: with the guard on, what is kept is never larger
    than -Oz, and it is -Oz unless a candidate is strictly smaller."""
    import random

    rng = random.Random(7)
    for _ in range(2000):
        oz = rng.choice([None, *range(95, 106)])
        sizes = [rng.choice([None, *range(95, 106)]) for _ in range(rng.randint(0, 5))]
        kind, winner = passlm.choose_by_guard(oz, sizes)
        ok = [s for s in sizes if s is not None]
        if oz is None:
            assert (kind, winner) == ("baseline-failed", None)
        elif ok and min(ok) < oz:
            assert (kind, winner) == ("candidate", sizes.index(min(ok)))
        else:
            assert (kind, winner) == ("baseline-smallest" if ok else "no-candidate-ok", None)
