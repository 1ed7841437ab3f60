"""Running an evaluation: predictions, verified evaluations, rows, aggregates.

For every module of a suite, the figures (object size = text + data of the
object, and IR instruction count) under these columns:

``O0``
    the module as it is (no passes).
``Oz``
    ``default<Oz>``: the baseline of every ratio.
``top1``
    the engine's first candidate, as it is (no guard). A top-1 that fails has
    the failure as its status (``invalid``: LLVM rejected the pipeline or its
    result failed verification or codegen; ``crash``: it killed LLVM;
    ``timeout``; ``engine-error``: ``predict`` raised; ``no-candidates``:
    the engine answered with nothing) and no sizes: it is never replaced by
    -Oz in this column.
``top1_guarded``
    what the plugin's guard keeps with k=1: the top-1 if it is ok and smaller
    than -Oz, else -Oz (ties go to -Oz). Defined for every module.
    Both guarded columns are the plugin's own decision (``choose_by_guard``)
    on figures measured without a time budget: machine load cannot change them.
``best_of_k``
    the smallest of the engine's first k candidates whose evaluation is ok
    (ties: the better-ranked). Status ``no-ok-candidate`` when none is,
    ``engine-error`` / ``no-candidates`` when there were none to try.
``best_of_k_guarded``
    min(best_of_k, -Oz), -Oz when no candidate is ok (ties go to -Oz).
``tuned``
    with ``--tuned DB``: the autotuner's best for the module among the
    pipelines that are deterministic and passed screening
    (``tune.labels.best_screened``, the deep-search ceiling's rule: an
    unscreened winner may be a miscompile and is not a reference), -Oz's own
    evaluation when none of its winners passed; None when the store has no
    ok -Oz evaluation of the module, or no store was given.
``searched``
    with ``--search N`` only: ``best_of_k_guarded``, then N trials of the
    plugin's search around it (``passlm.eval.search``): what ``search=N`` keeps.

Every evaluation runs in a ``WorkerPool`` process, so a candidate that aborts
LLVM costs a ``crash`` row, never the evaluation. Prediction latency is the
wall time of ``engine.predict`` for the module (all predictions are made
before the evaluations start, so the workers do not compete with them).

Aggregates (``aggregate(rows)``): modules whose -Oz evaluation failed, or
whose -Oz object is empty, are left out of every ratio and listed. Each
column's improvement over -Oz (``passlm.metrics.improvement_over_oz``:
headline 1 - geomean(size / size(-Oz)), the total-size form, wins/ties/losses)
is computed over the modules where that column is ok, and says how many
those are and how the others failed. The guarded columns are ok everywhere,
so they cover the whole suite. ``fraction_of_tuned`` is, over the modules
with a tuned result where the column is ok, the column's geomean improvement
divided by the autotuner's on the same modules (None when the autotuner's is
not positive or there is no such module).
"""
from __future__ import annotations

import hashlib
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from ..engine import Candidate, ModuleFacts, make_engine, up_to_k_trials
from ..defaults import DEFAULT_K, OZ
from ..store import Evaluation
from ..engine import identity
from . import manifest
from .aggregate import aggregate, is_ok
from .suite import EvalError, Suite, SuiteModule

FORMAT = "passlm-eval"
VERSION = 1
O0 = ""  # the empty pipeline: the module as it is

#: Keys of every per-column result; guarded columns add "kept", best_of_k "rank".
RESULT_KEYS = ("pipeline", "status", "instructions", "object_size", "detail")
CANDIDATE_KEYS = ("rank", "pipeline", "score") + RESULT_KEYS[1:]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Settings:
    engine: str
    k: int = DEFAULT_K
    seed: int = 0
    tuned: Optional[str] = None  # a Store with autotuning results
    jobs: int = 2
    timeout: float = 60.0
    search: int = 0  # trials of the plugin's search after the guard (the searched column); 0: none

    def __post_init__(self) -> None:
        if self.k < 1 or self.jobs < 1 or not self.timeout > 0:
            raise EvalError("-k and --jobs must be at least 1, --timeout positive")
        if self.search < 0:
            raise EvalError("--search must be at least 0")
        if self.tuned and not Path(self.tuned).is_file():
            raise EvalError(f"{self.tuned}: no such store (--tuned)")


@dataclass(frozen=True)
class Prediction:
    candidates: tuple[Candidate, ...]
    status: str  # "ok", "engine-error", "no-candidates"
    detail: Optional[str]
    latency_s: float
    condensed: Optional[bool] = None  # the module did not fit the model's context (engines with stats["cut"])


# ----------------------------------------------------------------- predicting


def seed_everything(seed: int, module_hash: str, engine=None) -> int:
    """Seed the random generators an engine may use, per (seed, module).

    The derived seed depends on the module, not on its position in the suite,
    so a module's prediction does not depend on the others. Python's random is
    seeded always; numpy's and torch's when the engine has imported them; an
    engine with a ``set_seed(int)`` method is given the seed too.
    """
    derived = int.from_bytes(hashlib.sha256(f"{seed}:{module_hash}".encode()).digest()[:4], "little")
    random.seed(derived)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(derived)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(derived)
    if engine is not None and callable(getattr(engine, "set_seed", None)):
        engine.set_seed(derived)
    return derived


def predict(engine, module: SuiteModule, k: int, seed: int) -> Prediction:
    """One module's candidates, timed; an engine failure is a status, not an exception."""
    from .. import Module

    parsed = Module.from_string(module.bitcode, name=module.source)
    needs = getattr(engine, "needs", frozenset({"ir", "hash"}))
    ir_text = parsed.to_text() if "ir" in needs else ""
    facts = ModuleFacts(name=parsed.name, hash=module.hash, triple=parsed.triple,
                        instructions=parsed.instruction_count)
    del parsed
    seed_everything(seed, module.hash, engine)
    stats = getattr(engine, "stats", None)
    cut_before = stats.get("cut") if isinstance(stats, dict) else None
    start = time.perf_counter()
    try:
        answer = engine.predict(ir_text, k, facts)
        latency = time.perf_counter() - start
        condensed = None if cut_before is None else stats["cut"] > cut_before
        answer = tuple(answer)
        for c in answer:
            if not isinstance(c, Candidate) or not isinstance(c.pipeline, str):
                raise TypeError(f"engine returned {c!r}, expected Candidate(pipeline, score)")
        candidates = tuple(up_to_k_trials(answer, k))  # as the plugin measures them: -Oz is no trial
    except Exception as e:  # an engine's failure is a failed prediction
        return Prediction((), "engine-error", f"{type(e).__name__}: {e}", time.perf_counter() - start)
    if not candidates:
        return Prediction((), "no-candidates", "the engine proposed no pipeline", latency, condensed)
    return Prediction(candidates, "ok", None, latency, condensed)


# ----------------------------------------------------------------- evaluating


def evaluate_all(suite: Suite, predictions: list[Prediction], jobs: int, timeout: float,
                 progress: Optional[Progress] = None) -> dict[tuple[str, str], Evaluation]:
    """-O0, -Oz and every candidate of every module, each once, in worker processes."""
    from ..pipelines.workers import Job, WorkerPool

    wanted: dict[tuple[str, str], Job] = {}
    for module, prediction in zip(suite, predictions):
        for pipeline in (O0, OZ, *(c.pipeline for c in prediction.candidates)):
            wanted.setdefault((module.hash, pipeline), Job(module.hash, module.bitcode, pipeline, "eval"))
    results: dict[tuple[str, str], Evaluation] = {}
    with WorkerPool(jobs=jobs, timeout=timeout) as pool:
        for e in pool.evaluate_many(wanted.values()):
            results[(e.module, e.pipeline)] = e
            if progress is not None:
                progress(f"evaluated {len(results)}/{len(wanted)}")
    return results


# ----------------------------------------------------------------- rows


def _result(e: Optional[Evaluation], pipeline: str) -> dict:
    if e is None:  # cannot happen with a WorkerPool, which answers every job
        return {"pipeline": pipeline, "status": "missing", "instructions": None, "object_size": None,
                "detail": "no evaluation"}
    return {"pipeline": pipeline, "status": e.status, "instructions": e.instructions,
            "object_size": e.object_size, "detail": e.detail}


def _failed(pipeline: Optional[str], status: str, detail: Optional[str]) -> dict:
    return {"pipeline": pipeline, "status": status, "instructions": None, "object_size": None, "detail": detail}


def _size(result: dict) -> Optional[int]:
    return result["object_size"] if is_ok(result) else None


def _guarded(candidates: list[dict], oz: dict) -> dict:
    """What the plugin's guard keeps among these results and -Oz: "kept" is
    "candidate" or "-Oz", None when -Oz itself failed (kept, unmeasured)."""
    from .. import choose_by_guard

    kind, winner = choose_by_guard(_size(oz), [_size(c) for c in candidates])
    if kind == "baseline-failed":
        return {**oz, "kept": None}
    if kind == "candidate":
        return {**{key: candidates[winner][key] for key in RESULT_KEYS}, "kept": "candidate"}
    return {**oz, "kept": "-Oz"}


def build_row(module: SuiteModule, prediction: Prediction, results: dict, tuned: Optional[dict]) -> dict:
    oz = _result(results.get((module.hash, OZ)), OZ)
    candidates = []
    for rank, c in enumerate(prediction.candidates, 1):
        r = _result(results.get((module.hash, c.pipeline)), c.pipeline)
        candidates.append({"rank": rank, "pipeline": c.pipeline, "score": c.score,
                           **{key: r[key] for key in RESULT_KEYS[1:]}})
    if prediction.status != "ok":
        top1 = _failed(None, prediction.status, prediction.detail)
        best = {**_failed(None, prediction.status, prediction.detail), "rank": None}
    else:
        top1 = {key: candidates[0][key] for key in RESULT_KEYS}
        ok = [c for c in candidates if is_ok(c)]
        if ok:
            chosen = min(ok, key=lambda c: (c["object_size"], c["rank"]))
            best = {**{key: chosen[key] for key in RESULT_KEYS}, "rank": chosen["rank"]}
        else:
            best = {**_failed(None, "no-ok-candidate", f"none of the {len(candidates)} candidates evaluated ok"),
                    "rank": None}
    return {
        "name": module.name,
        "hash": module.hash,
        "group": module.group,
        "source": module.source,
        "O0": _result(results.get((module.hash, O0)), O0),
        "Oz": oz,
        "prediction": {"status": prediction.status, "detail": prediction.detail,
                       "latency_s": prediction.latency_s, "candidates": len(candidates),
                       "condensed": prediction.condensed},
        "candidates": candidates,
        "top1": top1,
        "top1_guarded": _guarded([top1], oz),
        "best_of_k": best,
        "best_of_k_guarded": _guarded(candidates, oz),
        "tuned": tuned,
    }


def tuned_results(db: str, hashes: list[str]) -> dict[str, Optional[dict]]:
    """The autotuner's best screened deterministic result per module hash (None where the
    store has no ok -Oz evaluation)."""
    import sqlite3

    from ..store import Store
    from ..tune.labels import best_screened

    out: dict[str, Optional[dict]] = {}
    try:
        with Store(db) as store:
            for h in hashes:
                oz = store.evaluation(h, OZ)
                if oz is None or not oz.ok:
                    out[h] = None
                    continue
                winner = best_screened(store, h)
                best = oz if winner is None else store.evaluation(h, winner[1])
                out[h] = {"pipeline": best.pipeline, "status": "ok", "instructions": best.instructions,
                          "object_size": best.object_size, "detail": None, "oz_object_size": oz.object_size}
    except sqlite3.DatabaseError as e:
        raise EvalError(f"{db}: not a passlm store ({e})") from None
    return out


# ----------------------------------------------------------------- the whole run


def run_eval(suite: Suite, settings: Settings, command: Optional[list[str]] = None,
             progress: Optional[Progress] = None, engine=None) -> dict:
    """Evaluate an engine on a suite; the JSON document (manifest, modules, aggregates).

    ``engine``: the engine ``settings.engine`` names, when the caller has built it already.
    """
    started, clock = manifest.now(), time.perf_counter()
    tuned = tuned_results(settings.tuned, [m.hash for m in suite]) if settings.tuned else {}
    engine = engine if engine is not None else make_engine(settings.engine)
    predictions = []
    for i, module in enumerate(suite, 1):
        predictions.append(predict(engine, module, settings.k, settings.seed))
        if progress is not None:
            progress(f"predicted {i}/{len(suite)}")
    results = evaluate_all(suite, predictions, settings.jobs, settings.timeout, progress)
    rows = [build_row(m, p, results, tuned.get(m.hash)) for m, p in zip(suite, predictions)]
    if settings.search:
        from .search import add_searched_column

        add_searched_column(suite, rows, settings.search, settings.jobs, settings.timeout, progress)
    return {
        "format": FORMAT,
        "version": VERSION,
        "manifest": {
            **manifest.software(),
            "engine": {"spec": settings.engine, "resolved": identity.resolve_engine_spec(settings.engine),
                       "model_hash": identity.model_hash(settings.engine)},
            "settings": {"k": settings.k, "seed": settings.seed, "jobs": settings.jobs,
                         "timeout": settings.timeout,
                         **({"search": settings.search} if settings.search else {})},
            "suite": {"spec": suite.spec, "kind": suite.kind, "resolved": suite.resolved,
                      "description": suite.description, "modules": [m.hash for m in suite]},
            "tuned": ({"spec": settings.tuned, "resolved": str(Path(settings.tuned).resolve())}
                      if settings.tuned else None),
            "machine": manifest.machine(),
            "command": command,
            "started": started,
            "finished": manifest.now(),
            "seconds": time.perf_counter() - clock,
        },
        "modules": rows,
        "aggregates": aggregate(rows),
    }
