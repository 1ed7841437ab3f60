"""Replaying a recorded evaluation: does every number reproduce?

``passlm eval --replay OUT.json`` reads the manifest of OUT.json, runs the
same evaluation again (the same suite, engine, k, seed and autotuner store,
with the paths recorded as absolute) and compares the new document with the
recorded one, figure by figure:

- the manifest's LLVM version, model hash, k, seed and suite module hashes;
- every key of every per-module row (statuses, pipelines, scores, instruction
  counts, object sizes), in order;
- every aggregate.

Not compared, because they are not results: prediction latencies
(``latency_s``), wall times (``seconds``), failure messages (``detail``:
a crash's message names an exit code that varies), and the rest of the
manifest (timestamps, machine, versions of passlm and its commit).
Floats compare equal within a relative 1e-12 (they are recomputed from the
integers). A ``timeout`` is not reproducible by nature: a replay on a slower
or busier machine may report one where the record has a result.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Optional

from ..jsonformat import read_document
from .run import FORMAT, VERSION, Settings, run_eval
from .suite import EvalError, load_suite

#: Keys whose values are measurements of time or free text, never compared.
# Where a module's file lives depends on the checkout; its hash (compared) says what it is.
VOLATILE = frozenset({"latency_s", "seconds", "detail", "mean_s", "median_s", "max_s", "total_s", "source"})
#: The manifest's entries that a replay must reproduce.
MANIFEST_KEYS = (("llvm_version",), ("engine", "model_hash"), ("settings", "k"), ("settings", "seed"),
                 ("suite", "modules"))


def load_recorded(path: str | Path) -> dict:
    doc = read_document(path, FORMAT, VERSION, "evaluation", error=EvalError)
    for keys in MANIFEST_KEYS + (("engine", "resolved"), ("suite", "resolved"), ("settings", "jobs"),
                                 ("settings", "timeout"), ("tuned",)):
        _get(doc["manifest"] if isinstance(doc.get("manifest"), dict) else {}, keys, path)
    if not isinstance(doc.get("modules"), list) or not isinstance(doc.get("aggregates"), dict):
        raise EvalError(f"{path}: not a complete evaluation (no modules or aggregates)")
    return doc


def _get(manifest: dict, keys: tuple, path) -> Any:
    value: Any = manifest
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            raise EvalError(f"{path}: incomplete manifest: no {'.'.join(('manifest',) + keys)}")
        value = value[key]
    return value


def settings_of(doc: dict, jobs: Optional[int] = None, timeout: Optional[float] = None) -> Settings:
    m = doc["manifest"]
    return Settings(engine=m["engine"]["resolved"], k=m["settings"]["k"], seed=m["settings"]["seed"],
                    tuned=m["tuned"]["resolved"] if m["tuned"] else None,
                    jobs=jobs or m["settings"]["jobs"], timeout=timeout or m["settings"]["timeout"],
                    search=m["settings"].get("search", 0))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
            return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)
    return type(a) is type(b) and a == b


def diff(recorded: Any, fresh: Any, where: str, out: list[str]) -> int:
    """Append 'where: recorded X, now Y' for every leaf that differs; returns the leaves compared."""
    if isinstance(recorded, dict) and isinstance(fresh, dict):
        count = 0
        for key in sorted(set(recorded) | set(fresh), key=str):
            if key in VOLATILE:
                continue
            if key not in fresh:
                out.append(f"{where}.{key}: recorded {recorded[key]!r}, now absent")
            elif key not in recorded:
                out.append(f"{where}.{key}: absent from the record, now {fresh[key]!r}")
            else:
                count += diff(recorded[key], fresh[key], f"{where}.{key}", out)
        return count
    if isinstance(recorded, list) and isinstance(fresh, list):
        if len(recorded) != len(fresh):
            out.append(f"{where}: recorded {len(recorded)} entries, now {len(fresh)}")
        return sum(diff(r, f, f"{where}[{i}]", out) for i, (r, f) in enumerate(zip(recorded, fresh)))
    if not _same(recorded, fresh):
        out.append(f"{where}: recorded {recorded!r}, now {fresh!r}")
    return 1


def compare(recorded: dict, fresh: dict) -> tuple[list[str], int]:
    """(differences, figures compared) between a recorded and a fresh document."""
    differences: list[str] = []
    count = 0
    for keys in MANIFEST_KEYS:
        count += diff(_get(recorded["manifest"], keys, "record"), _get(fresh["manifest"], keys, "replay"),
                      "manifest." + ".".join(keys), differences)
    rows_r, rows_f = recorded["modules"], fresh["modules"]
    if len(rows_r) != len(rows_f):
        differences.append(f"modules: recorded {len(rows_r)}, now {len(rows_f)}")
    for r, f in zip(rows_r, rows_f):
        name = r.get("name", "?") if isinstance(r, dict) else "?"
        count += diff(r, f, f"modules[{name}]", differences)
    count += diff(recorded["aggregates"], fresh["aggregates"], "aggregates", differences)
    return differences, count


def _suite_here(suite: dict) -> str:
    """The suite as it was given (e.g. ``examples``) when that exists from here, so a
    record made in one checkout replays in another; else the path it resolved to."""
    spec = suite["spec"]
    on_disk = spec.rsplit(":", 1)[0] if suite.get("kind") == "store" else spec
    return spec if Path(on_disk).exists() else suite["resolved"]


def replay(path: str | Path, jobs: Optional[int] = None, timeout: Optional[float] = None,
           command: Optional[list[str]] = None, progress=None) -> tuple[dict, list[str], int]:
    """Re-run a recorded evaluation: (fresh document, differences, figures compared)."""
    recorded = load_recorded(path)
    settings = settings_of(recorded, jobs, timeout)
    suite = load_suite(_suite_here(recorded["manifest"]["suite"]))
    fresh = run_eval(suite, settings, command=command, progress=progress)
    differences, count = compare(recorded, fresh)
    return fresh, differences, count
