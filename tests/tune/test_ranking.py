"""Figures of a choice read off matrix rows, against hand-computed cases."""
from __future__ import annotations

import math

import pytest

from passlm.tune import ranking

L = math.log
ROWS = {"a": [L(0.9), L(1.1), None], "b": [L(1.2), L(0.8), L(0.95)], "c": [0.0, L(1.5), L(0.99)]}


def headline(*ratios):
    return 1 - math.exp(sum(L(r) for r in ratios) / len(ratios))


def test_top1_runs_the_first_proposal_unmeasured_and_none_is_oz():
    f = ranking.top1(ROWS, {"a": 0, "b": 0, "c": None})
    assert f.improvement == pytest.approx(headline(0.9, 1.2, 1.0))
    assert (f.wins, f.ties, f.losses) == (1, 1, 1)
    with pytest.raises(ValueError, match="never measured"):
        ranking.top1(ROWS, {"a": 2, "b": 0, "c": 0})


def test_best_of_k_is_guarded_and_counts_only_the_first_k():
    proposals = {"a": [1, 0], "b": [0, 2, 1], "c": [1]}
    assert ranking.best_of(ROWS, proposals, 1).improvement == pytest.approx(headline(1.0, 1.0, 1.0))
    assert ranking.best_of(ROWS, proposals, 2).improvement == pytest.approx(headline(0.9, 0.95, 1.0))
    assert ranking.best_of(ROWS, proposals, 3).improvement == pytest.approx(headline(0.9, 0.8, 1.0))


def test_oracle_and_greedy_order():
    assert ranking.oracle(ROWS).improvement == pytest.approx(headline(0.9, 0.8, 0.99))
    assert ranking.oracle(ROWS, [2]).improvement == pytest.approx(headline(1.0, 0.95, 0.99))
    # column 1 gains the most alone (b: 0.8), then column 0 (a: 0.9), then 2 (c: 0.99)
    assert ranking.greedy_order(ROWS, 5) == [1, 0, 2]
    assert ranking.greedy_order(ROWS, 1) == [1]


def test_feature_neighbours_are_nearest_in_scaled_standard_counts():
    train = {"small": [1, 10], "mid": [30, 10], "big": [1000, 10], "twin": [1000, 10]}
    near = ranking.feature_neighbours(train, {"q": [900, 10], "r": [2, 10]}, 2)
    assert near["q"] == ["big", "twin"]  # equal distance: name order
    assert near["r"] == ["small", "mid"]  # log scale: 2 is nearer 1 than 30 is
    assert ranking.feature_neighbours({}, {"q": [1]}, 3) == {"q": []}
    assert ranking.feature_neighbours(train, {"q": [5, 10]}, 10)["q"][0] == "small"
