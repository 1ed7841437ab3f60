"""The pool: the P screened pipelines a ranking model chooses among.

It is made from what deep search found on *training* modules only (a
held-out module's winners would leak into the oracle the pool is judged by):

1. **candidates**: each training module's ``per_module`` best deterministic
   pipelines that beat -Oz, in the order of their summed worth to the corpus
   (``labels.screening_order``), at most ``max_candidates``;
2. **screening** (``passlm screen``, cached in the store), in that order,
   within ``screen_seconds``; only pipelines that pass stay;
3. **measuring**: every screened candidate on every ``sample`` module (the
   matrix, ``matrix.fill``), so that coverage compares like with like;
4. **cover**: the greedy set cover of ``coreset.build_coreset`` over the
   sample, up to P pipelines. The pool file is a coreset file: its first k
   pipelines are the coreset@k baseline built from the same pool.

``oracle_by_size`` reports how the oracle (each module's best pool pipeline,
guarded) grows with P, and, given each module's ceiling (its best screened
deterministic pipeline found by deep search), which fraction of the ceiling
it reaches.
"""
from __future__ import annotations

import math
import time
from typing import Callable, Optional, Sequence

from ..defaults import OZ
from ..engine.coreset import Coreset, build_coreset
from ..pipelines.space import is_deterministic
from ..pipelines.workers import WorkerPool
from ..store import Store
from . import ranking
from .labels import ranked_candidates, screening_order
from .matrix import fill, log_ratios

WORST = math.log(1.25)  # a failed or far worse evaluation, in the oracle (it never wins anyway)


def pool_candidates(store: Store, modules: Sequence[str], per_module: int, max_candidates: int) -> list[str]:
    """The best few deterministic winners of each module, by worth to all of them."""
    wanted = set()
    for module in modules:
        own = [p for _, p in ranked_candidates(store, module) if is_deterministic(p)]
        wanted.update(own[:per_module])
    return [p for p in screening_order(store, modules) if p in wanted][:max_candidates]


def screened(store: Store, pipelines: Sequence[str], seconds: Optional[float],
             passes: Optional[Callable[[str], bool]] = None,
             progress: Callable[[int, int], None] = lambda done, total: None) -> list[str]:
    """The pipelines that pass screening, in order; after ``seconds`` only cached verdicts count."""
    if passes is None:
        from ..screen import screen

        def passes(pipeline: str) -> bool:
            return screen(pipeline, store=store).passed

    deadline = None if seconds is None else time.monotonic() + seconds
    kept = []
    for n, pipeline in enumerate(pipelines, 1):
        cached = store.screening(pipeline)
        if cached is None and deadline is not None and time.monotonic() >= deadline:
            continue
        if (cached["status"] == "pass") if cached is not None else passes(pipeline):
            kept.append(pipeline)
        progress(n, len(pipelines))
    return kept


def build_pool(store: Store, train_modules: Sequence[str], sample: Sequence[str], size: int,
               workers: WorkerPool, per_module: int = 3, max_candidates: int = 1000,
               screen_seconds: Optional[float] = None, passes: Optional[Callable[[str], bool]] = None,
               log: Callable[[str], None] = lambda message: None) -> Coreset:
    """Steps 1-4 of the module docstring; ``sample`` must be training modules."""
    leaked = set(sample) - set(train_modules)
    if leaked:
        raise ValueError(f"{len(leaked)} sample modules are not training modules: a pool is made from "
                         "training modules only")
    candidates = pool_candidates(store, train_modules, per_module, max_candidates)
    log(f"{len(candidates)} candidate pipelines from {len(train_modules)} training modules")
    kept = screened(store, candidates, screen_seconds, passes)
    log(f"{len(kept)} passed screening")
    done = fill(store, sample, [OZ] + kept, workers)
    log(f"{done} evaluations to measure them on {len(sample)} sample modules")
    pool = build_coreset(store, sample, k=size, screened_only=True, source=f"{store.path}:pool")
    return Coreset(pool.pipelines, pool.steps, pool.modules, pool.source, pool.objective, len(kept))


def oracle_by_size(store: Store, pipelines: Sequence[str], modules: Sequence[str],
                   sizes: Sequence[int] = (4, 16, 64, 128, 256, 512, 1024),
                   ceiling: Optional[dict[str, float]] = None) -> list[dict]:
    """Per pool size P (the first P pipelines): the oracle's improvement on ``modules``,
    and its fraction of the ceiling's (``ceiling``: module -> best log ratio)."""
    rows = log_ratios(store, modules, pipelines, WORST)
    if not rows:
        raise ValueError(f"{store.path}: none of the {len(modules)} modules has an ok {OZ} evaluation")
    reach = None
    if ceiling is not None:
        values = [min(0.0, ceiling.get(m, 0.0)) for m in rows]
        reach = ranking.figure(values).improvement
    report = []
    for p in sorted({min(s, len(pipelines)) for s in sizes}):
        figure = ranking.oracle(rows, range(p))
        report.append({"pool": p, "modules": figure.modules, "oracle": figure.improvement, "wins": figure.wins,
                       "measured": sum(all(v is not None for v in row[:p]) for row in rows.values()),
                       "ceiling": reach, "of_ceiling": figure.improvement / reach if reach else None})
    return report


def ceiling_of(store: Store, modules: Sequence[str]) -> dict[str, float]:
    """Each module's best log ratio among its screened (passed), deterministic evaluations."""
    ceiling = {}
    for module in modules:
        oz = store.evaluation(module, OZ)
        if oz is None or not oz.ok or not oz.object_size:
            continue
        ceiling[module] = 0.0
        for value, pipeline in ranked_candidates(store, module):
            verdict = store.screening(pipeline)
            if verdict and verdict["status"] == "pass" and is_deterministic(pipeline):
                ceiling[module] = math.log(value / oz.object_size)
                break
    return ceiling
