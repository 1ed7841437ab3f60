"""Per-module search for the pipeline that minimizes object size (or IR
instruction count), with a budget of evaluations per module.

Each module's budget is spent in phases: ``default<Oz>`` first (the baseline),
then random lists (as LLM Compiler's autotuner), then broadcasting (the best
lists of other modules), then local search around the best so far (insert,
delete, replace or swap one element), and last minimization (drop elements
that do not help, so labels are short). Every evaluation runs in the worker
pool and goes into the store as it comes: a second run resumes from what is
stored (evaluations already there are cache hits and count against the
budget), and a module that has spent its budget is left alone.

Tuners running at once on one store share each module's budget: before a
job is submitted, its evaluation is claimed in the store
(``Store.claim_evaluation``), which counts every tuner's evaluations and live
claims of the module. A pipeline another tuner is evaluating is skipped (its
result lands in the store); a module whose budget is spent or claimed is left
to the others. A run that dies leaves claims that expire with it, so a rerun
goes on from what the store holds.

What a module costs, exactly: its ``budget``; then up to ``minimize_extra``
more to finish shortening its best pipeline; and, on the first
``admit_modules`` modules only, one evaluation of every candidate element
alone (admission, once per store: results are cached), outside the budget.
"""
from __future__ import annotations

import random
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import Callable, Iterable, Optional, Sequence

from ..defaults import OZ
from ..store import Evaluation, Store, process_owner
from ..pipelines.space import candidate_elements, join_elements, runs_any, split_elements
from ..pipelines.workers import Job, WorkerPool


@dataclass
class TuneConfig:
    budget: int = 200            # distinct evaluations per module, -Oz included
    objective: str = "size"      # "size" (object size) or "instructions"
    min_len: int = 1             # random lists: length bounds, in elements
    max_len: int = 25
    seed: int = 0
    jobs: int = 2                # worker processes
    timeout: float = 60.0        # seconds per evaluation
    random_share: float = 0.4    # shares of the budget, in phase order; local
    broadcast_share: float = 0.1  # search gets what the others leave
    minimize_share: float = 0.15
    admit_modules: int = 3       # modules each element is tried on before it is admitted
    minimize_extra: int = 50     # evaluations past the budget to finish minimizing the best
    leave_out: tuple[str, ...] = ()  # pass names no element may run (e.g. miscompile suspects)

    def __post_init__(self):
        if self.objective not in ("size", "instructions"):
            raise ValueError(f"objective must be 'size' or 'instructions', not '{self.objective}'")
        if not 1 <= self.min_len <= self.max_len:
            raise ValueError("need 1 <= min_len <= max_len")
        if self.budget < 2:
            raise ValueError("budget must be at least 2 (-Oz and one candidate)")


def value_of(e: Evaluation, objective: str) -> Optional[int]:
    if not e.ok:
        return None
    return e.object_size if objective == "size" else e.instructions


class ModuleSearch:
    """The search state of one module: proposes pipelines, learns results."""

    def __init__(self, module: str, config: TuneConfig, elements: Sequence[str], history: Iterable[Evaluation],
                 broadcast: Sequence[str] = ()):
        self.module, self.config, self.elements = module, config, list(elements)
        self.seen: dict[str, Evaluation] = {}
        self.pending: set[str] = set()
        # The best so far, as (value, length, pipeline), kept as results
        # come: the coordinator's cost per evaluation stays constant however
        # deep the search (rescanning ``seen`` made it quadratic in the budget).
        self._best: Optional[tuple[int, int, str]] = None
        for e in history:
            self.observe(e)
        # Admission results are known (cache, best) but not spent from the budget.
        self.free = sum(e.strategy == "admission" for e in self.seen.values())
        # Seeded by where the search stands, so a resumed run goes on alike.
        self.rng = random.Random(f"{config.seed}:{module}:{len(self.seen)}")
        self.broadcast = deque(p for p in broadcast if p not in self.seen)
        b = config.budget
        self.random_end = 1 + int(b * config.random_share)
        self.broadcast_end = self.random_end + int(b * config.broadcast_share)
        self.local_end = max(self.broadcast_end, b - int(b * config.minimize_share))
        self.minimized: set[str] = set()  # bests whose every single drop was tried
        self.skipped: set[str] = set()  # pipelines another tuner is evaluating
        self.left = False  # the module's budget is spent or claimed by other tuners

    # ---------------------------------------------------------------- state

    @property
    def spent(self) -> int:
        return len(self.seen) + len(self.pending) - self.free

    @property
    def done(self) -> bool:
        return self.propose_nothing_left() and not self.pending

    def propose_nothing_left(self) -> bool:
        best = self.best()
        return self.spent >= self.config.budget and (
            best is None or best in self.minimized or self.spent >= self.config.budget + self.config.minimize_extra)

    def value(self, pipeline: str) -> Optional[int]:
        e = self.seen.get(pipeline)
        return value_of(e, self.config.objective) if e else None

    def best(self) -> Optional[str]:
        """The smallest result; ties go to the fewest elements, then the first in text order."""
        return self._best[2] if self._best else None

    # ------------------------------------------------------------ proposing

    def propose(self) -> Optional[tuple[str, str]]:
        """The next (pipeline, strategy) to evaluate, or None for now."""
        if self.left:
            return None
        if self.spent >= self.config.budget:
            # Past the budget only to finish minimizing the best (short labels).
            if self.spent < self.config.budget + self.config.minimize_extra:
                return self._minimize()
            return None
        if self._new(OZ):
            return self._take(OZ, "baseline")
        if self.spent < self.random_end:
            return self._fresh(self._random, "random")
        while self.broadcast and self.spent < self.broadcast_end:
            pipeline = self.broadcast.popleft()
            if self._new(pipeline):
                return self._take(pipeline, "broadcast")
        if self.spent < self.local_end:
            return self._local()
        if self.pending:  # minimization is sequential: wait for results
            return None
        # Drop elements of the best; when nothing is left to drop, spend the
        # rest of the budget on local search.
        return self._minimize() or self._local()

    def claim_limit(self) -> int:
        """How many of the module's evaluations, every tuner's, the last
        proposal may make: the budget, or past it to finish minimizing."""
        over = self.spent > self.config.budget
        return self.config.budget + (self.config.minimize_extra if over else 0)

    def refused(self, pipeline: str, why: str) -> None:
        """The store refused the claim of a proposal: another tuner evaluates
        that pipeline (``taken``: skip it), or the module's budget is spent or
        claimed (``exhausted``: propose nothing more)."""
        self.pending.discard(pipeline)
        if why == "taken":
            self.skipped.add(pipeline)
        else:
            self.left = True

    def _new(self, pipeline: str) -> bool:
        return pipeline not in self.seen and pipeline not in self.pending and pipeline not in self.skipped

    def _take(self, pipeline: str, strategy: str) -> tuple[str, str]:
        self.pending.add(pipeline)
        return pipeline, strategy

    def _fresh(self, make: Callable[[], Optional[str]], strategy: str) -> Optional[tuple[str, str]]:
        for _ in range(50):  # small spaces run dry: then the next phase
            pipeline = make()
            if pipeline and self._new(pipeline):
                return self._take(pipeline, strategy)
        return None

    def _local(self) -> Optional[tuple[str, str]]:
        # Around the best; when its neighbourhood is used up, random lists.
        return self._fresh(self._mutate, "local") or self._fresh(self._random, "random")

    def _random(self) -> str:
        length = self.rng.randint(self.config.min_len, self.config.max_len)
        return join_elements(self.rng.choice(self.elements) for _ in range(length))

    def _mutate(self) -> Optional[str]:
        base = self.best()
        if base is None:
            return self._random()
        parts = split_elements(base)
        op = self.rng.choice(("insert", "delete", "replace", "swap"))
        i = self.rng.randrange(len(parts))
        if op == "insert" and len(parts) < self.config.max_len:
            parts.insert(self.rng.randrange(len(parts) + 1), self.rng.choice(self.elements))
        elif op == "delete" and len(parts) > 1:
            del parts[i]
        elif op == "swap" and len(parts) > 1:
            j = min(i + 1, len(parts) - 1) if i + 1 < len(parts) else i - 1
            parts[i], parts[j] = parts[j], parts[i]
        else:
            parts[i] = self.rng.choice(self.elements)
        return join_elements(parts)

    def _minimize(self) -> Optional[tuple[str, str]]:
        # One drop at a time, from the current best: wait for results first.
        if self.pending:
            return None
        best = self.best()
        if best is None or best in self.minimized:
            return None
        parts = split_elements(best)
        if len(parts) > 1:
            for i in range(len(parts)):
                candidate = join_elements(parts[:i] + parts[i + 1:])
                if candidate not in self.seen and candidate not in self.skipped:
                    return self._take(candidate, "minimize")
        self.minimized.add(best)  # every drop tried: nothing shorter is as good
        return None

    def observe(self, e: Evaluation) -> None:
        self.pending.discard(e.pipeline)
        if e.pipeline in self.seen:
            return
        self.seen[e.pipeline] = e
        v = value_of(e, self.config.objective)
        if v is not None:
            key = (v, len(split_elements(e.pipeline)), e.pipeline)
            if self._best is None or key < self._best:
                self._best = key


@dataclass
class TuneStats:
    modules: int = 0
    evaluated: int = 0  # admission included
    admission: int = 0  # evaluations of elements alone on the sample modules (outside the budget)
    cached: int = 0  # evaluations found in the store instead of made
    shared: int = 0  # proposals another tuner on the store had claimed, or its budget had no room for
    crashes: int = 0
    timeouts: int = 0
    invalid: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def admit(store: Store, pool: WorkerPool, modules: Sequence[str], elements: Sequence[str],
          on_result: Callable[[Evaluation], None] = lambda e: None,
          planned: Callable[[int], None] = lambda count: None) -> list[str]:
    """Elements that evaluate without error, alone, on every sample module.
    ``planned(count)`` is told how many evaluations that takes (the cached aside)."""
    jobs, rejected = [], set()
    for module in modules:
        bitcode = store.bitcode(module)
        for element in elements:
            cached = store.evaluation(module, element)
            if cached is None:
                jobs.append(Job(module, bitcode, element, "admission"))
            elif not cached.ok:
                rejected.add(element)
    planned(len(jobs))
    for e in pool.evaluate_many(jobs):
        store.record_evaluation(e)
        on_result(e)
        if not e.ok:
            rejected.add(e.pipeline)
    return [e for e in elements if e not in rejected]


def best_pipelines(store: Store, objective: str, exclude: str = "") -> list[str]:
    """The best pipeline of every tuned module (broadcast material)."""
    bests = []
    for module in store.module_hashes():
        if module == exclude:
            continue
        best = store.best(module, objective)
        if best and best.pipeline != OZ and best.pipeline not in bests:
            bests.append(best.pipeline)
    return bests


def tune(store: Store, modules: Sequence[str], config: TuneConfig, pool: Optional[WorkerPool] = None,
         progress: Optional[Callable[[TuneStats, int, int], None]] = None,
         elements: Optional[Sequence[str]] = None) -> TuneStats:
    """Searches every module until its budget is spent. ``progress(stats,
    evaluations_done, evaluations_planned)`` is called after each result
    (planned: admission, then the budgets; minimization may go past it)."""
    stats = TuneStats(modules=len(modules))
    started = time.perf_counter()
    planned = [len(modules) * config.budget]
    own_pool = pool is None
    pool = pool or WorkerPool(config.jobs, config.timeout)
    owner = process_owner()
    try:
        def count(e: Evaluation) -> None:
            stats.evaluated += 1
            stats.crashes += e.status == "crash"
            stats.timeouts += e.status == "timeout"
            stats.invalid += e.status == "invalid"
            if progress:
                progress(stats, stats.evaluated + stats.cached, planned[0])

        def count_admission(e: Evaluation) -> None:
            stats.admission += 1
            count(e)

        def plan_admission(jobs: int) -> None:
            planned[0] += jobs

        left_out = set(config.leave_out)
        if elements is None:
            allowed = [e for e in candidate_elements() if not runs_any(e, left_out)]
            elements = admit(store, pool, list(modules)[: config.admit_modules], allowed,
                             count_admission, plan_admission)
        # Other modules' winners in the store (an earlier run's, perhaps) obey leave_out too.
        broadcast = [p for p in best_pipelines(store, config.objective) if not runs_any(p, left_out)]
        waiting = list(modules)
        active: dict[str, ModuleSearch] = {}
        bitcode: dict[str, bytes] = {}
        window = max(2, 2 * len(pool.workers))  # modules searched at once
        while waiting or active:
            while waiting and len(active) < window:
                module = waiting.pop(0)
                search = ModuleSearch(module, config, elements, store.evaluations(module),
                                      [p for p in broadcast if p])
                stats.cached += search.spent  # stored results reused, not evaluated again
                if search.done:
                    continue
                active[module], bitcode[module] = search, store.bitcode(module)
            # Fill the idle workers, round robin over active modules; a module
            # with nothing to propose and nothing running is finished.
            proposed = True
            while pool.idle and proposed:
                proposed = False
                for module, search in list(active.items()):
                    if not pool.idle:
                        break
                    proposal = search.propose()
                    if proposal is None:
                        if not search.pending:
                            del active[module], bitcode[module]
                            best = search.best()
                            if best and best != OZ and best not in broadcast:
                                broadcast.append(best)
                        continue
                    proposed = True
                    pipeline, strategy = proposal
                    cached = store.evaluation(module, pipeline)
                    claim = "evaluated" if cached else store.claim_evaluation(module, pipeline,
                                                                               search.claim_limit(), owner)
                    if claim == "evaluated":
                        search.observe(cached or store.evaluation(module, pipeline))
                        stats.cached += 1
                        continue
                    if claim != "granted":
                        search.refused(pipeline, claim)
                        stats.shared += 1
                        continue
                    pool.submit(Job(module, bitcode[module], pipeline, strategy))
            for e in pool.collect():
                store.record_evaluation(e)
                active[e.module].observe(e)
                count(e)
    finally:
        store.release_claims(owner)
        if own_pool:
            pool.close()
    stats.seconds = time.perf_counter() - started
    return stats
