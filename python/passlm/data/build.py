"""Compile jobs to IR modules and store them.

A :class:`Job` is one source file with everything needed to compile it: the
flags, the folder to compile in, and the provenance to record. The command is

    clang-19 FLAGS -Oz -Xclang -disable-llvm-passes -emit-llvm -c SRC -o - -working-directory CWD

(``passlm.compile.ir_command``), run in CWD by ``passlm.compile`` (whose
environment has ``SOURCE_DATE_EPOCH=0``); sources are named relative to CWD
where possible, so ``__FILE__``, ``__DATE__`` and the module hash depend
neither on where a package was unpacked nor on when.

:class:`Builder` compiles jobs in a pool (subprocess clang calls), takes the
results in job order, and writes each at once: a module (stored once per
content hash), a failure with clang's first error line, or, for a source
whose module is already stored, a row in ``build_duplicates``. A job whose
source is already stored, failed or a duplicate for its origin and package is
skipped, so a killed run resumes where it stopped. Taking results in order makes a cap on
modules per package deterministic: the first N sources that compile, in the
jobs' order, however the pool schedules them.
"""
from __future__ import annotations

import os
import sys
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, Sequence

from ..compile import COMPILE_TIMEOUT, ClangError, compile_ir, default_clang, ir_command
from ..errors import PassLMError
from ..store import Provenance, Store

#: Modules whose bitcode is larger than this are skipped (with a recorded reason).
MAX_BITCODE_BYTES = 2 * 1024 * 1024
#: Header folders a job with a ``search`` may add, at most.
MAX_HEADER_RETRIES = 8


class DataError(PassLMError, ValueError):
    """A problem with what the user asked the dataset builder to do (exit 1)."""


@dataclass(frozen=True)
class Job:
    """One source to compile: what to run and what to record."""

    source: str  # the name recorded (relative to the package or directory root)
    path: str  # the file as given to clang (relative to cwd, or absolute)
    cwd: str  # where clang runs
    flags: tuple[str, ...]  # the compile flags (include dirs, defines, -x, -std...), no IR flags, no source
    origin: str  # "dir", "compile_commands", "debian", "csmith"
    package: str = ""
    version: Optional[str] = None
    licence: Optional[str] = None
    #: Finds a folder for a header clang did not find (``resolve(error_line) -> folder or None``); each
    #: folder found is added with -I and the source compiled again (``sources.HeaderIndex``).
    search: Optional[object] = field(default=None, compare=False, hash=False, repr=False)

    def command(self, clang: str, extra: Sequence[str] = ()) -> list[str]:
        return ir_command(self.path, (*self.flags, *extra), clang=clang, working_directory=self.cwd)


@dataclass
class BuildCounts:
    """What one build did (``skipped``: done by an earlier run)."""

    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    skipped: int = 0
    capped: int = 0  # not compiled (or compiled and dropped) because the package reached its cap

    def add(self, other: "BuildCounts") -> None:
        for name in ("stored", "duplicates", "failed", "skipped", "capped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> str:
        parts = [f"{self.stored} stored", f"{self.duplicates} duplicates", f"{self.failed} failed",
                 f"{self.skipped} done before"]
        if self.capped:
            parts.append(f"{self.capped} over the cap")
        return ", ".join(parts)


@dataclass
class _Result:
    job: Job
    command: list[str]
    bitcode: Optional[bytes] = None
    hash: Optional[str] = None
    instructions: Optional[int] = None
    reason: Optional[str] = None  # set when the source did not give a module


def _run_clang(command: list[str], cwd: str, timeout: float) -> tuple[Optional[bytes], Optional[str]]:
    """(bitcode, None) or (None, the reason it failed: clang's first error line)."""
    try:
        return compile_ir(command, cwd=cwd, timeout=timeout), None
    except ClangError as e:
        return None, e.reason


def _compile(job: Job, clang: str, timeout: float, max_bytes: int) -> _Result:
    from .. import Module

    extra: list[str] = []
    while True:
        command = job.command(clang, extra)
        bitcode, reason = _run_clang(command, job.cwd, timeout)
        if bitcode is not None or job.search is None or len(extra) >= 2 * MAX_HEADER_RETRIES:
            break
        folder = job.search.resolve(reason)
        if folder is None or folder in extra:
            break
        extra += ["-I", folder]
    result = _Result(job, command, reason=reason)
    if bitcode is None:
        return result
    if len(bitcode) > max_bytes:
        result.reason = f"bitcode too large: {len(bitcode) / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB"
        return result
    try:
        module = Module.from_string(bitcode, name=job.source)
        result.hash, result.instructions = module.hash, module.instruction_count
    except (PassLMError, ValueError, RuntimeError) as e:
        result.reason = f"IR does not load: {str(e).splitlines()[0] if str(e) else type(e).__name__}"
        return result
    result.bitcode = bitcode
    return result


def _progress(total: int, label: str, enabled: Optional[bool]):
    """A tqdm bar (on a terminal unless told), or None when tqdm is missing or off."""
    if enabled is False:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc=label, unit="src", file=sys.stderr, leave=False,
                disable=None if enabled is None else not enabled, dynamic_ncols=True)


@dataclass
class Builder:
    """Compiles jobs into a store, ``jobs`` at a time."""

    store: Store
    jobs: int = 2
    clang: str = field(default_factory=default_clang)
    max_bitcode: int = MAX_BITCODE_BYTES
    timeout: float = COMPILE_TIMEOUT
    progress: Optional[bool] = None  # None: a bar on a terminal only
    log: Callable[[str], None] = field(default=lambda message: print(message, file=sys.stderr, flush=True))

    def build(self, jobs: Sequence[Job], label: str = "", max_modules: Optional[int] = None) -> BuildCounts:
        """Compile and store ``jobs`` (in their order), skipping what an earlier run did.

        ``max_modules`` caps the modules stored per (origin, package), counting
        those stored before: the first sources that compile, in job order.
        """
        counts = BuildCounts()
        todo: list[Job] = []
        done_before: dict[tuple[str, str], set[str]] = {}
        seen: set[tuple[str, str, str]] = set()
        duplicates = DuplicateLog(self.store.path)
        for job in jobs:
            key = (job.origin, job.package)
            if key not in done_before:
                done_before[key] = (self.store.attempted_sources(job.origin, job.package)
                                    | duplicates.sources(job.origin, job.package))
            if job.source in done_before[key] or (job.origin, job.package, job.source) in seen:
                counts.skipped += 1
                continue
            seen.add((job.origin, job.package, job.source))
            todo.append(job)
        stored_per_key = {key: self._stored(*key) for key in done_before} if max_modules is not None else {}

        bar = _progress(len(todo), label or "build", self.progress)
        window: deque[Future] = deque()
        queue = iter(todo)
        full = {key for key, n in stored_per_key.items() if n >= max_modules} if max_modules is not None else set()

        def refill(pool: ThreadPoolExecutor) -> None:
            while len(window) < 2 * self.jobs:
                for job in queue:
                    if (job.origin, job.package) in full:
                        counts.capped += 1
                        if bar is not None:
                            bar.update(1)
                        continue
                    window.append(pool.submit(_compile, job, self.clang, self.timeout, self.max_bitcode))
                    break
                else:
                    return

        pool = ThreadPoolExecutor(max_workers=max(1, self.jobs), thread_name_prefix="passlm-data")
        try:
            refill(pool)
            while window:
                result = window.popleft().result()
                job = result.job
                key = (job.origin, job.package)
                if key in full:
                    counts.capped += 1
                elif result.reason is not None:
                    self.store.record_failure(job.origin, job.source, result.reason, package=job.package,
                                              command=result.command)
                    counts.failed += 1
                else:
                    provenance = Provenance(source=job.source, origin=job.origin, llvm_version=_llvm_version(),
                                            package=job.package or None, version=job.version,
                                            licence=job.licence, command=result.command)
                    if self.store.add_module(result.hash, result.bitcode, provenance, result.instructions):
                        counts.stored += 1
                        if max_modules is not None:
                            stored_per_key[key] = stored_per_key.get(key, 0) + 1
                            if stored_per_key[key] >= max_modules:
                                full.add(key)
                    else:
                        duplicates.add(job.origin, job.package, job.source, result.hash)
                        counts.duplicates += 1
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(stored=counts.stored, failed=counts.failed, dup=counts.duplicates,
                                    refresh=False)
                refill(pool)
        finally:
            for future in window:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            if bar is not None:
                bar.close()
            duplicates.close()
        if label:
            self.log(f"passlm: {label}: {counts.summary()}")
        return counts

    def _stored(self, origin: str, package: str) -> int:
        """Modules stored for this origin and package."""
        hashes = self.store.module_hashes(package=package) if package else self.store.module_hashes()
        return sum(1 for h in hashes if (info := self.store.module_info(h))["origin"] == origin
                   and (info["package"] or "") == package)


class DuplicateLog:
    """Sources whose module was already stored under another source (table ``build_duplicates`` of the
    store's file), so that a resumed build skips them too. Its own connection; every write commits."""

    SCHEMA = ("CREATE TABLE IF NOT EXISTS build_duplicates (origin TEXT NOT NULL, package TEXT NOT NULL DEFAULT '',"
              " source TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (origin, package, source))")

    def __init__(self, path):
        import sqlite3
        import threading

        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=60)
        self._db.execute(self.SCHEMA)

    def add(self, origin: str, package: str, source: str, module_hash: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO build_duplicates VALUES (?,?,?,?)",
                             (origin, package or "", source, module_hash))

    def sources(self, origin: str, package: str) -> set[str]:
        with self._lock:
            rows = self._db.execute("SELECT source FROM build_duplicates WHERE origin = ? AND package = ?",
                                    (origin, package or "")).fetchall()
        return {r[0] for r in rows}

    def counts(self) -> dict[str, int]:
        """package -> duplicates."""
        with self._lock:
            rows = self._db.execute("SELECT package, COUNT(*) FROM build_duplicates GROUP BY package").fetchall()
        return dict(rows)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _llvm_version() -> str:
    from .. import LLVM_VERSION

    return LLVM_VERSION


def load_json(path: str | os.PathLike):
    """The JSON in a file; DataError names the file (and line:column for bad JSON)."""
    import json
    from pathlib import Path

    p = Path(path)
    if not p.is_file():
        raise DataError(f"{path}: no such file")
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"{path}: cannot read: {e}") from None
    except json.JSONDecodeError as e:
        raise DataError(f"{path}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None


def relative_name(path: str, root: str) -> str:
    """``path`` relative to ``root`` (with /), or ``path`` itself when it lies outside."""
    rel = os.path.relpath(path, root)
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def split_flags(values: Optional[Iterable[str]]) -> tuple[str, ...]:
    """``--flags '-DX -Ifoo'`` (repeatable) as one tuple of flags."""
    import shlex

    out: list[str] = []
    for value in values or ():
        out.extend(shlex.split(value))
    return tuple(out)
