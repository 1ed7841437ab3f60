"""coreset:FILE — the same few pipelines for every module, chosen to cover a
training corpus best: the no-model baseline.

``build_coreset`` runs a greedy set cover over the label store (the
evaluations in a ``passlm.store.Store``):

* the candidates are the pipelines that passed miscompile screening
  (``store.screening(p)["status"] == "pass"``; every evaluated pipeline with
  ``screened_only=False``), never ``default<Oz>`` itself nor a pipeline
  with a nondeterministic pass (``pipelines.space.is_deterministic``);
* every module starts at its -Oz value; a module without an ok -Oz
  evaluation (or with size 0 there: no ratio) is skipped and not counted;
* given a chosen set S, a module's value is
  ``min(value(-Oz), min over p in S evaluated ok on it of value(p))``;
* each next pipeline is the one that most lowers the sum over modules of
  ``log(value / value(-Oz))``, so every module weighs the same, as in the
  geomean headline (``passlm.metrics``); ties go to the pipeline with fewer
  top-level elements, then the lexicographically first. It stops at k
  pipelines or when no candidate improves any module.

A (module, pipeline) pair the store never evaluated (or whose evaluation
failed: invalid, crash, timeout) counts as no gain for that module: the store
is sparse unless ``passlm.tune.matrix.fill`` completed its columns, and what
was not measured cannot be claimed. The coreset's numbers are therefore a
lower bound on what the chosen pipelines do on these modules, and pipelines
measured on more modules are favoured; fill the matrix for a fair choice.

With a ``cost_exponent`` a > 0, each next pipeline is instead the one with
the most of that gain over cost ** a, where cost is its trial's: its
evaluation seconds over -Oz's, each summed over the modules where the store
timed both (a pipeline never timed there is no candidate). a = 1 is gain per
second of trial; a = 0.5 trades between the two. The plugin's guard runs a
trial per candidate, so a cheap first k keeps builds fast; the steps then
record each pipeline's ``cost``. ``leave_out`` names passes no chosen
pipeline may run (``pipelines.space.runs_any``).

Per step it records the cumulative improvement over -Oz on those modules,
``1 - exp(mean log ratio)`` (the headline metric; best-of-the-first-i with
-Oz as the fallback), and ``wins``: how many modules that pipeline made
smaller than -Oz and every pipeline chosen before it.

The file is JSON::

    {"format": "passlm-coreset", "version": 1,
     "pipelines": ["p1", "p2", ...],
     "steps": [{"pipeline": "p1", "improvement": 0.031, "wins": 812, "cost": 0.93}, ...],
     "modules": 2883, "candidates": 180, "source": "corpus.db:train", "objective": "size"}

``candidates`` (how many pipelines were eligible and beat -Oz on at least one
module) is informative only. ``steps`` may be left out of a hand-written file,
and ``cost`` (trial seconds relative to -Oz's) out of a step.

``coreset:default``, ``coreset:cover`` and ``coreset:per-second`` are files
shipped in the package (``coresets/NAME.json``, covers of ``data/pool.json``
made by ``passlm coreset --pool``: ``default`` with a cost exponent of 0.5,
``cover`` by gain alone, ``per-second`` by gain per second of trial); any
other argument is a path.

The engine answers every module with the first k pipelines in greedy order.
A candidate's score is the marginal improvement of its step (cumulative
improvement minus the previous step's), so scores are positive and fall with
rank; a file without ``steps`` gives ``1 / (rank + 1)``.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from ..jsonformat import read_document, write_document
from ..defaults import OZ
from ..store import Store
from ..pipelines.space import is_deterministic, runs_any, split_elements
from . import Candidate, EngineSpecError, ModuleFacts

SHIPPED_CORESETS = Path(__file__).resolve().parent.parent / "coresets"
FORMAT = "passlm-coreset"
VERSION = 1
OBJECTIVES = ("size", "instructions")


class CoresetError(ValueError):
    """A coreset that cannot be built or a coreset file that cannot be read."""


@dataclass(frozen=True)
class Step:
    pipeline: str
    improvement: float  # cumulative: 1 - geomean(value / value(-Oz)) with the pipelines up to this one
    wins: int           # modules this pipeline made smaller than -Oz and every earlier pipeline
    cost: Optional[float] = None  # its trial's seconds over -Oz's (per_second covers only)


@dataclass(frozen=True)
class Coreset:
    pipelines: tuple[str, ...]
    steps: tuple[Step, ...] = ()
    modules: int = 0       # modules counted (those with an ok -Oz evaluation)
    source: str = ""
    objective: str = "size"
    candidates: int = 0    # eligible pipelines better than -Oz somewhere

    @property
    def improvement(self) -> float:
        """Cumulative improvement over -Oz of the whole set (0 when empty)."""
        return self.steps[-1].improvement if self.steps else 0.0

    def scores(self) -> list[float]:
        """One score per pipeline: its step's marginal improvement, or 1/(rank+1) without steps."""
        if not self.steps:
            return [1.0 / (rank + 1) for rank in range(len(self.pipelines))]
        before = [0.0] + [s.improvement for s in self.steps[:-1]]
        return [s.improvement - b for s, b in zip(self.steps, before)]

    def save(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        write_document(path, FORMAT, VERSION, {
            "pipelines": list(self.pipelines),
            "steps": [{"pipeline": s.pipeline, "improvement": s.improvement, "wins": s.wins,
                       **({} if s.cost is None else {"cost": s.cost})} for s in self.steps],
            "modules": self.modules,
            "candidates": self.candidates,
            "source": self.source,
            "objective": self.objective,
        })

    @classmethod
    def load(cls, path: str | Path) -> "Coreset":
        """Read and check a coreset file; ``CoresetError`` naming the file says what is wrong."""
        doc = read_document(path, FORMAT, VERSION, "coreset", error=CoresetError)
        pipelines = doc.get("pipelines")
        if not isinstance(pipelines, list):
            raise CoresetError(f"{path}: \"pipelines\" must be a list of pipeline strings")
        for i, p in enumerate(pipelines):
            if not isinstance(p, str) or not p.strip():
                raise CoresetError(f"{path}: pipelines[{i}] must be a non-empty pipeline string, not {p!r}")
        pipelines = [p.strip() for p in pipelines]
        if len(set(pipelines)) != len(pipelines):
            twice = next(p for i, p in enumerate(pipelines) if p in pipelines[:i])
            raise CoresetError(f"{path}: pipeline {twice!r} is listed twice")
        steps = doc.get("steps") or []
        if not isinstance(steps, list) or len(steps) not in (0, len(pipelines)):
            raise CoresetError(f"{path}: \"steps\" must be a list with one entry per pipeline")
        parsed = []
        for i, (s, p) in enumerate(zip(steps, pipelines)):
            ok = (isinstance(s, dict) and s.get("pipeline") == p
                  and isinstance(s.get("improvement"), (int, float)) and not isinstance(s.get("improvement"), bool)
                  and isinstance(s.get("wins"), int) and not isinstance(s.get("wins"), bool)
                  and (s.get("cost") is None or (isinstance(s["cost"], (int, float))
                                                 and not isinstance(s["cost"], bool) and s["cost"] > 0)))
            if not ok:
                raise CoresetError(f"{path}: steps[{i}] must be {{\"pipeline\": {p!r}, \"improvement\": NUMBER, "
                                   f"\"wins\": INTEGER}}, with an optional positive \"cost\": NUMBER")
            cost = s.get("cost")
            parsed.append(Step(p, float(s["improvement"]), s["wins"], None if cost is None else float(cost)))
        objective = doc.get("objective", "size")
        if objective not in OBJECTIVES:
            raise CoresetError(f"{path}: unknown objective {objective!r} (known: {', '.join(OBJECTIVES)})")
        modules, candidates, source = doc.get("modules", 0), doc.get("candidates", 0), doc.get("source", "")
        if not isinstance(modules, int) or not isinstance(candidates, int) or not isinstance(source, str):
            raise CoresetError(f"{path}: \"modules\" and \"candidates\" must be integers, \"source\" a string")
        return cls(tuple(pipelines), tuple(parsed), modules, source, objective, candidates)


def _passed_screening(store: Store, pipeline: str) -> bool:
    screening = store.screening(pipeline)
    return bool(screening) and screening["status"] == "pass"


def trial_costs(store: Store, modules: Iterable[str]) -> dict[str, float]:
    """Each pipeline's evaluation seconds over -Oz's, both summed over the modules where the
    store timed the pipeline and -Oz (ok evaluations with seconds); pipelines timed nowhere
    there are absent."""
    wanted = set(modules)
    seconds: dict[str, dict[str, float]] = {}
    for module, pipeline, value in store.iter_ok("seconds"):
        if module in wanted and value is not None and value > 0:
            seconds.setdefault(pipeline, {})[module] = value
    oz = seconds.pop(OZ, {})
    costs = {}
    for pipeline, times in seconds.items():
        both = [m for m in times if m in oz]
        if both:
            costs[pipeline] = math.fsum(times[m] for m in both) / math.fsum(oz[m] for m in both)
    return costs


def build_coreset(store: Store, modules: Iterable[str], k: int = 16, objective: str = "size",
                  screened_only: bool = True, source: Optional[str] = None,
                  allowed: Optional[Callable[[str], bool]] = None, cost_exponent: float = 0.0,
                  leave_out: Iterable[str] = ()) -> Coreset:
    """The greedy set cover of the module docstring: up to k pipelines, best first
    (by gain over trial cost ** ``cost_exponent``: 0 is gain alone, 1 gain per second).

    Reads every ok evaluation once (``store.iter_ok``); screening is looked up
    only for pipelines that beat -Oz on at least one of ``modules``. ``allowed``,
    when given, says which pipelines may be chosen instead of screening does
    (``passlm pool`` covers first and screens the chosen ones after)."""
    if objective not in OBJECTIVES:
        raise CoresetError(f"unknown objective {objective!r} (known: {', '.join(OBJECTIVES)})")
    if k < 0:
        raise CoresetError(f"k must not be negative (got {k})")
    if not 0 <= cost_exponent <= 4:
        raise CoresetError(f"the cost exponent must be between 0 and 4 (got {cost_exponent})")
    wanted = dict.fromkeys(modules)
    oz: dict[str, int] = {}
    rows: list[tuple[str, str, int]] = []
    for module, pipeline, value in store.iter_ok(objective):
        if module not in wanted or value is None:
            continue
        if pipeline == OZ:
            oz[module] = value
        else:
            rows.append((module, pipeline, value))
    oz = {m: v for m, v in oz.items() if v > 0}
    if not oz:
        raise CoresetError(f"{store.path}: none of the {len(wanted)} modules has an ok {OZ} evaluation "
                           f"to compare with (evaluate -Oz first, e.g. with passlm tune)")

    # log(value / value(-Oz)) of each pipeline on each module where it beats -Oz; a value of 0 beside a
    # positive -Oz value (everything deleted) has no ratio and is left out.
    gains: dict[str, dict[str, float]] = {}
    for module, pipeline, value in rows:
        base = oz.get(module)
        if base is not None and 0 < value < base:
            gains.setdefault(pipeline, {})[module] = math.log(value / base)
    del rows
    # A pipeline whose result changes from run to run (pipelines.space.NONDETERMINISTIC) is never a candidate.
    gains = {p: g for p, g in gains.items() if is_deterministic(p)}
    left_out = set(leave_out)
    if left_out:
        gains = {p: g for p, g in gains.items() if not runs_any(p, left_out)}
    if allowed is not None:
        gains = {p: g for p, g in gains.items() if allowed(p)}
    elif screened_only:
        gains = {p: g for p, g in gains.items() if _passed_screening(store, p)}

    current = dict.fromkeys(oz, 0.0)  # each module's log ratio with the pipelines chosen so far

    def gain_of(pipeline: str) -> tuple[float, int]:
        lowered = [current[m] - r for m, r in gains[pipeline].items() if r < current[m]]
        return math.fsum(lowered), len(lowered)  # fsum: exact, so equal pipelines tie exactly

    cost: dict[str, float] = {}
    if cost_exponent > 0:
        cost = trial_costs(store, oz)
        gains = {p: g for p, g in gains.items() if p in cost}
    per_cost = (lambda p: cost[p] ** cost_exponent) if cost_exponent > 0 else (lambda p: 1.0)

    # Lazy greedy: the gain of a pipeline only shrinks as others are chosen (submodular), and its cost
    # is fixed, so a stale heap entry is an upper bound; an entry re-evaluated and still first (ties
    # included) is the best.
    length = {p: len(split_elements(p)) for p in gains}
    heap = [(-gain_of(p)[0] / per_cost(p), length[p], p) for p in gains]
    heapq.heapify(heap)
    steps: list[Step] = []
    while heap and len(steps) < k:
        _, _, pipeline = heapq.heappop(heap)
        gain, wins = gain_of(pipeline)
        if gain <= 0:
            continue  # nothing left for it: drop
        entry = (-gain / per_cost(pipeline), length[pipeline], pipeline)
        if heap and heap[0] < entry:
            heapq.heappush(heap, entry)  # another may now be better: look again
            continue
        for m, r in gains[pipeline].items():
            if r < current[m]:
                current[m] = r
        improvement = 1.0 - math.exp(math.fsum(current.values()) / len(current))
        steps.append(Step(pipeline, improvement, wins, cost.get(pipeline)))

    return Coreset(tuple(s.pipeline for s in steps), tuple(steps), len(oz),
                   source if source is not None else str(store.path), objective, len(gains))


def format_table(coreset: Coreset) -> str:
    """step, cumulative geomean improvement over -Oz, wins, [trial cost,] pipeline: one line each."""
    costs = any(s.cost is not None for s in coreset.steps)
    lines = [f"{'step':>4}  {'improvement':>11}  {'wins':>6}  " + ("cost (-Oz=1)  " if costs else "") + "pipeline"]
    for i, s in enumerate(coreset.steps, 1):
        cost = (f"{s.cost:>12.2f}  " if s.cost is not None else f"{'':>12}  ") if costs else ""
        lines.append(f"{i:>4}  {s.improvement * 100:>10.3f}%  {s.wins:>6}  {cost}{s.pipeline}")
    return "\n".join(lines)


def coreset_file(argument: str) -> Path:
    """The file of ``coreset:ARGUMENT``: a shipped one for a bare name (``default``, ``cover``)
    that is no local path, else the path."""
    shipped = SHIPPED_CORESETS / f"{argument}.json"
    if "/" not in argument and shipped.is_file() and not Path(argument).exists():
        return shipped
    return Path(argument)


@dataclass(frozen=True)
class CoresetEngine:
    path: str
    coreset: Coreset
    scores: tuple[float, ...] = field(default=())
    needs = frozenset()

    @classmethod
    def load(cls, argument: str) -> "CoresetEngine":
        if not argument:
            raise EngineSpecError("coreset: needs a file, e.g. coreset:default or coreset:FILE.json")
        try:
            coreset = Coreset.load(coreset_file(argument))
        except CoresetError as e:
            raise EngineSpecError(str(e)) from None
        return cls(argument, coreset, tuple(coreset.scores()))

    def predict(self, ir_text: str, k: int, facts: Optional[ModuleFacts] = None) -> list[Candidate]:
        k = max(0, k)
        return [Candidate(p, s) for p, s in zip(self.coreset.pipelines[:k], self.scores)]
