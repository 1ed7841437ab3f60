"""Labels: for each module, the best pipeline that also passed miscompile
screening, written as a compact file that ships with the package data.

Screening costs seconds per pipeline and tuning finds thousands of distinct
winners, so pipelines are screened in order of what they are worth to the
whole corpus (the sum, over modules, of their gain over -Oz), within an
optional time budget; screening results are cached in the store, so a later
run goes on where this one stopped. Each module's label is then its best
evaluated pipeline among those that passed (ties: shorter); a module with
none keeps ``default<Oz>`` (no gain claimed). Pipelines with a
nondeterministic pass (``space.is_deterministic``) are never screened nor
labels.

The file is tab-separated, one module a line, with a header:
``hash  package  source  split  oz  best  pipeline``.
"""
from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

from ..defaults import OZ
from ..store import Store
from .search import value_of
from ..pipelines.space import is_deterministic, split_elements

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


def best_screened(store: Store, module: str, objective: str = "size",
                  screen: Optional[Callable[[str], bool]] = None, tries: int = 0) -> Optional[tuple[int, str]]:
    """(value, pipeline) of the module's best evaluation better than -Oz whose pipeline is
    deterministic and passed screening (as the store's verdicts say); None when none did.
    With ``screen``, at most ``tries`` winners never screened are screened on the way, best
    first (``screen`` caches its verdicts where the store can see them, or remembers them)."""
    unscreened = 0
    for value, pipeline in ranked_candidates(store, module, objective):
        if not is_deterministic(pipeline):
            continue
        verdict = store.screening(pipeline)
        if verdict is None and screen is not None and unscreened < tries:
            unscreened += 1
            if screen(pipeline):
                return value, pipeline
        elif verdict is not None and verdict["status"] == "pass":
            return value, pipeline
    return None


def screening_order(store: Store, modules: Sequence[str], objective: str = "size") -> list[str]:
    """Deterministic pipelines better than -Oz somewhere, by their summed relative gain over all modules."""
    worth: dict[str, float] = {}
    for module in modules:
        evaluation = store.evaluation(module, OZ)
        oz = value_of(evaluation, objective) if evaluation else None
        if not oz:
            continue  # never evaluated (a deep-search store measures a sample only) or -Oz failed
        for value, pipeline in ranked_candidates(store, module, objective):
            if is_deterministic(pipeline):
                worth[pipeline] = worth.get(pipeline, 0.0) + (oz - value) / oz
    return sorted(worth, key=lambda p: (-worth[p], len(split_elements(p)), p))


def choose_labels(store: Store, modules: Sequence[str], objective: str = "size",
                  passes_screening: Optional[Callable[[str], bool]] = None, seconds: Optional[float] = None,
                  progress: Callable[[int, int], None] = lambda done, total: None) -> list[Label]:
    """One label per module. ``passes_screening(pipeline)`` defaults to passlm.screen (cached in the
    store); after ``seconds`` no new pipeline is screened (cached results still count)."""
    if passes_screening is None:
        from ..screen import screen

        def passes_screening(pipeline: str) -> bool:
            return screen(pipeline, store=store).passed

    order = screening_order(store, modules, objective)
    deadline = None if seconds is None else time.monotonic() + seconds
    passed = set()
    for n, pipeline in enumerate(order, 1):
        cached = store.screening(pipeline)
        if cached is None and deadline is not None and time.monotonic() >= deadline:
            continue  # out of time: only what is already screened
        if passes_screening(pipeline):
            passed.add(pipeline)
        progress(n, len(order))

    labels = []
    for module in modules:
        info = store.module_info(module)
        oz = value_of(store.evaluation(module, OZ), objective)
        best, pipeline = oz, OZ
        for value, candidate in ranked_candidates(store, module, objective):
            if candidate in passed:
                best, pipeline = value, candidate
                break
        labels.append(Label(module, info["package"] or "", info["source"], info["split"] or "", oz, best, pipeline))
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
