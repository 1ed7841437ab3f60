"""Held-out splits by package, and corpus statistics.

A split never cuts a package: every module of a package is in the same split,
so a model is tested on code from projects it never saw. Modules without a
package count as one package, ``(none)``. The choice is deterministic: named
test packages, or the packages that come first when ordered by
``sha256(seed:package)``.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from typing import Iterable, Optional

from ..store import Store
from .build import DataError

NO_PACKAGE = "(none)"


def _packages(store: Store) -> dict[str, list[str]]:
    """package -> its module hashes."""
    by_package: dict[str, list[str]] = defaultdict(list)
    for h in store.module_hashes():
        by_package[store.module_info(h)["package"] or NO_PACKAGE].append(h)
    return dict(by_package)


def _draw(packages: list[str], fraction: float, seed: int, salt: str) -> list[str]:
    """round(fraction * n) packages (at least 1 when fraction > 0 and n > 1), by hash order."""
    if not fraction or not packages:
        return []
    n = max(1, round(fraction * len(packages))) if len(packages) > 1 else 0
    ordered = sorted(packages, key=lambda p: hashlib.sha256(f"{seed}:{salt}:{p}".encode()).hexdigest())
    return sorted(ordered[:n])


def choose_split(packages: Iterable[str], test_packages: Optional[Iterable[str]] = None,
                 test_fraction: float = 0.2, valid_packages: Optional[Iterable[str]] = None,
                 valid_fraction: float = 0.0, seed: int = 0) -> dict[str, str]:
    """package -> 'train', 'test' or 'valid'."""
    packages = sorted(set(packages))
    for name, fraction in (("--test-fraction", test_fraction), ("--valid-fraction", valid_fraction)):
        if not 0 <= fraction < 1:
            raise DataError(f"{name} must be in [0, 1), not {fraction}")
    if test_fraction + valid_fraction >= 1 and len(packages) > 1:
        raise DataError("--test-fraction + --valid-fraction must leave packages to train on")
    known = set(packages)
    chosen: dict[str, list[str]] = {}
    for split, named, fraction in (("test", test_packages, test_fraction),
                                   ("valid", valid_packages, valid_fraction)):
        if named is not None:
            named = sorted(set(named))
            unknown = [p for p in named if p not in known]
            if unknown:
                raise DataError(f"unknown package{'s' if len(unknown) > 1 else ''} for the {split} split: "
                                f"{', '.join(unknown)} (known: {', '.join(packages) or 'none'})")
            chosen[split] = named
        else:
            rest = [p for p in packages if p not in chosen.get("test", [])]
            chosen[split] = _draw(rest, fraction, seed, split)
    overlap = set(chosen["test"]) & set(chosen["valid"])
    if overlap:
        raise DataError(f"packages in both test and valid: {', '.join(sorted(overlap))}")
    assignment = {p: "train" for p in packages}
    for split in ("test", "valid"):
        for p in chosen[split]:
            assignment[p] = split
    return assignment


def split_store(store: Store, **options) -> dict[str, str]:
    """Sets every module's split by its package (options of :func:`choose_split`); package -> split."""
    by_package = _packages(store)
    if not by_package:
        raise DataError(f"{store.path}: no modules to split")
    assignment = choose_split(by_package, **options)
    for package, hashes in by_package.items():
        for h in hashes:
            store.set_split(h, assignment[package])
    return assignment


def stats(store: Store) -> dict:
    """Modules per package and origin, failures per package, split sizes."""
    rows: dict[tuple[str, str], dict] = {}
    splits: dict[str, Counter] = defaultdict(Counter)
    origins: Counter = Counter()
    for h in store.module_hashes():
        info = store.module_info(h)
        package = info["package"] or NO_PACKAGE
        key = (package, info["origin"])
        row = rows.setdefault(key, {"package": package, "origin": info["origin"], "version": info["version"],
                                    "licence": Counter(), "modules": 0, "instructions": 0,
                                    "failures": 0, "split": set()})
        if info["licence"]:
            row["licence"][info["licence"]] += 1
        row["modules"] += 1
        row["instructions"] += info["instructions"] or 0
        row["split"].add(info["split"] or "none")
        origins[info["origin"]] += 1
        splits[info["split"] or "none"]["modules"] += 1
    failures: Counter = Counter()
    reasons: dict[str, Counter] = defaultdict(Counter)
    for f in store.failures():
        package = f["package"] or NO_PACKAGE
        failures[package] += 1
        reasons[package][_reason_kind(f["reason"])] += 1
        key = (package, f["origin"])
        if key not in rows:
            rows[key] = {"package": package, "origin": f["origin"], "version": None, "licence": Counter(),
                         "modules": 0, "instructions": 0, "failures": 0, "split": set()}
        rows[key]["failures"] += 1
    package_split: dict[str, set] = defaultdict(set)
    for row in rows.values():
        package_split[row["package"]] |= row["split"]
    for split in splits:
        splits[split]["packages"] = sum(1 for s in package_split.values() if split in s)
    table = []
    for key in sorted(rows):
        row = rows[key]
        row["split"] = "/".join(sorted(row["split"])) or "-"
        # The licence of most of the package's modules (each module keeps its own).
        row["licence"] = row["licence"].most_common(1)[0][0] if row["licence"] else None
        table.append(row)
    return {
        "modules": sum(origins.values()),
        "failures": sum(failures.values()),
        "packages": table,
        "origins": dict(sorted(origins.items())),
        "failures_per_package": dict(sorted(failures.items())),
        "failure_reasons": {p: dict(c.most_common(5)) for p, c in sorted(reasons.items())},
        "splits": {s: dict(c) for s, c in sorted(splits.items())},
    }


def _reason_kind(reason: str) -> str:
    """A failure reason without its file and line: "fatal error: 'gmp.h' file not found"."""
    kind = re.sub(r"^\S+?:\d+(:\d+)?:\s*", "", reason)
    return kind if len(kind) <= 100 else kind[:97] + "..."


def format_stats(s: dict) -> str:
    lines = []
    header = ("package", "origin", "version", "modules", "failed", "split", "licence")
    cells = [header]
    for row in s["packages"]:
        cells.append((row["package"], row["origin"], row["version"] or "-", str(row["modules"]),
                      str(row["failures"]), row["split"], _short(row["licence"] or "-", 40)))
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    for c in cells:
        lines.append("  ".join(v.rjust(widths[i]) if i in (3, 4) else v.ljust(widths[i])
                               for i, v in enumerate(c)).rstrip())
    lines.append("")
    packages = {row["package"] for row in s["packages"] if row["modules"]}
    lines.append(f"modules: {s['modules']} in {len(packages)} packages; failures: {s['failures']}")
    lines.append("origins: " + (", ".join(f"{o} {n}" for o, n in s["origins"].items()) or "none"))
    lines.append("splits: " + (", ".join(f"{name} {v.get('modules', 0)} modules / {v.get('packages', 0)} packages"
                                         for name, v in s["splits"].items()) or "none"))
    return "\n".join(lines)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."
