"""Figures of a choice of pipelines, read off matrix rows instead of compiled.

A matrix row (``matrix.log_ratios``) holds, for one module, the log ratio
``log(size_p / size_-Oz)`` of every pipeline p of a pool; a choice is, per
module, the pool indices an engine proposes, best first. Since every pair
was measured, the figures of any choice follow without compiling:

``top1``
    the first proposal runs unmeasured (no guard): the module gets its ratio,
    larger than -Oz or not; ``None`` as a proposal means -Oz itself;
``best_of``
    the guard measures the first k proposals and keeps the smallest, or -Oz
    when none is strictly smaller: ``min(0, min over the k)``;
``oracle``
    the best pipeline of a set on every module, guarded: the ceiling of any
    chooser of that set.

Two choosers without a model serve as baselines: ``greedy_order`` (the
coreset's rule: the same list for every module, which reads nothing of it)
and, per module, the greedy order of the rows of its ``feature_neighbours``:
the training modules nearest in a few counts of its IR (size and opcode mix).

Each gives the headline ``1 - exp(mean log ratio)`` (the geomean form) with
win/tie/loss counts. A pair that was not measured counts as no gain for
guarded figures (what was not measured cannot be claimed) and is an error
for top-1.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

Row = Sequence[Optional[float]]


@dataclass(frozen=True)
class Figure:
    improvement: float  # 1 - geomean(size / size_-Oz)
    wins: int
    ties: int
    losses: int
    modules: int

    def describe(self) -> str:
        return (f"{self.improvement * 100:+.2f}% geomean over {self.modules} modules; "
                f"{self.wins} smaller, {self.ties} equal, {self.losses} larger than -Oz")


def figure(log_ratios: Sequence[float]) -> Figure:
    if not log_ratios:
        raise ValueError("no modules")
    return Figure(1.0 - math.exp(sum(log_ratios) / len(log_ratios)), sum(r < 0 for r in log_ratios),
                  sum(r == 0 for r in log_ratios), sum(r > 0 for r in log_ratios), len(log_ratios))


def guarded(row: Row, columns: Sequence[int]) -> float:
    """The guard's result on one module: the smallest measured of ``columns``, or -Oz (0)."""
    return min([0.0] + [row[i] for i in columns if row[i] is not None])


def top1(rows: dict[str, Row], first: dict[str, Optional[int]]) -> Figure:
    values = []
    for module, row in rows.items():
        i = first[module]
        if i is not None and row[i] is None:
            raise ValueError(f"{module}: proposal {i} was never measured")
        values.append(0.0 if i is None else row[i])
    return figure(values)


def best_of(rows: dict[str, Row], proposals: dict[str, Sequence[int]], k: int) -> Figure:
    return figure([guarded(row, [i for i in proposals[m] if i is not None][:k]) for m, row in rows.items()])


def oracle(rows: dict[str, Row], columns: Optional[Sequence[int]] = None) -> Figure:
    """Every module takes its best of ``columns`` (default: all), guarded."""
    return figure([guarded(row, range(len(row)) if columns is None else columns) for row in rows.values()])


def greedy_order(rows: dict[str, Row], limit: int) -> list[int]:
    """Columns in greedy set-cover order: each next one most lowers the summed
    guarded log ratio of the modules (ties: the lower index). The coreset's rule,
    on matrix rows."""
    best = {m: 0.0 for m in rows}
    chosen: list[int] = []
    width = len(next(iter(rows.values()))) if rows else 0
    while len(chosen) < min(limit, width):
        gains = []
        for i in range(width):
            if i in chosen:
                continue
            gain = sum(best[m] - row[i] for m, row in rows.items() if row[i] is not None and row[i] < best[m])
            gains.append((-gain, i))
        gain, i = min(gains)
        if gain >= 0:
            break  # nothing left improves any module
        chosen.append(i)
        for m, row in rows.items():
            if row[i] is not None:
                best[m] = min(best[m], row[i])
    return chosen


def feature_neighbours(train: dict[str, Sequence[float]], queries: dict[str, Sequence[float]],
                       n: int) -> dict[str, list[str]]:
    """For each query, the ``n`` training modules nearest to it in features: counts,
    scaled by log(1 + x) and standardized by the training modules' mean and deviation,
    Euclidean distance (ties: the first training module in name order)."""
    names = sorted(train)
    if not names:
        return {q: [] for q in queries}
    width = len(train[names[0]])
    scaled = {m: [math.log1p(max(0.0, x)) for x in train[m]] for m in names}
    mean = [math.fsum(scaled[m][j] for m in names) / len(names) for j in range(width)]
    spread = [math.sqrt(math.fsum((scaled[m][j] - mean[j]) ** 2 for m in names) / len(names)) or 1.0
              for j in range(width)]

    def standard(values: Sequence[float]) -> list[float]:
        return [(math.log1p(max(0.0, x)) - mu) / sd for x, mu, sd in zip(values, mean, spread)]

    points = {m: standard(train[m]) for m in names}
    nearest = {}
    for q, values in queries.items():
        point = standard(values)
        distance = {m: math.fsum((a - b) ** 2 for a, b in zip(point, points[m])) for m in names}
        nearest[q] = sorted(names, key=lambda m: distance[m])[:n]  # stable: ties keep name order
    return nearest
