"""The pool: the P screened pipelines a ranking model chooses among.

It is made from what deep search found on *training* modules only (a
held-out module's winners would leak into the oracle the pool is judged by):

1. **candidates**: each training module's ``per_module`` best deterministic
   pipelines that beat -Oz, in the order of their summed worth to the corpus
   (``labels.screening_order``), at most ``max_candidates``;
2. **measuring**: every candidate on every ``sample`` module (``matrix.fill``),
   so that the cover compares like with like where it matters most; the other
   deep-searched modules count with what their search measured;
3. **cover**: the greedy set cover of ``coreset.build_coreset`` over the
   deep-searched modules; when it stops gaining, the rest of the candidates
   follow in corpus-worth order, up to P;
4. **screening** (``passlm screen``, cached in the store) in that order, until
   P pipelines pass. A rejected pipeline that the cover chose is left out and
   the cover is made again (what it covered may now need another). Screening
   after the cover, not before, screens about P pipelines instead of every
   candidate. The pool file is a coreset file: its first k pipelines are the
   coreset@k baseline built from the same pool.

``oracle_by_size`` reports how the oracle (each module's best pool pipeline,
guarded) grows with P, and, given each module's ceiling (its best screened
deterministic pipeline found by deep search or the pool's matrix;
``module_ceilings`` screens the winners it needs on the way), which fraction
of the ceiling it reaches.
"""
from __future__ import annotations

import math
import time
from typing import Callable, NamedTuple, Optional, Sequence

from ..defaults import OZ
from ..engine.coreset import Coreset, Step, build_coreset
from ..pipelines.space import is_deterministic
from ..pipelines.workers import WorkerPool
from ..store import Evaluation, Store
from . import ranking
from .labels import best_screened, ranked_candidates, screening_order
from .matrix import fill, log_ratios

WORST = math.log(1.25)  # a failed or far worse evaluation, in the oracle (it never wins anyway)


def pool_candidates(store: Store, modules: Sequence[str], per_module: int, max_candidates: int) -> list[str]:
    """The best few deterministic winners of each module, by worth to all of them."""
    wanted = set()
    for module in modules:
        own = [p for _, p in ranked_candidates(store, module) if is_deterministic(p)]
        wanted.update(own[:per_module])
    return [p for p in screening_order(store, modules) if p in wanted][:max_candidates]


class Verdicts:
    """Screening verdicts, cached in the store; after ``seconds`` only cached verdicts count
    (a pipeline never screened then counts as not passing)."""

    def __init__(self, store: Store, seconds: Optional[float] = None,
                 passes: Optional[Callable[[str], bool]] = None):
        if passes is None:
            from ..screen import screen

            def passes(pipeline: str) -> bool:
                return screen(pipeline, store=store).passed

        self.store, self.passes, self.known = store, passes, {}
        self.deadline = None if seconds is None else time.monotonic() + seconds

    @property
    def screened(self) -> int:
        """How many pipelines were screened here (not found in the store)."""
        return len(self.known)

    def __call__(self, pipeline: str) -> bool:
        if pipeline in self.known:
            return self.known[pipeline]
        cached = self.store.screening(pipeline)
        if cached is not None:
            return cached["status"] == "pass"
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return False
        self.known[pipeline] = self.passes(pipeline)
        return self.known[pipeline]


def build_pool(store: Store, train_modules: Sequence[str], searched: Sequence[str], sample: Sequence[str],
               size: int, workers: WorkerPool, per_module: int = 3, max_candidates: int = 1000,
               screen_seconds: Optional[float] = None, passes: Optional[Callable[[str], bool]] = None,
               log: Callable[[str], None] = lambda message: None) -> Coreset:
    """Steps 1-4 of the module docstring. ``searched``: the deep-searched training modules the cover
    is made on; ``sample``: those of them every candidate is measured on."""
    leaked = (set(searched) | set(sample)) - set(train_modules)
    if leaked:
        raise ValueError(f"{len(leaked)} sample modules are not training modules: a pool is made from "
                         "training modules only")
    candidates = pool_candidates(store, train_modules, per_module, max_candidates)
    log(f"{len(candidates)} candidate pipelines from {len(train_modules)} training modules")
    done = fill(store, sample, [OZ] + candidates, workers,
                progress=lambda n, total: n % 1000 == 0 and log(f"measured {n} of {total}"))
    log(f"{done} evaluations to measure them on {len(sample)} sample modules")
    passed, rejected = Verdicts(store, screen_seconds, passes), set()
    wanted = set(candidates)
    while True:
        cover = build_coreset(store, searched, k=size, source=f"{store.path}:pool",
                              allowed=lambda p: p in wanted and p not in rejected)
        chosen = set(cover.pipelines)
        order = list(cover.pipelines) + [p for p in candidates if p not in chosen and p not in rejected]
        kept: list[str] = []
        cover_again = False
        for pipeline in order:
            if len(kept) == size:
                break
            if passed(pipeline):
                kept.append(pipeline)
            else:
                rejected.add(pipeline)
                cover_again = pipeline in chosen  # what it covered may now need another
                if cover_again:
                    break
        if not cover_again:
            break
    log(f"{len(kept)} pipelines passed screening ({len(rejected)} left out, {passed.screened} screened now); "
        f"the cover chose {len(cover.pipelines)}")
    last = cover.steps[-1].improvement if cover.steps else 0.0
    steps = list(cover.steps[:len(kept)])  # the cover's pipelines all passed and come first
    steps += [Step(p, last, 0) for p in kept[len(steps):]]
    return Coreset(tuple(kept), tuple(steps), cover.modules, cover.source, cover.objective, len(candidates))


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


class Ceiling(NamedTuple):
    """A module's ceiling: its best screened deterministic evaluation (-Oz's own when none passed)."""
    oz: int
    object_size: int
    pipeline: str

    @property
    def log_ratio(self) -> float:
        return math.log(self.object_size / self.oz)


def module_ceilings(store: Store, modules: Sequence[str], screen: Optional[Verdicts] = None,
                    tries: int = 0) -> dict[str, Ceiling]:
    """Each module's best evaluation among its screened (passed), deterministic ones
    (``labels.best_screened``, which may screen up to ``tries`` winners per module on the
    way); -Oz when none passed. Modules without an ok -Oz object are left out."""
    ceilings = {}
    for module in modules:
        oz = store.evaluation(module, OZ)
        if oz is None or not oz.ok or not oz.object_size:
            continue
        best = best_screened(store, module, screen=screen, tries=tries)
        size, pipeline = best if best is not None else (oz.object_size, OZ)
        ceilings[module] = Ceiling(oz.object_size, size, pipeline)
    return ceilings


def ceiling_of(store: Store, modules: Sequence[str], screen: Optional[Verdicts] = None,
               tries: int = 0) -> dict[str, float]:
    """``module_ceilings`` as log ratios to -Oz (0 where none passed)."""
    return {m: c.log_ratio for m, c in module_ceilings(store, modules, screen, tries).items()}


def best_in_pool(store: Store, module: str, pipelines: Sequence[str]) -> Optional[Evaluation]:
    """The module's smallest ok evaluation of a pool pipeline (None when none was measured ok)."""
    order = {p: i for i, p in enumerate(pipelines)}  # ties go to the pipeline earlier in the pool
    measured = [e for e in store.evaluations(module) if e.pipeline in order and e.ok and e.object_size]
    return min(measured, key=lambda e: (e.object_size, order[e.pipeline]), default=None)
