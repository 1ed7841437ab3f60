"""Labels: for each module, the best pipeline that also passed miscompile
screening, written as a compact file that ships with the package data.

A module's candidates are its successful evaluations smaller than -Oz,
best first (ties: shorter); the first that passes ``passlm.screen`` is its
label. A module with none keeps ``default<Oz>`` (no gain claimed).

The file is tab-separated, one module a line, with a header:
``hash  package  source  split  oz  best  pipeline``.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

from ..store import OZ, Store
from .search import value_of
from .space import split_elements

COLUMNS = ("hash", "package", "source", "split", "oz", "best", "pipeline")


@dataclass(frozen=True)
class Label:
    hash: str
    package: str
    source: str
    split: str
    oz: int
    best: int
    pipeline: str


def ranked_candidates(store: Store, module: str, objective: str = "size") -> list[tuple[int, str]]:
    """(value, pipeline) of the module's evaluations better than -Oz, best first."""
    oz = store.evaluation(module, OZ)
    oz_value = value_of(oz, objective) if oz else None
    if oz_value is None:
        return []
    better = {(v, e.pipeline) for e in store.evaluations(module)
              if (v := value_of(e, objective)) is not None and v < oz_value}
    return sorted(better, key=lambda vp: (vp[0], len(split_elements(vp[1])), vp[1]))


def choose_labels(store: Store, modules: Sequence[str], objective: str = "size", tries: int = 3,
                  passes_screening: Optional[Callable[[str], bool]] = None,
                  progress: Callable[[int], None] = lambda n: None) -> list[Label]:
    """One label per module; ``passes_screening(pipeline)`` defaults to passlm.screen with the store's cache."""
    if passes_screening is None:
        from ..screen import screen

        def passes_screening(pipeline: str) -> bool:
            return screen(pipeline, store=store).passed

    labels = []
    for n, module in enumerate(modules, 1):
        info = store.module_info(module)
        oz = value_of(store.evaluation(module, OZ), objective)
        best, pipeline = oz, OZ
        for value, candidate in ranked_candidates(store, module, objective)[:tries]:
            if passes_screening(candidate):
                best, pipeline = value, candidate
                break
        labels.append(Label(module, info["package"] or "", info["source"], info["split"] or "", oz, best, pipeline))
        progress(n)
    return labels


def write_labels(path: str | Path, labels: Sequence[Label]) -> None:
    with open(path, "w", newline="") as f:
        out = csv.writer(f, delimiter="\t", lineterminator="\n")
        out.writerow(COLUMNS)
        for label in labels:
            out.writerow([getattr(label, c) for c in COLUMNS])


def read_labels(path: str | Path) -> list[Label]:
    with open(path, newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        header = next(rows, None)
        if tuple(header or ()) != COLUMNS:
            raise ValueError(f"{path}:1: not a passlm labels file (expected columns {' '.join(COLUMNS)})")
        labels = []
        for line, row in enumerate(rows, 2):
            if len(row) != len(COLUMNS):
                raise ValueError(f"{path}:{line}: expected {len(COLUMNS)} tab-separated fields, got {len(row)}")
            try:
                labels.append(Label(row[0], row[1], row[2], row[3], int(row[4]), int(row[5]), row[6]))
            except ValueError:
                raise ValueError(f"{path}:{line}: sizes must be integers") from None
        return labels
