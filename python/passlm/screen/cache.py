"""What screening keeps between runs.

* On disk (:func:`cache_dir`): each program's IR, compiled once per source,
  flags, clang and environment; the csmith programs and their verdicts.
* In a store's ``screening`` table: one row per pipeline (with plugins: the
  pipeline and the plugins' names and content hashes) holding the verdict, the
  LLVM version and, in its detail, the corpus fingerprint.
"""
from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path
from typing import Sequence

from ..compile import IR_FLAGS, REPRODUCIBLE_ENV, ClangError, compile_ir, default_clang, ir_command, language_flags
from .corpus import Program, sha
from .process import count
from .results import ScreenError, ScreenResult


def cache_dir() -> Path:
    """Where IR and csmith programs are cached: $PASSLM_SCREEN_CACHE, else $XDG_CACHE_HOME/passlm/screen."""
    if os.environ.get("PASSLM_SCREEN_CACHE"):
        return Path(os.environ["PASSLM_SCREEN_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "passlm" / "screen"


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


_CLANG_VERSIONS: dict = {}


def _clang_version(clang: str) -> str:
    if clang not in _CLANG_VERSIONS:
        _CLANG_VERSIONS[clang] = subprocess.run([clang, "--version"], capture_output=True, text=True).stdout
    return _CLANG_VERSIONS[clang]


def program_ir(program: Program, cache: Path) -> Path:
    """The program's bitcode in passlm's IR form (``passlm.compile``), compiled once into ``cache``."""
    clang = default_clang()
    flags = (*language_flags(program.source), "-w", *program.flags)
    command = ir_command(program.source, flags, clang=clang)
    environment = [f"{k}={v}" for k, v in sorted(REPRODUCIBLE_ENV.items())]
    key = sha("\0".join([program.digest, clang, _clang_version(clang), *flags, *IR_FLAGS, *environment]))[:20]
    cached = cache / "ir" / f"{program.name}-{key}.bc"
    if not cached.is_file():
        count("ir")
        try:
            bitcode = compile_ir(command, what=str(program.source))
        except ClangError as e:
            raise ScreenError(f"{program.source}: clang failed: {e.reason}") from None
        write_atomic(cached, bitcode)
    return cached


def store_key(pipeline: str, plugins: Sequence[str]) -> str:
    """The store row of a pipeline screened with these plugins."""
    if not plugins:
        return pipeline
    named = [f"{Path(p).name}@{sha(Path(p).read_bytes())[:12]}" for p in plugins]
    return f"{pipeline} [plugins: {', '.join(named)}]"


def from_store(row: dict, pipeline: str) -> ScreenResult:
    detail = json.loads(row["detail"] or "{}")
    return ScreenResult(pipeline, row["status"], detail.get("reason"), detail.get("program"),
                        detail.get("message", ""), [], row["llvm_version"], detail.get("corpus", ""), cached=True)


def open_store(store):
    """(the store, whether it was opened here): a path is opened, a Store (or None) used as it is."""
    if store is None or not isinstance(store, (str, os.PathLike)):
        return store, False
    from ..store import Store

    return Store(store), True
