"""The plugin's search after the guard (``passlm<search=N>``), from Python.

After the guard has measured -Oz and the engine's candidates and kept the
smallest, the search spends ``n`` more measured trials, each a mutation of the
best pipeline so far, and keeps a mutation only when its object is strictly
smaller. The mutations come from the compiled core's generator
(``passlm._core.HillClimb``, ``cpp/core/passlm/Search.h``), the one the plugin
runs, seeded the same way (``search_seed(module.hash)``), and the sizes from the
same evaluation (``Module.evaluate``): given the same candidates, this returns
what a build with ``PASSLM_SEARCH=n`` keeps (a build may stop earlier, when
its time budget is spent).

Mutated pipelines are combinations of the candidates' elements: they did not
pass miscompile screening (``passlm screen``) themselves.

    >>> result = search_around(module, ["function(sroa),default<Oz>", "default<O1>"], n=8)
    >>> result.best, result.object_size, result.improvements
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from .. import errors
from ..defaults import OZ


@dataclass(frozen=True)
class SearchResult:
    """What the guard and the search keep for one module."""

    best: str                    # the pipeline kept (-Oz when nothing is smaller)
    object_size: Optional[int]   # its object size; None when -Oz itself failed (nothing compared)
    guard_choice: str            # what the guard alone kept, before the search
    trials: tuple[tuple[str, Optional[int]], ...]  # each mutation measured, in order, and its size (None: failed)
    improvements: int            # trials that became the best

    @property
    def won(self) -> bool:
        return self.improvements > 0


def ranked_ok(candidates: Sequence[str], sizes: Sequence[Optional[int]]) -> list[str]:
    """The candidates whose evaluation is ok, in rank order, each once: the
    generator's material, as the plugin passes it."""
    out: list[str] = []
    for pipeline, size in zip(candidates, sizes):
        if size is not None and pipeline not in out:
            out.append(pipeline)
    return out


def _size(module, pipeline: str, timeout: Optional[float]) -> Optional[int]:
    """The object size of one isolated evaluation; None when it failed, as a failed trial of the plugin."""
    try:
        return module.evaluate(pipeline, isolated=True, timeout=timeout)[1]
    except (errors.PipelineError, errors.PipelineCrash, errors.CodegenError, errors.VerifierError):
        return None


def search_around(module, ranked: Sequence[str], n: int, seed: Optional[int] = None,
                  timeout: Optional[float] = None) -> SearchResult:
    """The guard over ``ranked`` (the engine's candidates, best first) and -Oz,
    then ``n`` search trials around its choice: what ``passlm<k=len(ranked);
    search=n>`` keeps. Every evaluation is isolated (an LLVM abort is a failed
    trial); ``seed`` defaults to the plugin's, from ``module.hash``."""
    from .. import _core

    if n < 0:
        raise ValueError("n must be >= 0")
    oz = _size(module, OZ, timeout)
    sizes = [oz if p == OZ else _size(module, p, timeout) for p in ranked]
    kind, winner = _core.choose_by_guard(oz, sizes)
    if kind == "baseline-failed":  # no figure to guard with: -Oz, unmeasured, as the plugin
        return SearchResult(OZ, None, OZ, (), 0)
    best = ranked[winner] if kind == "candidate" else OZ
    best_size = sizes[winner] if kind == "candidate" else oz
    climb = _core.HillClimb(ranked_ok(ranked, sizes), best, best_size, [*ranked, OZ],
                            _core.search_seed(module.hash) if seed is None else seed)
    trials = []
    for _ in range(n):
        pipeline = climb.propose()
        if pipeline is None:
            break
        size = _size(module, pipeline, timeout)
        climb.record(pipeline, size)
        trials.append((pipeline, size))
    return SearchResult(climb.best, climb.best_size, best, tuple(trials), climb.improvements)
