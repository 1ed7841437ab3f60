"""Filling the module x pipeline matrix: every given pipeline on every module.

Per-module search leaves the store sparse (each module has its own few dozen
pipelines). A set cover (``coreset:``) and a model trained to rank several
good pipelines per module both need the same pipelines measured on all
modules. ``fill`` evaluates what is missing block by block: for a block of
``BLOCK`` modules, every pipeline column by column, then the next block.
The workers keep the last few dozen modules they parsed, so a block is parsed
once per worker instead of once per evaluation, and an interrupted run leaves
complete rows behind (what a ranker trains on). Each result is written to the
store as it comes, so a stopped run resumes.

``screened_pipelines`` picks the columns: pipelines that passed miscompile
screening, in the order of their worth to the corpus (``screening_order``).
"""
from __future__ import annotations

import math
from typing import Callable, Optional, Sequence

from ..defaults import OZ
from ..store import Store
from .labels import screening_order
from .search import value_of
from ..pipelines.space import is_deterministic
from ..pipelines.workers import Job, WorkerPool


def screened_pipelines(store: Store, modules: Sequence[str], limit: int, objective: str = "size") -> list[str]:
    """The ``limit`` most valuable pipelines that passed screening (``default<Oz>`` not counted)."""
    chosen = []
    for pipeline in screening_order(store, modules, objective):
        screening = store.screening(pipeline)
        if screening and screening["status"] == "pass" and pipeline != OZ and is_deterministic(pipeline):
            chosen.append(pipeline)
            if len(chosen) == limit:
                break
    return chosen


BLOCK = 16  # modules per block: fewer than a worker keeps parsed (pipelines.workers)


def spread_over_packages(store: Store, modules: Sequence[str]) -> list[str]:
    """One module of each package in turn: a run stopped early, or a first N, covers every package alike."""
    by_package: dict[str, list[str]] = {}
    for m in modules:
        by_package.setdefault(store.module_info(m)["package"] or "", []).append(m)
    queues = list(by_package.values())
    order: list[str] = []
    while queues:
        order += [q.pop(0) for q in queues]
        queues = [q for q in queues if q]
    return order


def missing_pairs(store: Store, modules: Sequence[str], pipelines: Sequence[str]) -> list[tuple[str, str]]:
    """(module, pipeline) the store has no evaluation of, block by block, column by column within."""
    missing = []
    for start in range(0, len(modules), BLOCK):
        block = modules[start:start + BLOCK]
        known = {m: {e.pipeline for e in store.evaluations(m)} for m in block}
        missing += [(m, p) for p in pipelines for m in block if p not in known[m]]
    return missing


def fill(store: Store, modules: Sequence[str], pipelines: Sequence[str], pool: WorkerPool,
         progress: Callable[[int, int], None] = lambda done, total: None) -> int:
    """Evaluates every (module, pipeline) the store lacks; returns how many were run."""
    missing = missing_pairs(store, modules, pipelines)
    jobs = (Job(m, store.bitcode(m), p, "matrix") for m, p in missing)  # bitcode read as jobs go out
    total, done = len(missing), 0
    for evaluation in pool.evaluate_many(jobs):
        store.record_evaluation(evaluation)
        done += 1
        progress(done, total)
    return done


def log_ratios(store: Store, modules: Sequence[str], pipelines: Sequence[str], worst: float,
               objective: str = "size") -> dict[str, list[Optional[float]]]:
    """Matrix rows: for each module with an ok -Oz value, ``log(value_p / value_-Oz)``
    for every pipeline p, in order, capped at ``worst``. A failed evaluation
    counts as ``worst``; a pair never evaluated is None."""
    column = {p: i for i, p in enumerate(pipelines)}
    rows = {}
    for module in modules:
        values: list = [None] * len(pipelines)
        oz = None
        for e in store.evaluations(module):
            value = value_of(e, objective)
            if e.pipeline == OZ:
                oz = value
            if e.pipeline in column:
                values[column[e.pipeline]] = "failed" if value is None else value
        if oz:
            rows[module] = [None if v is None else worst if v == "failed" else min(worst, math.log(max(v, 1) / oz))
                            for v in values]
    return rows
