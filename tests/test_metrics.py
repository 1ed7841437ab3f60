"""The improvement-over--Oz metrics on a case small enough to check by hand."""
import math

import pytest

from passlm.metrics import improvement_over_oz


def test_hand_computed_case():
    # ratios 0.9, 1.0, 1.1 -> geomean (0.99)^(1/3); totals 90+200+330 / 100+200+300
    result = improvement_over_oz([90, 200, 330], [100, 200, 300])
    assert result.geomean == pytest.approx(1 - 0.99 ** (1 / 3))
    assert result.total == pytest.approx(1 - 620 / 600)
    assert (result.wins, result.ties, result.losses) == (1, 1, 1)


def test_one_big_module_does_not_decide_the_geomean():
    result = improvement_over_oz([95, 95, 700_000], [100, 100, 700_000])
    assert result.geomean == pytest.approx(1 - math.exp((2 * math.log(0.95)) / 3))
    assert result.total < 0.001


def test_rejects_mismatched_or_empty_input():
    with pytest.raises(ValueError):
        improvement_over_oz([1], [1, 2])
    with pytest.raises(ValueError):
        improvement_over_oz([], [])
