"""``passlm eval --search N``: the column of what the plugin keeps with ``search=N``.

For every module, the guard's choice among the candidates (``best_of_k_guarded``)
is the start of a hill climb of N trials, each a mutation of the best so far
from the plugin's own generator (``passlm._core.HillClimb``, seeded from the
module's hash as the plugin seeds it), kept only when strictly smaller. So the
``searched`` column is what ``PASSLM_SEARCH=N`` makes of the module, with the
engine's same candidates; like the guarded columns it is measured without a time
budget. The trials run in the evaluation's worker pool: one round per step,
every module's next trial in the same round (a module's steps depend on each
other, different modules' do not).

A row's ``searched`` result has the keys of the other columns, ``kept``
("candidate", "-Oz", "search", or None when -Oz failed) and ``search``:
the trials run, how many failed, how many became the best, and whether the
generator ran out of new mutations (None when nothing was searched).
"""
from __future__ import annotations

from typing import Callable, Optional

from ..defaults import OZ
from ..pipelines.hillclimb import ranked_ok
from .aggregate import is_ok
from .suite import Suite

RESULT_KEYS = ("pipeline", "status", "instructions", "object_size", "detail")


def _start(row: dict, module_hash: str):
    """The climb of one row, from its guarded choice; None when -Oz failed (nothing to guard with)."""
    from .. import _core

    guarded = row["best_of_k_guarded"]
    if guarded["kept"] is None:
        return None
    candidates = [c["pipeline"] for c in row["candidates"]]
    ranked = ranked_ok(candidates, [c["object_size"] if is_ok(c) else None for c in row["candidates"]])
    return _core.HillClimb(ranked, guarded["pipeline"], guarded["object_size"], [*candidates, OZ],
                           _core.search_seed(module_hash))


def add_searched_column(suite: Suite, rows: list[dict], n: int, jobs: int, timeout: float,
                        progress: Optional[Callable[[str], None]] = None) -> None:
    """Adds ``searched`` to every row (in place): the guard's choice, then ``n`` search trials."""
    from ..pipelines.workers import Job, WorkerPool

    modules = list(suite)
    climbs = [_start(row, m.hash) for m, row in zip(modules, rows)]
    results: list[dict] = [{} for _ in rows]  # per row: the mutations' results, by pipeline
    exhausted = [False] * len(rows)
    with WorkerPool(jobs=jobs, timeout=timeout) as pool:
        for step in range(1, n + 1):
            wanted: dict[tuple[str, str], list[int]] = {}  # a suite may hold one module twice
            for i, climb in enumerate(climbs):
                if climb is None or exhausted[i]:
                    continue
                pipeline = climb.propose()
                if pipeline is None:
                    exhausted[i] = True
                    continue
                wanted.setdefault((modules[i].hash, pipeline), []).append(i)
            if not wanted:
                break
            jobs_now = [Job(h, modules[ids[0]].bitcode, p, "search") for (h, p), ids in wanted.items()]
            for e in pool.evaluate_many(jobs_now):
                for i in wanted[(e.module, e.pipeline)]:
                    results[i][e.pipeline] = e
                    climbs[i].record(e.pipeline, e.object_size if e.ok else None)
            if progress is not None:
                progress(f"searched {step}/{n}")
    for i, (row, climb) in enumerate(zip(rows, climbs)):
        guarded = row["best_of_k_guarded"]
        if climb is None:
            row["searched"] = {**guarded, "search": None}
            continue
        won = climb.improvements > 0
        if won:
            e = results[i][climb.best]
            kept = {"pipeline": e.pipeline, "status": e.status, "instructions": e.instructions,
                    "object_size": e.object_size, "detail": e.detail, "kept": "search"}
        else:
            kept = {**{key: guarded[key] for key in RESULT_KEYS}, "kept": guarded["kept"]}
        row["searched"] = {**kept, "search": {"trials": climb.trials, "failed": climb.failures,
                                              "improvements": climb.improvements, "exhausted": exhausted[i]}}
