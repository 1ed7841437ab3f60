"""The prediction cache: what the server has answered, kept in SQLite.

Two tables, both keyed so that a hit is always the answer the work would give:

``predictions``  (engine identity, module hash, k) -> the candidates. The
    engine identity is the hash of the model's files (the spec itself for
    engines without files) plus the passlm and LLVM versions
    (``engines.EngineSlot``); the module hash is the one the plugin computed
    and the request carries (``passlm.Module.hash``: the IR without names and
    comments; trusted, as the socket is private to the user), kept in the
    column ``text_hash`` (named so before, so that older files open). So a
    rebuild, or a second checkout in another folder, needs no inference.
``verdicts``  (exact IR hash, the candidates) -> the pipeline the plugin's
    guard kept and the sizes it measured, so a rebuild runs the winner
    directly instead of compiling every candidate again. Sizes come from
    passlm's own codegen, which depends on nothing but the IR and LLVM.

The server is the only writer; ``passlm cache stats|clear`` open the same
file. The server uses it through ``ServerCache``: on any error of SQLite (a
full disk, a corrupted page, a read-only file or folder, a file that is not a
cache) it logs one line and answers without the cache from then on; ``passlm
cache clear`` moves a file it cannot read aside and starts an empty one. Default file: ``$XDG_CACHE_HOME/passlm/cache.sqlite3`` (else
``~/.cache/passlm/``); ``PASSLM_CACHE`` names another.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Optional

SCHEMA = """
CREATE TABLE IF NOT EXISTS predictions (
    engine TEXT NOT NULL, text_hash TEXT NOT NULL, k INTEGER NOT NULL,
    candidates TEXT NOT NULL, created REAL NOT NULL, hits INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (engine, text_hash, k));
CREATE TABLE IF NOT EXISTS verdicts (
    key TEXT PRIMARY KEY, pipeline TEXT NOT NULL, size INTEGER NOT NULL, baseline INTEGER NOT NULL,
    created REAL NOT NULL, hits INTEGER NOT NULL DEFAULT 0);
"""


def default_cache_path() -> Path:
    named = os.environ.get("PASSLM_CACHE")
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "passlm" / "cache.sqlite3"


class PredictionCache:
    """Thread-safe; one connection behind a lock (the server answers hits from
    many handler threads, and SQLite serializes writers anyway)."""

    def __init__(self, path: str | Path):
        from .files import check_folder

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        check_folder(str(self.path.parent), sticky_ok=False)  # never in a folder others write: SQLite follows links
        self._lock = threading.Lock()
        # Two servers starting at once (make -j2 auto-starts from both compilers;
        # one then finds the socket lock taken and exits) both open the cache:
        # switching to WAL and creating the schema can meet SQLite's "database
        # is locked" without its busy timeout applying, so try again a while.
        deadline = time.monotonic() + 30
        while True:
            self._db = None
            try:
                self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None,
                                           timeout=30)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")  # no fsync per hit; a crash loses only recent answers
                self._db.executescript(SCHEMA)
                break
            except sqlite3.OperationalError as e:
                if self._db is not None:
                    self._db.close()
                if "locked" not in str(e) or time.monotonic() > deadline:  # a read-only folder, a full disk...
                    raise ValueError(f"{self.path}: cannot open the cache ({e})") from None
                time.sleep(0.05)
            except sqlite3.DatabaseError as e:
                raise ValueError(f"{self.path}: not a passlm cache ({e})") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "PredictionCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ predictions

    def get(self, engine: str, module_hash: str, k: int) -> Optional[list]:
        with self._lock:
            row = self._db.execute("SELECT candidates FROM predictions WHERE engine=? AND text_hash=? AND k=?",
                                   (engine, module_hash, k)).fetchone()
            if row is None:
                return None
            self._db.execute("UPDATE predictions SET hits=hits+1 WHERE engine=? AND text_hash=? AND k=?",
                             (engine, module_hash, k))
        return json.loads(row[0])

    def put(self, engine: str, module_hash: str, k: int, candidates: list) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO predictions VALUES (?,?,?,?,?,0)",
                             (engine, module_hash, k, json.dumps(candidates), time.time()))

    # --------------------------------------------------------------- verdicts

    def get_verdict(self, key: str) -> Optional[dict]:
        with self._lock:
            row = self._db.execute("SELECT pipeline, size, baseline FROM verdicts WHERE key=?", (key,)).fetchone()
            if row is None:
                return None
            self._db.execute("UPDATE verdicts SET hits=hits+1 WHERE key=?", (key,))
        return {"pipeline": row[0], "size": row[1], "baseline": row[2]}

    def put_verdict(self, key: str, pipeline: str, size: int, baseline: int) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO verdicts VALUES (?,?,?,?,?,0)",
                             (key, pipeline, int(size), int(baseline), time.time()))

    # ------------------------------------------------------------------ admin

    def check(self) -> None:
        """Raise sqlite3.DatabaseError unless SQLite finds the file sound (``PRAGMA quick_check``)."""
        with self._lock:
            problems = [row[0] for row in self._db.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError(problems[0])

    def stats(self) -> dict:
        with self._lock:
            predictions, prediction_hits, engines = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(hits),0), COUNT(DISTINCT engine) FROM predictions").fetchone()
            verdicts, verdict_hits = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(hits),0) FROM verdicts").fetchone()
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return {"path": str(self.path), "bytes": size, "predictions": predictions, "prediction_hits": prediction_hits,
                "engines": engines, "verdicts": verdicts, "verdict_hits": verdict_hits}

    def clear(self) -> dict:
        """Empties both tables; returns what was there."""
        before = self.stats()
        with self._lock:
            self._db.execute("DELETE FROM predictions")
            self._db.execute("DELETE FROM verdicts")
            self._db.execute("VACUUM")
        return before


def move_aside(path: str | Path) -> Path:
    """Move an unreadable cache file (and its -wal, -shm, -journal) to PATH.corrupt[.N]; return where."""
    path = Path(path)
    aside, n = path.with_name(path.name + ".corrupt"), 1
    while aside.exists():
        aside, n = path.with_name(f"{path.name}.corrupt.{n}"), n + 1
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.lexists(f"{path}{suffix}"):
            os.rename(f"{path}{suffix}", f"{aside}{suffix}")
    return aside


#: What a cache can fail with: SQLite's errors, a file that is not a cache (ValueError), the file system.
CACHE_ERRORS = (sqlite3.Error, ValueError, OSError)


class ServerCache:
    """The server's cache: PredictionCache's reads and writes, or nothing once one failed.

    Any error (CACHE_ERRORS) turns the cache off for the rest of the server's
    life with one log line; the request that met it, and every later one, is
    answered as if there were no cache (None from a read, nothing written).
    """

    def __init__(self, path: str | Path, log: logging.Logger):
        self.path, self._log = str(path), log
        self._cache: Optional[PredictionCache] = None
        self._lock = threading.Lock()
        self._failed = False
        try:
            self._cache = PredictionCache(path)
        except CACHE_ERRORS as e:
            self._fail(e)

    @property
    def on(self) -> bool:
        return self._cache is not None

    def _fail(self, e: BaseException) -> None:
        with self._lock:
            first, self._failed = not self._failed, True
            cache, self._cache = self._cache, None
        if first:
            why = str(e).removeprefix(f"{self.path}: ") if isinstance(e, ValueError) else f"{type(e).__name__}: {e}"
            self._log.warning("prediction cache %s failed (%s): answering uncached from now on", self.path, why)
        if cache is not None:
            try:
                cache.close()
            except CACHE_ERRORS:
                pass

    def _call(self, method: str, *args):
        cache = self._cache
        if cache is None:
            return None
        try:
            return getattr(cache, method)(*args)
        except CACHE_ERRORS as e:
            self._fail(e)
            return None

    def get(self, engine: str, module_hash: str, k: int) -> Optional[list]:
        return self._call("get", engine, module_hash, k)

    def put(self, engine: str, module_hash: str, k: int, candidates: list) -> None:
        self._call("put", engine, module_hash, k, candidates)

    def get_verdict(self, key: str) -> Optional[dict]:
        return self._call("get_verdict", key)

    def put_verdict(self, key: str, pipeline: str, size: int, baseline: int) -> None:
        self._call("put_verdict", key, pipeline, size, baseline)

    def close(self) -> None:
        self._call("close")
