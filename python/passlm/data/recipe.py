"""The recipe of a corpus: what ``passlm data build --recipe FILE`` rebuilds.

A recipe is a JSON object::

    {
      "name": "passlm-default",
      "llvm_version": "19.1.7",
      "flags": ["-Wno-error=implicit-function-declaration", ...],
      "max_per_package": 150,
      "configure_timeout": 300,
      "packages": [{"name": "zlib", "version": "1:1.2.13.dfsg-1"}, ...],
      "csmith": {"count": 0, "seed": 0},
      "split": {"test_packages": ["..."], "valid_packages": []}
    }

Packages are Debian source packages, pinned to the versions the shipped
corpus was built from; when apt offers another version the build says so
and records the version it used. ``split`` (optional) is applied at the end.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .build import DataError


@dataclass
class Recipe:
    path: str
    packages: list[tuple[str, Optional[str]]]  # (name, pinned version or None)
    flags: list[str] = field(default_factory=list)
    max_per_package: Optional[int] = None
    configure_timeout: Optional[float] = None
    llvm_version: Optional[str] = None
    csmith_count: int = 0
    csmith_seed: int = 0
    test_packages: Optional[list[str]] = None
    valid_packages: Optional[list[str]] = None
    test_fraction: Optional[float] = None
    seed: int = 0


def _expect(value, kind, where: str):
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise DataError(f"{where}: expected {names}, got {json.dumps(value)}")
    return value


def load_recipe(path: str | Path) -> Recipe:
    p = Path(path)
    if not p.is_file():
        raise DataError(f"{path}: no such file")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise DataError(f"{path}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
    _expect(data, dict, str(path))
    packages = []
    for i, entry in enumerate(_expect(data.get("packages", []), list, f"{path}: packages")):
        where = f"{path}: packages[{i}]"
        if isinstance(entry, str):
            packages.append((entry, None))
            continue
        _expect(entry, dict, where)
        name = _expect(entry.get("name"), str, f"{where}.name")
        version = entry.get("version")
        packages.append((name, _expect(version, str, f"{where}.version") if version is not None else None))
    flags = [_expect(f, str, f"{path}: flags") for f in _expect(data.get("flags", []), list, f"{path}: flags")]
    csmith = _expect(data.get("csmith", {}), dict, f"{path}: csmith")
    split = _expect(data.get("split", {}), dict, f"{path}: split")
    recipe = Recipe(
        path=str(path), packages=packages, flags=flags,
        max_per_package=data.get("max_per_package"),
        configure_timeout=data.get("configure_timeout"),
        llvm_version=data.get("llvm_version"),
        csmith_count=int(_expect(csmith.get("count", 0), int, f"{path}: csmith.count")),
        csmith_seed=int(_expect(csmith.get("seed", 0), int, f"{path}: csmith.seed")),
        test_packages=split.get("test_packages"), valid_packages=split.get("valid_packages"),
        test_fraction=split.get("test_fraction"), seed=int(split.get("seed", 0)),
    )
    if recipe.max_per_package is not None:
        _expect(recipe.max_per_package, int, f"{path}: max_per_package")
    if not packages and not recipe.csmith_count:
        raise DataError(f"{path}: the recipe names no packages and no csmith programs")
    return recipe
