"""The recipe of a corpus: what ``passlm data build --recipe FILE`` rebuilds.

A recipe is a JSON object::

    {
      "name": "passlm-default",
      "llvm_version": "19.1.7",
      "flags": ["-Wno-error=implicit-function-declaration", ...],
      "max_per_package": 150,
      "configure_timeout": 300,
      "packages": [{"name": "zlib", "version": "1:1.2.13.dfsg-1"},
                   {"name": "pcre2", "version": "10.42-1", "flags": ["-DPCRE2_CODE_UNIT_WIDTH=8"]},
                   {"name": "lua5.4", "version": "...", "setup": ["printf ... > src/x.h"]}, ...],
      "csmith": {"count": 0, "seed": 0},
      "split": {"test_packages": ["..."], "valid_packages": []}
    }

Packages are Debian source packages, pinned to the versions the shipped
corpus was built from; when apt offers another version the build says so
and records the version it used. A package's ``flags`` are added to the
recipe's for its sources only; its ``setup`` commands run once (``sh -c``, in
the unpacked package) before its configure step, for what Debian's build
generates and the sources need (a header, say). ``split`` (optional) is
applied at the end.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .build import DataError, load_json


@dataclass(frozen=True)
class PackageSpec:
    """A Debian source package to build: name, pinned version, its own flags and setup commands."""

    name: str
    version: Optional[str] = None
    flags: tuple[str, ...] = ()
    setup: tuple[str, ...] = ()


@dataclass
class Recipe:
    path: str
    packages: list[PackageSpec]
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
    data = load_json(path)
    _expect(data, dict, str(path))
    packages = []
    for i, entry in enumerate(_expect(data.get("packages", []), list, f"{path}: packages")):
        where = f"{path}: packages[{i}]"
        if isinstance(entry, str):
            packages.append(PackageSpec(entry))
            continue
        _expect(entry, dict, where)
        name = _expect(entry.get("name"), str, f"{where}.name")
        version = entry.get("version")
        if version is not None:
            _expect(version, str, f"{where}.version")
        package_flags = tuple(_expect(f, str, f"{where}.flags")
                              for f in _expect(entry.get("flags", []), list, f"{where}.flags"))
        commands = tuple(_expect(c, str, f"{where}.setup")
                         for c in _expect(entry.get("setup", []), list, f"{where}.setup"))
        packages.append(PackageSpec(name, version, package_flags, commands))
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
