"""The size metrics of docs/conventions.md, in one place.

The headline is 1 - geomean(size(candidate) / size(-Oz)) over modules, so
every module weighs the same; the total-size form and win/tie/loss counts are
reported beside it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class Improvement:
    geomean: float  # 1 - geomean(candidate / oz): the headline, as a fraction
    total: float    # 1 - sum(candidate) / sum(oz)
    wins: int
    ties: int
    losses: int

    def describe(self) -> str:
        return (f"{self.geomean * 100:+.2f}% geomean, {self.total * 100:+.2f}% total size; "
                f"{self.wins} smaller, {self.ties} equal, {self.losses} larger than -Oz")


def improvement_over_oz(candidate: Sequence[int], oz: Sequence[int]) -> Improvement:
    """Positive numbers mean smaller than -Oz."""
    if len(candidate) != len(oz) or not oz:
        raise ValueError("need one candidate size per -Oz size, and at least one module")
    if any(s <= 0 for s in oz) or any(s <= 0 for s in candidate):
        raise ValueError("sizes must be positive")
    log_ratio = sum(math.log(c / o) for c, o in zip(candidate, oz)) / len(oz)
    return Improvement(
        geomean=1.0 - math.exp(log_ratio),
        total=1.0 - sum(candidate) / sum(oz),
        wins=sum(c < o for c, o in zip(candidate, oz)),
        ties=sum(c == o for c, o in zip(candidate, oz)),
        losses=sum(c > o for c, o in zip(candidate, oz)),
    )
