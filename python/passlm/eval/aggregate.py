"""The figures of an evaluation, from its rows alone (so a replay can
recompute them): per column, the improvement over -Oz in the headline
geomean form and the total-size form, win/tie/loss counts, statuses, and the
share of the autotuner's improvement; over the suite, predictions,
condensed modules, candidates and latency."""
from __future__ import annotations

import statistics
from collections import Counter
from typing import Optional

from ..metrics import improvement_over_oz

#: (key, label) of the per-module columns, in table order.
COLUMNS = (
    ("O0", "-O0"),
    ("Oz", "-Oz"),
    ("top1", "top-1"),
    ("top1_guarded", "top-1 guarded"),
    ("best_of_k", "best-of-k"),
    ("best_of_k_guarded", "best-of-k guarded"),
    ("tuned", "autotuner"),
)
#: The columns that aggregates are computed for (all but the baseline).
AGGREGATED = tuple(key for key, _ in COLUMNS if key != "Oz")
#: Columns of some evaluations only (``--search N``), after the others where present.
OPTIONAL_COLUMNS = (("searched", "guarded + search"),)
LABELS = dict(COLUMNS + OPTIONAL_COLUMNS)


def present_columns(rows: list[dict]) -> tuple[str, ...]:
    """The optional columns every row has."""
    return tuple(key for key, _ in OPTIONAL_COLUMNS if rows and all(key in r for r in rows))


def is_ok(result: Optional[dict]) -> bool:
    return bool(result) and result["status"] == "ok" and result["object_size"] is not None


def usable(row: dict) -> bool:
    """A module whose -Oz figure can be the denominator of a ratio."""
    return is_ok(row["Oz"]) and row["Oz"]["object_size"] > 0


def improvement_of(pairs: list[tuple[dict, dict]], key: str) -> Optional[dict]:
    """improvement_over_oz over (column result, -Oz result) pairs with positive figures, as a dict."""
    values = [(c[key], o[key]) for c, o in pairs if c[key] is not None and o[key] is not None
              and c[key] > 0 and o[key] > 0]
    if not values:
        return None
    imp = improvement_over_oz([c for c, _ in values], [o for _, o in values])
    return {"modules": len(values), "geomean": imp.geomean, "total": imp.total,
            "wins": imp.wins, "ties": imp.ties, "losses": imp.losses}


def _column_aggregate(rows: list[dict], column: str) -> dict:
    results = [(r[column], r["Oz"]) for r in rows]
    by_status = Counter((c["status"] if c else "missing") for c, _ in results)
    ok = [(c, o) for c, o in results if is_ok(c) and c["object_size"] > 0]
    size = improvement_of(ok, "object_size")
    with_tuned = [(r[column], r["Oz"], r["tuned"]) for r in rows
                  if is_ok(r["tuned"]) and is_ok(r[column]) and r[column]["object_size"] > 0]
    fraction = None
    if with_tuned:
        mine = improvement_of([(c, o) for c, o, _ in with_tuned], "object_size")
        theirs = improvement_of([(t, o) for _, o, t in with_tuned], "object_size")
        if mine and theirs and theirs["geomean"] > 0:
            fraction = mine["geomean"] / theirs["geomean"]
    instructions = improvement_of(ok, "instructions")
    return {
        "label": LABELS[column],
        "modules": len(rows),
        "ok": len(ok),
        "by_status": dict(sorted(by_status.items())),
        "geomean": size["geomean"] if size else None,
        "total": size["total"] if size else None,
        "wins": size["wins"] if size else 0,
        "ties": size["ties"] if size else 0,
        "losses": size["losses"] if size else 0,
        "instructions_geomean": instructions["geomean"] if instructions else None,
        "tuned_modules": len(with_tuned),
        "fraction_of_tuned": fraction,
    }


def aggregate(rows: list[dict]) -> dict:
    """The suite's figures, from its rows alone (so a replay can recompute them)."""
    kept = [r for r in rows if usable(r)]
    candidates = [c for r in kept for c in r["candidates"]]
    latencies = [r["prediction"]["latency_s"] for r in rows if r["prediction"]["latency_s"] is not None]
    return {
        "modules": len(rows),
        "usable_modules": len(kept),
        "excluded": [{"name": r["name"], "hash": r["hash"],
                      "reason": (f"-Oz {r['Oz']['status']}" if not is_ok(r["Oz"]) else "-Oz object is empty")}
                     for r in rows if not usable(r)],
        "columns": {column: _column_aggregate(kept, column) for column in AGGREGATED + present_columns(rows)},
        "predictions": dict(sorted(Counter(r["prediction"]["status"] for r in kept).items())),
        # Modules longer than the model's context, condensed to fit (None: the engine does not say).
        "condensed": (sum(bool(r["prediction"].get("condensed")) for r in rows)
                      if any(r["prediction"].get("condensed") is not None for r in rows) else None),
        "candidates": {"evaluated": len(candidates),
                       "by_status": dict(sorted(Counter(c["status"] for c in candidates).items()))},
        "latency": {
            "modules": len(latencies),
            "mean_s": statistics.fmean(latencies) if latencies else None,
            "median_s": statistics.median(latencies) if latencies else None,
            "max_s": max(latencies) if latencies else None,
            "total_s": sum(latencies),
        },
    }
