"""What an evaluation runs on: a suite of modules.

A suite spec is one of

``DIR``
    every ``.ll``, ``.bc``, ``.c``, ``.cc``, ``.cpp`` and ``.cxx`` file directly
    in DIR (not its subfolders), in name order; sources are compiled to the IR
    form of docs/conventions.md (``passlm.compile.load_module``). Modules are grouped by
    file.
``FILE``
    one such file (a suite of one).
``DB:SPLIT``
    the modules of a corpus store (``passlm.store.Store``) whose split is
    SPLIT (``corpus.db:test``), in the store's order (package, source, hash).
    Modules are grouped by package.

Every module is parsed once here, so a suite that does not parse fails
before anything is evaluated.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from ..compile import IR_SUFFIXES, SOURCE_LANGUAGES, load_module
from ..errors import PassLMError

SUITE_SUFFIXES = IR_SUFFIXES + tuple(SOURCE_LANGUAGES)


class EvalError(PassLMError):
    """A suite, engine, store or recorded evaluation that cannot be used as given."""


@dataclass(frozen=True)
class SuiteModule:
    name: str      # what the table shows: the file name, or the store's source
    hash: str      # Module.hash
    bitcode: bytes
    group: str     # the file (directory suite) or the package (store suite)
    source: str    # the file's absolute path, or the store's source


@dataclass(frozen=True)
class Suite:
    spec: str       # as given
    kind: str       # "dir", "file" or "store"
    resolved: str   # absolute: DIR, FILE or DB:SPLIT
    modules: tuple[SuiteModule, ...]

    @property
    def description(self) -> str:
        what = {"dir": "directory", "file": "file", "store": "store split"}[self.kind]
        return f"{what} {self.resolved} ({len(self.modules)} modules)"

    def __iter__(self) -> Iterator[SuiteModule]:
        return iter(self.modules)

    def __len__(self) -> int:
        return len(self.modules)


def _store_spec(spec: str) -> Optional[tuple[Path, str]]:
    """(db, split) when SPEC is DB:SPLIT with an existing DB file."""
    db, sep, split = spec.rpartition(":")
    if sep and db and split and Path(db).is_file():
        return Path(db), split
    return None


def load_suite(spec: str) -> Suite:
    """The suite a spec names. Raises EvalError (or the parse errors of a bad module)."""
    path = Path(spec)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in SUITE_SUFFIXES)
        if not files:
            known = ", ".join(SUITE_SUFFIXES)
            raise EvalError(f"{spec}: no modules in this directory (looked for {known})")
        modules = tuple(_file_module(p, p.name) for p in files)
        return Suite(spec, "dir", str(path.resolve()), modules)
    if path.is_file():
        if path.suffix not in SUITE_SUFFIXES:
            raise EvalError(f"{spec}: not a suite (a directory, a .ll/.bc/.c file, or DB:split)")
        return Suite(spec, "file", str(path.resolve()), (_file_module(path, path.name),))
    store = _store_spec(spec)
    if store is not None:
        db, split = store
        return Suite(spec, "store", f"{db.resolve()}:{split}", _store_modules(db, split))
    if ":" in spec and not Path(spec.rpartition(":")[0]).exists():
        raise EvalError(f"{spec}: no such suite (no directory or file '{spec}', no store '{spec.rpartition(':')[0]}')")
    raise EvalError(f"{spec}: no such suite (expected a directory, a file, or DB:split)")


def _file_module(path: Path, name: str) -> SuiteModule:
    module = load_module(path)
    return SuiteModule(name=name, hash=module.hash, bitcode=module.to_bitcode(), group=name,
                       source=str(path.resolve()))


def _store_modules(db: Path, split: str) -> tuple[SuiteModule, ...]:
    import sqlite3

    from ..store import Store

    try:
        with Store(db) as store:
            return _split_modules(store, db, split)
    except sqlite3.DatabaseError as e:
        raise EvalError(f"{db}: not a passlm store ({e})") from None


def _split_modules(store, db: Path, split: str) -> tuple[SuiteModule, ...]:
    hashes = store.module_hashes(split=split)
    if not hashes:
        raise EvalError(f"{db}: no modules in split '{split}'")
    modules = []
    for h in hashes:
        info = store.module_info(h)
        modules.append(SuiteModule(name=info["source"], hash=h, bitcode=store.bitcode(h),
                                   group=info["package"] or "(no package)", source=info["source"]))
    return tuple(modules)
