"""``passlm serve``: one warm engine for every compiler of a build.

Threads: the main one accepts connections (and notices SIGTERM, ``stop`` and
the idle timeout); one thread per connection reads requests, answers cache
hits itself and loads a missing engine; one inference thread answers the
misses in batches (``inference.Batcher``). Requests and replies are
``passlm.messages``; predictions are cached under the module hash the request
carries (the plugin's), never a hash of their own.

Only one server runs per socket: it holds an exclusive lock on
``SOCKET.lock`` for its whole life. A socket file found at start while the
lock is free is stale (a server that was killed) and is replaced; one whose
lock is held belongs to a live server, and the new one exits. The lock and
the log are never opened through a link (``files``).

What a client can make it do is bounded: request bytes per request and
across connections (``limits``); engines that run code only if the server
was started with them (``engines.CODE_KINDS``); the cache off, not the
server, when SQLite fails (``cache.ServerCache``). It ends only when asked
(``stop``, SIGTERM, SIGINT, SIGHUP) or idle: a failed accept is retried.
"""
from __future__ import annotations

import fcntl
import logging
import os
import signal
import socket
import struct
import threading
import time
from dataclasses import dataclass
from typing import Optional

from .. import messages
from ..defaults import DEFAULT_ENGINE
from ..engine.identity import resolve_engine_spec
from . import files, limits, protocol
from .cache import ServerCache
from .engines import CODE_KINDS, EngineSlot, verdict_key
from .inference import Batcher

log = logging.getLogger("passlm.server")


#: After a failed accept (out of file descriptors...), wait this long, doubled per failure up to the maximum.
ACCEPT_BACKOFF_S = 0.01
ACCEPT_BACKOFF_MAX_S = 1.0


class AlreadyRunning(RuntimeError):
    """Another live server holds the socket."""


@dataclass
class ServerConfig:
    socket: str
    log: str
    cache: Optional[str]          # None: no cache
    max_batch: int = 0            # predictions per model call; 0 = auto (inference.AUTO_BATCH_GPU on CUDA, 1 on CPU)
    max_wait: float = 0.005       # seconds to gather a batch after its first request
    idle_timeout: float = 0.0     # seconds without requests before exiting; 0 = never
    max_request: int = protocol.DEFAULT_MAX_REQUEST
    max_held: int = limits.DEFAULT_MAX_HELD  # request bytes held across all connections
    preload: tuple = ()           # engine specs to load at start
    trusted: tuple = ()           # specs named at start: the only ones of engines.CODE_KINDS a request may name
    threads: int = 1              # torch intra-op threads for inference (engines.EngineSlot); 0: torch's default


class Server:
    def __init__(self, config: ServerConfig):
        self.config = config
        self.cache = ServerCache(config.cache, log) if config.cache else None
        self.slots: dict[str, EngineSlot] = {}
        self._slots_lock = threading.Lock()
        self.batcher = Batcher(config.max_batch, config.max_wait, self._count)
        self.budget = limits.RequestBudget(config.max_held)
        self._trusted = {resolve_engine_spec(spec) for spec in config.trusted}  # a file named as any path to it
        self._stop = threading.Event()
        self._busy = 0
        self._busy_lock = threading.Lock()
        self._last_activity = time.monotonic()
        self.started = time.time()
        self.counters = {"requests": 0, "predictions": 0, "inferences": 0, "batches": 0, "cache_hits": 0,
                         "verdict_hits": 0, "verdicts_recorded": 0, "errors": 0}
        self._lock_file = None
        self._listener = None
        self._inode = None

    # ------------------------------------------------------------ lifecycle

    def bind(self) -> None:
        """Take the lock, replace a stale socket, listen (mode 0600)."""
        path = self.config.socket
        protocol.check_socket_path(path)
        prepare_folder(path)
        self._lock_file = os.fdopen(files.open_private(path + ".lock", os.O_WRONLY), "w")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            raise AlreadyRunning(f"a passlm server already serves {path}") from None
        if os.path.lexists(path):
            protocol.check_private(path)  # someone else's socket is refused, never removed
            os.unlink(path)  # ours, and no live server holds the lock: stale
            log.info("replaced a stale socket %s", path)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o177)  # created 0600 (no chmod after: it would follow a link put in its place)
        try:
            listener.bind(path)
        finally:
            os.umask(old_umask)
        listener.listen(128)
        listener.settimeout(0.25)
        self._listener, self._inode = listener, os.lstat(path).st_ino

    def serve_forever(self) -> None:
        for spec in self.config.preload:
            threading.Thread(target=self._preload, args=(spec,), daemon=True).start()
        self.batcher.start()
        log.info("serving on %s (pid %d; cache %s; batch <= %s within %.0f ms; idle timeout %s)",
                 self.config.socket, os.getpid(), self.config.cache if self.cache and self.cache.on else "off", self.config.max_batch or "auto",
                 self.config.max_wait * 1e3, f"{self.config.idle_timeout:g} s" if self.config.idle_timeout else "none")
        failures = 0  # accepts failed in a row
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                if self._idle_too_long():
                    log.info("idle for %g s: exiting", self.config.idle_timeout)
                    break
                if self._socket_gone():
                    log.info("%s was removed or replaced: no client can reach this server; exiting",
                             self.config.socket)
                    break
                continue
            except OSError as e:  # EMFILE, ENFILE, ENOBUFS...: the held connections end, and accept works again
                if self._stop.is_set() or self._listener is None:
                    break
                failures += 1
                if failures == 1:
                    log.warning("cannot accept a connection (%s); retrying with backoff up to %g s",
                                e.strerror or e, ACCEPT_BACKOFF_MAX_S)
                self._stop.wait(min(ACCEPT_BACKOFF_MAX_S, ACCEPT_BACKOFF_S * 2 ** (failures - 1)))
                if self._idle_too_long():
                    log.info("idle for %g s: exiting", self.config.idle_timeout)
                    break
                continue
            if failures:
                log.info("accepting connections again after %d failed attempts", failures)
                failures = 0
            try:
                threading.Thread(target=self._serve_connection, args=(conn,), daemon=True).start()
            except RuntimeError as e:  # no thread to be had now: this client falls back, the next may not
                log.warning("cannot serve a connection (%s)", e)
                conn.close()
        self.close()

    def stop(self, *_signal_args) -> None:
        self._stop.set()

    def close(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
            try:  # only our own socket: a successor may have bound the path already
                if os.lstat(self.config.socket).st_ino == self._inode:
                    os.unlink(self.config.socket)
            except FileNotFoundError:
                pass
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None
        if self.cache is not None:
            self.cache.close()
            self.cache = None
        log.info("stopped after %s", ", ".join(f"{k} {v}" for k, v in self.counters.items()))

    def _socket_gone(self) -> bool:
        """Whether our socket's path no longer names our socket (deleted with its folder, or
        another server's now): unreachable, a server would otherwise live on for nothing."""
        try:
            return os.lstat(self.config.socket).st_ino != self._inode
        except OSError:
            return True

    def _idle_too_long(self) -> bool:
        with self._busy_lock:
            busy = self._busy
        return bool(self.config.idle_timeout) and not busy and \
            time.monotonic() - self._last_activity > self.config.idle_timeout

    # ---------------------------------------------------------- connections

    def _serve_connection(self, conn: socket.socket) -> None:
        with conn:
            try:
                uid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[1]
            except OSError:
                uid = None
            if uid != os.getuid():
                _send(conn, messages.error("this server answers only its own user"))
                return
            metered = limits.MeteredConnection(conn, self.budget)
            try:
                self._serve_requests(conn, metered)
            finally:
                metered.release(metered.held)

    def _serve_requests(self, conn: socket.socket, metered: limits.MeteredConnection) -> None:
        buffer = bytearray()
        while not self._stop.is_set():
            try:
                line = protocol.read_line(metered, self.config.max_request, buffer)
            except (messages.ProtocolError, limits.ServerBusy) as e:  # oversized, cut short, or too much held
                self._count("errors")
                log.warning("%s: %s", "bad request" if isinstance(e, messages.ProtocolError) else "refused", e)
                _send(conn, messages.error(str(e)))  # answer, then hang up
                return
            except OSError:
                return
            if line is None:
                return
            with self._busy_lock:
                self._busy += 1
                self._last_activity = time.monotonic()
            try:
                reply = self._answer(line)
            finally:
                metered.release(len(line) + 1)  # answered: its bytes are no longer held
                with self._busy_lock:
                    self._busy -= 1
                    self._last_activity = time.monotonic()
            if not _send(conn, reply):
                return
            if reply["reply"] == "stop":
                self.stop()

    def _answer(self, line: bytes) -> dict:
        self._count("requests")
        try:
            request = messages.loads(line)
            if "op" not in request:
                raise messages.ProtocolError(f"a server answers requests, not a {messages.kind(request)}")
            op = request["op"]
            if op == "describe":
                reply = messages.describe_reply(protocol.SERVER_NEEDS)
            elif op == "predict":
                reply = self._predict(request)
            elif op == "verdict":
                reply = self._record_verdict(request)
            elif op == "status":
                reply = self.status()
            else:
                log.info("stop requested")
                reply = messages.stop_reply()
            return messages.validate(reply)
        except Exception as e:  # every problem is an answer, never a dead server
            self._count("errors")
            reply = messages.failure(e)
            log.warning("error: %s", reply["error"])
            return reply

    # ----------------------------------------------------------- operations

    def _slot(self, spec: str) -> EngineSlot:
        """The slot of a spec, made at once (it hashes and loads nothing: the global lock stays short)."""
        if spec.partition(":")[0] in CODE_KINDS and not self._trusts(spec):
            raise PermissionError(f"engine '{spec}' runs code: this server runs it only if started with it "
                                  "(passlm serve --engine SPEC, or --allow-engine SPEC)")
        with self._slots_lock:
            if spec not in self.slots:
                self.slots[spec] = EngineSlot(spec, self.config.threads)
            return self.slots[spec]

    def _trusts(self, spec: str) -> bool:
        """Whether the server was started with this spec (its file named by any path)."""
        return spec in self._trusted or resolve_engine_spec(spec) in self._trusted

    def _predict(self, request: dict) -> dict:
        spec, k, ir, module = request["engine"] or DEFAULT_ENGINE, request["k"], request["ir"], request["module"]
        if k > protocol.MAX_K:
            raise messages.ProtocolError(f"predict: a server proposes at most {protocol.MAX_K} candidates ('k')")
        if not module["hash"]:
            raise messages.ProtocolError("predict: a server needs 'module.hash' (its cache key: passlm.Module.hash)")
        if not ir:
            raise messages.ProtocolError("predict: a server needs 'ir' (what a cache miss predicts from)")
        start = time.perf_counter()
        self._count("predictions")
        slot = self._slot(spec)
        key = module["hash"]  # the plugin's hash of this very IR: the server hashes nothing again
        identity = slot.identity()  # a slow spec waits here, on its own lock, not the server's
        candidates = self.cache.get(identity, key, k) if self.cache else None
        cached = candidates is not None
        batch_size = 0
        if cached:
            self._count("cache_hits")
        else:
            slot.engine()  # loaded here, in this connection's thread: the inference thread never waits on a load
            candidates, batch_size = self.batcher.predict(slot, k, ir)
            if self.cache:
                self.cache.put(identity, key, k, candidates)
        vkey = verdict_key(module["hash"], [c["pipeline"] for c in candidates], request["choice"])
        verdict = self.cache.get_verdict(vkey) if self.cache and vkey else None
        if verdict:
            self._count("verdict_hits")
        log.info("predict %s k=%d %s%s%s %.0f ms", module["name"] or "?", k,
                 "cached" if cached else f"batch={batch_size}", " verdict" if verdict else "",
                 "" if spec == DEFAULT_ENGINE else f" engine={spec}", (time.perf_counter() - start) * 1e3)
        return messages.predict_reply(candidates, protocol.SERVER_NEEDS, cached, verdict)

    def _record_verdict(self, request: dict) -> dict:
        key = verdict_key(request["hash"], request["candidates"], request["choice"])
        if self.cache and key:
            self.cache.put_verdict(key, request["pipeline"], request["size"], request["baseline"])
            self._count("verdicts_recorded")
        return messages.verdict_reply()

    def status(self) -> dict:
        with self._slots_lock:
            engines = {spec: {"loaded": s.loaded, "load_seconds": s.load_seconds} for spec, s in self.slots.items()}
        with self._busy_lock:
            counters = dict(self.counters)
        return messages.status_reply(
            pid=os.getpid(), socket=self.config.socket, log=self.config.log,
            cache=self.config.cache if self.cache and self.cache.on else None,
            uptime_s=round(time.time() - self.started, 1),
            max_batch=self.batcher.batch_limit(),
            idle_timeout_s=self.config.idle_timeout, engines=engines, counters=counters)

    def _count(self, name: str, amount: int = 1) -> None:
        with self._busy_lock:
            self.counters[name] += amount

    # -------------------------------------------------------------- engines

    def _preload(self, spec: str) -> None:
        try:
            self._slot(spec).engine()
            log.info("loaded %s in %.1f s", spec, self._slot(spec).load_seconds)
        except Exception as e:
            log.warning("could not load %s: %s: %s", spec, type(e).__name__, e)


def _send(conn: socket.socket, reply: dict) -> bool:
    try:
        conn.sendall(messages.encode(reply))
        return True
    except OSError:
        return False


def prepare_folder(socket_path: str) -> None:
    """The folder of a socket: the private runtime folder is created 0700 and
    checked; a folder the user named must exist and be closed to others, or
    sticky (``files.check_folder``)."""
    folder = os.path.dirname(os.path.abspath(socket_path))
    if folder == os.path.abspath(protocol.runtime_dir()):
        protocol.ensure_private_dir(folder)
    elif not os.path.isdir(folder):
        raise FileNotFoundError(2, "no such folder for the socket", folder)
    files.check_folder(folder)


def open_log(path: str):
    """The log file, appended to; never through a link (``files.open_private``)."""
    return os.fdopen(files.open_private(path, os.O_WRONLY | os.O_APPEND), "a", buffering=1)


def run(config: ServerConfig, on_ready=None) -> int:
    """Bind, log to the configured file, serve until stopped; SIGTERM and SIGINT stop it cleanly."""
    handler = logging.StreamHandler(open_log(config.log))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    server = Server(config)
    server.bind()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, server.stop)
    if on_ready:
        on_ready()
    try:
        server.serve_forever()
    finally:
        server.close()
    return 0
