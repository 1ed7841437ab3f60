"""The store: one SQLite file (WAL) for a corpus of modules and everything
learnt about them.

Tables:

``modules``
    one row per unique module (keyed by ``Module.hash``): its bitcode in the
    IR form of docs/conventions.md and its provenance (source, origin, package, version,
    licence, compile command, LLVM version) and data split.
``build_failures``
    sources that did not compile, and why.
``evaluations``
    one row per (module, pipeline) evaluated: status (``ok``, ``invalid``:
    LLVM rejected the pipeline, ``crash``: it killed its worker, ``timeout``),
    instruction count and object size, who asked (strategy) and when. Repeated
    evaluations are cache hits; the row id orders a module's search history.
``screening``
    per pipeline: whether it kept every checked program's output.
``claims``
    evaluations a tuner is making now: (module, pipeline, owner), owner
    being ``host:pid:start-time``. Concurrent tuners share a module's budget
    through them (``claim_evaluation``); recording the evaluation removes its
    claim, and the claims of a process that is gone expire.

Every write commits at once, so a killed run loses at most the row it was
writing, and a second run resumes from what is here.
"""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional, Sequence


SCHEMA = """
CREATE TABLE IF NOT EXISTS modules (
    hash          TEXT PRIMARY KEY,
    bitcode       BLOB NOT NULL,
    source        TEXT NOT NULL,
    origin        TEXT NOT NULL,
    package       TEXT,
    version       TEXT,
    licence       TEXT,
    command       TEXT,
    llvm_version  TEXT NOT NULL,
    instructions  INTEGER,
    split         TEXT,
    added         REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS modules_package ON modules(package);
CREATE TABLE IF NOT EXISTS build_failures (
    origin   TEXT NOT NULL,
    package  TEXT NOT NULL DEFAULT '',
    source   TEXT NOT NULL,
    command  TEXT,
    reason   TEXT NOT NULL,
    added    REAL NOT NULL,
    PRIMARY KEY (origin, package, source)
);
CREATE TABLE IF NOT EXISTS evaluations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    module        TEXT NOT NULL,
    pipeline      TEXT NOT NULL,
    status        TEXT NOT NULL,
    instructions  INTEGER,
    object_size   INTEGER,
    detail        TEXT,
    seconds       REAL,
    strategy      TEXT,
    added         REAL NOT NULL,
    UNIQUE (module, pipeline)
);
CREATE TABLE IF NOT EXISTS claims (
    module    TEXT NOT NULL,
    pipeline  TEXT NOT NULL,
    owner     TEXT NOT NULL,
    added     REAL NOT NULL,
    PRIMARY KEY (module, pipeline)
);
CREATE TABLE IF NOT EXISTS screening (
    pipeline      TEXT PRIMARY KEY,
    status        TEXT NOT NULL,
    detail        TEXT,
    llvm_version  TEXT NOT NULL,
    added         REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Provenance:
    """Where a module came from."""

    source: str
    origin: str  # "files", "dir", "compile_commands", "debian", "csmith"
    llvm_version: str
    package: Optional[str] = None
    version: Optional[str] = None
    licence: Optional[str] = None
    command: Optional[Sequence[str]] = None


@dataclass(frozen=True)
class Evaluation:
    module: str
    pipeline: str
    status: str  # "ok", "invalid", "crash", "timeout"
    instructions: Optional[int] = None
    object_size: Optional[int] = None
    detail: Optional[str] = None
    seconds: Optional[float] = None
    strategy: Optional[str] = None
    id: Optional[int] = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


_EVAL_COLUMNS = "module, pipeline, status, instructions, object_size, detail, seconds, strategy, id"

#: Strategy of the evaluations a module's budget does not pay for (tune's admission of elements).
FREE_STRATEGY = "admission"
#: How long a claim made on another host counts (its owner cannot be checked from here), in seconds.
FOREIGN_CLAIM_SECONDS = 3600.0


def _start_time(pid: int) -> str:
    """When process pid started (clock ticks since boot, /proc), "" when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def process_owner(pid: int | None = None) -> str:
    """``host:pid:start-time`` of a process (this one by default): who holds a
    claim. The start time tells a process from a later one given its pid."""
    pid = os.getpid() if pid is None else pid
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def owner_alive(owner: str, added: float) -> bool:
    """Whether the process that made a claim may still be making it."""
    host, _, rest = owner.partition(":")
    pid, _, start = rest.partition(":")
    if host != socket.gethostname():
        return time.time() - added < FOREIGN_CLAIM_SECONDS
    return pid.isdigit() and start != "" and _start_time(int(pid)) == start


class Store:
    """A corpus and its evaluations in one SQLite file. Thread-safe."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _query(self, sql: str, args: Sequence = ()) -> list:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def _write(self, sql: str, args: Sequence = ()) -> int:
        with self._lock:
            return self._db.execute(sql, args).rowcount

    # --------------------------------------------------------------- modules

    def add_module(self, module_hash: str, bitcode: bytes, provenance: Provenance,
                   instructions: Optional[int] = None) -> bool:
        """Stores a module once; False when a module with that hash is already here."""
        p = provenance
        return self._write(
            "INSERT OR IGNORE INTO modules (hash, bitcode, source, origin, package, version, licence, command,"
            " llvm_version, instructions, added) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (module_hash, bitcode, p.source, p.origin, p.package, p.version, p.licence,
             json.dumps(list(p.command)) if p.command is not None else None, p.llvm_version, instructions,
             time.time()),
        ) == 1

    def has_module(self, module_hash: str) -> bool:
        return bool(self._query("SELECT 1 FROM modules WHERE hash = ?", (module_hash,)))

    def module_hashes(self, split: Optional[str] = None, package: Optional[str] = None) -> list[str]:
        sql, args = "SELECT hash FROM modules WHERE 1=1", []
        if split is not None:
            sql, args = sql + " AND split = ?", args + [split]
        if package is not None:
            sql, args = sql + " AND package = ?", args + [package]
        return [row[0] for row in self._query(sql + " ORDER BY package, source, hash", args)]

    def bitcode(self, module_hash: str) -> bytes:
        rows = self._query("SELECT bitcode FROM modules WHERE hash = ?", (module_hash,))
        if not rows:
            raise KeyError(f"{self.path}: no module {module_hash}")
        return rows[0][0]

    def load_module(self, module_hash: str):
        from . import Module

        return Module.from_string(self.bitcode(module_hash), name=self.module_info(module_hash)["source"])

    def module_info(self, module_hash: str) -> dict:
        rows = self._query(
            "SELECT hash, source, origin, package, version, licence, command, llvm_version, instructions, split"
            " FROM modules WHERE hash = ?", (module_hash,))
        if not rows:
            raise KeyError(f"{self.path}: no module {module_hash}")
        keys = ("hash", "source", "origin", "package", "version", "licence", "command", "llvm_version",
                "instructions", "split")
        info = dict(zip(keys, rows[0]))
        info["command"] = json.loads(info["command"]) if info["command"] else None
        return info

    def set_split(self, module_hash: str, split: str) -> None:
        self._write("UPDATE modules SET split = ? WHERE hash = ?", (split, module_hash))

    def packages(self) -> list[str]:
        return [r[0] for r in self._query("SELECT DISTINCT package FROM modules WHERE package IS NOT NULL"
                                          " ORDER BY package")]

    def count_modules(self) -> int:
        return self._query("SELECT COUNT(*) FROM modules")[0][0]

    def record_failure(self, origin: str, source: str, reason: str, package: str = "",
                       command: Optional[Sequence[str]] = None) -> None:
        self._write(
            "INSERT OR REPLACE INTO build_failures (origin, package, source, command, reason, added)"
            " VALUES (?,?,?,?,?,?)",
            (origin, package or "", source, json.dumps(list(command)) if command else None, reason, time.time()))

    def attempted_sources(self, origin: str, package: str = "") -> set[str]:
        """Sources of this origin/package already stored or already failed: a resumed build skips them."""
        stored = self._query("SELECT source FROM modules WHERE origin = ? AND IFNULL(package, '') = ?",
                             (origin, package or ""))
        failed = self._query("SELECT source FROM build_failures WHERE origin = ? AND package = ?",
                             (origin, package or ""))
        return {r[0] for r in stored} | {r[0] for r in failed}

    def failures(self) -> list[dict]:
        rows = self._query("SELECT origin, package, source, reason FROM build_failures ORDER BY package, source")
        return [dict(zip(("origin", "package", "source", "reason"), r)) for r in rows]

    # ----------------------------------------------------------- evaluations

    def evaluation(self, module_hash: str, pipeline: str) -> Optional[Evaluation]:
        rows = self._query(f"SELECT {_EVAL_COLUMNS} FROM evaluations WHERE module = ? AND pipeline = ?",
                           (module_hash, pipeline))
        return Evaluation(*rows[0]) if rows else None

    def record_evaluation(self, e: Evaluation) -> None:
        """Keeps the first result for a (module, pipeline): evaluations are
        deterministic. Its claim goes in the same transaction: a claim and its
        result are never both counted, nor neither."""
        with self._transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO evaluations (module, pipeline, status, instructions, object_size, detail,"
                " seconds, strategy, added) VALUES (?,?,?,?,?,?,?,?,?)",
                (e.module, e.pipeline, e.status, e.instructions, e.object_size, e.detail, e.seconds, e.strategy,
                 time.time()))
            self._db.execute("DELETE FROM claims WHERE module = ? AND pipeline = ?", (e.module, e.pipeline))

    @contextmanager
    def _transaction(self):
        """One write transaction, taken at once (BEGIN IMMEDIATE): what it
        reads no other process changes before it commits."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def claim_evaluation(self, module_hash: str, pipeline: str, limit: int, owner: str) -> str:
        """Claims the evaluation of (module, pipeline) for ``owner`` before it
        is made, so concurrent tuners share the module's budget: ``"granted"``
        when the module's evaluations (those its budget pays for: all but
        FREE_STRATEGY's) and live claims number fewer than ``limit``;
        ``"evaluated"`` when its result is stored already; ``"taken"`` when
        another live owner is evaluating it; ``"exhausted"`` when the budget is
        spent or claimed. Claims of owners that are gone are dropped first."""
        with self._transaction():
            db = self._db
            if db.execute("SELECT 1 FROM evaluations WHERE module = ? AND pipeline = ?",
                          (module_hash, pipeline)).fetchone():
                return "evaluated"
            for holder, added in db.execute("SELECT owner, MIN(added) FROM claims WHERE module = ?"
                                            " GROUP BY owner", (module_hash,)).fetchall():
                if not owner_alive(holder, added):
                    db.execute("DELETE FROM claims WHERE owner = ?", (holder,))
            held = db.execute("SELECT owner FROM claims WHERE module = ? AND pipeline = ?",
                              (module_hash, pipeline)).fetchone()
            if held:
                return "granted" if held[0] == owner else "taken"
            spent = db.execute("SELECT COUNT(*) FROM evaluations WHERE module = ? AND IFNULL(strategy, '') != ?",
                               (module_hash, FREE_STRATEGY)).fetchone()[0]
            claimed = db.execute("SELECT COUNT(*) FROM claims WHERE module = ?", (module_hash,)).fetchone()[0]
            if spent + claimed >= limit:
                return "exhausted"
            db.execute("INSERT INTO claims (module, pipeline, owner, added) VALUES (?,?,?,?)",
                       (module_hash, pipeline, owner, time.time()))
            return "granted"

    def release_claims(self, owner: str) -> None:
        """Drops what ``owner`` claimed and did not record (a run that stops)."""
        self._write("DELETE FROM claims WHERE owner = ?", (owner,))

    def claims(self, module_hash: str) -> list[tuple[str, str]]:
        """(pipeline, owner) of the module's claims, live or not."""
        return self._query("SELECT pipeline, owner FROM claims WHERE module = ? ORDER BY added", (module_hash,))

    def evaluations(self, module_hash: str) -> list[Evaluation]:
        """A module's evaluations in the order they were made."""
        rows = self._query(f"SELECT {_EVAL_COLUMNS} FROM evaluations WHERE module = ? ORDER BY id",
                           (module_hash,))
        return [Evaluation(*r) for r in rows]

    def count_evaluations(self, module_hash: Optional[str] = None) -> int:
        if module_hash is None:
            return self._query("SELECT COUNT(*) FROM evaluations")[0][0]
        return self._query("SELECT COUNT(*) FROM evaluations WHERE module = ?", (module_hash,))[0][0]

    def best(self, module_hash: str, objective: str = "size") -> Optional[Evaluation]:
        """The smallest successful evaluation (ties: the shortest pipeline, then the first found)."""
        column = {"size": "object_size", "instructions": "instructions"}[objective]
        rows = self._query(
            f"SELECT {_EVAL_COLUMNS} FROM evaluations WHERE module = ? AND status = 'ok'"
            f" ORDER BY {column}, length(pipeline), id LIMIT 1", (module_hash,))
        return Evaluation(*rows[0]) if rows else None

    def iter_ok(self, objective: str = "size") -> Iterator[tuple[str, str, Optional[float]]]:
        """(module, pipeline, value) for every successful evaluation; the value is the
        object size, the instruction count or the evaluation's seconds (objective)."""
        column = {"size": "object_size", "instructions": "instructions", "seconds": "seconds"}[objective]
        with self._lock:
            rows = self._db.execute(f"SELECT module, pipeline, {column} FROM evaluations WHERE status = 'ok'")
            yield from rows.fetchall()

    # ------------------------------------------------------------- screening

    def screening(self, pipeline: str) -> Optional[dict]:
        rows = self._query("SELECT status, detail, llvm_version FROM screening WHERE pipeline = ?", (pipeline,))
        return dict(zip(("status", "detail", "llvm_version"), rows[0])) if rows else None

    def record_screening(self, pipeline: str, status: str, detail: str, llvm_version: str) -> None:
        self._write("INSERT OR REPLACE INTO screening (pipeline, status, detail, llvm_version, added)"
                    " VALUES (?,?,?,?,?)", (pipeline, status, detail, llvm_version, time.time()))
