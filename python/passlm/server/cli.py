"""``passlm serve`` and ``passlm cache``: thin commands over the server package.

    passlm serve [--engine SPEC] [--max-batch N] [--idle-timeout S]   run in the foreground
    passlm serve --background ...     start detached; return once it listens
    passlm serve --status | --stop    ask the running server
    passlm cache stats | clear        the prediction cache

``python -m passlm.server ARGS`` is ``passlm serve ARGS`` (how the plugin's
client starts one).
"""
from __future__ import annotations

import argparse
import os
import select
import sys
import time

from .. import command
from . import limits, protocol
from .cache import default_cache_path
from ..defaults import DEFAULT_ENGINE


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--socket", metavar="PATH", help=f"socket to listen on (default: {protocol.default_socket()})")
    parser.add_argument("--engine", metavar="SPEC", action="append", default=[],
                        help=f"engine to load at start (repeatable; default {DEFAULT_ENGINE}); "
                             "requests may name any engine, loaded on first use")
    parser.add_argument("--allow-engine", metavar="SPEC", action="append", default=[],
                        help="an engine that runs code (python:FILE:FUNC) that requests may name, loaded on first "
                             "use (repeatable); --engine allows its spec too. Requests may name no other such engine")
    parser.add_argument("--lazy", action="store_true",
                        help="load no engine before a request needs it (a rebuild the cache answers loads none)")
    parser.add_argument("--max-batch", type=int, default=0, metavar="N",
                        help="predictions answered by one batched model call (default 0: auto, 8 on CUDA and 1 on "
                             "a CPU, where batching was measured slower)")
    parser.add_argument("--max-wait-ms", type=float, default=5.0, metavar="MS",
                        help="how long the first request of a batch waits for others (default 5)")
    parser.add_argument("--threads", type=int, default=1, metavar="N",
                        help="torch intra-op threads for inference (default 1: in a parallel build the compilers "
                             "keep the cores busy and more threads only contend with them; 0: torch's default)")
    parser.add_argument("--idle-timeout", type=float, default=0.0, metavar="S",
                        help="exit after S seconds without requests (default 0: never)")
    parser.add_argument("--cache", metavar="PATH|off",
                        help=f"prediction cache (default: $PASSLM_CACHE, else {default_cache_path()})")
    parser.add_argument("--log", metavar="FILE", help="log file (default: beside the socket, its name with .log)")
    parser.add_argument("--max-request-mb", type=float, default=protocol.DEFAULT_MAX_REQUEST / (1 << 20),
                        metavar="MB", help="largest request accepted (default 64)")
    parser.add_argument("--max-held-mb", type=float, default=limits.DEFAULT_MAX_HELD / (1 << 20), metavar="MB",
                        help="request bytes held across all connections at once; past it, new requests get an "
                             "error reply (default 256)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--background", action="store_true", help="start detached and return once it listens")
    mode.add_argument("--status", action="store_true", help="print the running server's state; exit 1 if none")
    mode.add_argument("--stop", action="store_true", help="stop the running server and wait until it is gone")
    command.add_json_flag(parser, "with --status: the state")


def register(sub) -> None:
    serve = sub.add_parser(
        "serve", help="a local server that keeps the engine warm for a whole build",
        description=("Serve predictions on a Unix socket (private to you) to every compiler of a build: one "
                     "warm engine, concurrent requests batched, answers cached in SQLite. The plugin uses it "
                     "by itself (PASSLM_SERVER=auto) and starts one when none runs."))
    add_serve_arguments(serve)
    serve.set_defaults(func=cmd_serve)

    cache = sub.add_parser("cache", help="the server's prediction cache: stats or clear")
    cache.add_argument("action", choices=("stats", "clear"))
    cache.add_argument("--cache", metavar="PATH", help=f"cache file (default: {default_cache_path()})")
    command.add_json_flag(cache, "the stats")
    cache.set_defaults(func=cmd_cache)


def _config(args):
    from .daemon import ServerConfig

    path = os.path.abspath(args.socket or protocol.default_socket())
    protocol.check_socket_path(path)
    cache = args.cache or str(default_cache_path())
    if args.max_batch < 0:
        raise command.UsageError("--max-batch must be 0 (auto) or more")
    if args.threads < 0:
        raise command.UsageError("--threads must be 0 (torch's default) or more")
    return ServerConfig(
        socket=path, log=args.log or protocol.log_path(path),
        cache=None if cache == "off" else os.path.abspath(cache), max_batch=args.max_batch,
        max_wait=args.max_wait_ms / 1e3, idle_timeout=args.idle_timeout,
        max_request=int(args.max_request_mb * (1 << 20)), max_held=int(args.max_held_mb * (1 << 20)),
        preload=() if args.lazy else tuple(args.engine or [DEFAULT_ENGINE]),
        trusted=tuple(args.engine + args.allow_engine), threads=args.threads)


def cmd_serve(args) -> int:
    from . import client

    path = os.path.abspath(args.socket or protocol.default_socket())
    if args.json and not args.status:
        raise command.UsageError("--json goes with --status")
    if args.status:
        return _status(path, args.json)
    if args.stop:
        return _stop(path)
    config = _config(args)
    from .daemon import AlreadyRunning, prepare_folder, run

    prepare_folder(config.socket)
    if args.background:
        return _background(config)
    print(f"passlm: serving on {config.socket} (log {config.log}; Ctrl-C or passlm serve --stop ends it)",
          file=sys.stderr, flush=True)
    try:
        return run(config)
    except AlreadyRunning as e:
        raise client.ServerUnavailable(str(e)) from None


def _background(config) -> int:
    """Fork a detached server; the parent returns once it listens (or another one does)."""
    from . import client
    from .daemon import AlreadyRunning, open_log, run

    log = open_log(config.log)  # refused here, before the fork, if it is a link or not ours
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the server: own session, no terminal, stderr to the log
        os.close(read_end)
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd, target in ((0, null), (1, null), (2, log.fileno())):
            os.dup2(target, fd)

        def ready():
            os.write(write_end, b"ok\n")
            os.close(write_end)

        status = 0
        try:
            run(config, on_ready=ready)
        except AlreadyRunning:
            os.write(write_end, b"running\n")
        except BaseException as e:  # the parent reports it
            os.write(write_end, f"error {type(e).__name__}: {e}\n".encode())
            status = 1
        os._exit(status)
    os.close(write_end)
    log.close()
    ready, _, _ = select.select([read_end], [], [], client.START_TIMEOUT_S)
    word = os.read(read_end, 4096).decode(errors="replace").strip() if ready else "timeout"
    os.close(read_end)
    os.waitpid(pid, os.WNOHANG)
    if word == "ok":
        print(f"passlm: server started on {config.socket} (pid {pid}, log {config.log})")
        return 0
    if word == "running":
        deadline = time.monotonic() + client.START_TIMEOUT_S
        while time.monotonic() < deadline:  # the winner may still be binding its socket
            try:
                client.call(config.socket, {"op": "status"}, 1.0)
                print(f"passlm: a server already runs on {config.socket}")
                return 0
            except (OSError, client.ServerUnavailable):
                time.sleep(0.02)
        raise client.ServerUnavailable(f"a server holds {config.socket}.lock but does not answer")
    raise client.ServerUnavailable(f"the server did not start: {word.removeprefix('error ')}")


def _status(path: str, as_json: bool) -> int:
    from . import client

    try:
        state = client.call(path, {"op": "status"}, 5.0)
    except (OSError, client.ServerUnavailable) as e:
        command.error(f"no server answers on {path} ({getattr(e, 'strerror', None) or e})")
        return 1
    state.pop("version", None)
    if as_json:
        command.print_json(state)
        return 0
    counters = state["counters"]
    print(f"server:   pid {state['pid']} on {state['socket']}, up {state['uptime_s']:.0f} s")
    print(f"log:      {state['log']}")
    print(f"cache:    {state['cache'] or 'off'}")
    for spec, engine in state["engines"].items():
        loaded = f"loaded in {engine['load_seconds']:.1f} s" if engine["loaded"] else "not loaded"
        print(f"engine:   {spec} ({loaded})")
    batches = counters["batches"]
    mean = counters["inferences"] / batches if batches else 0.0
    print(f"requests: {counters['requests']} ({counters['predictions']} predictions: {counters['cache_hits']} "
          f"from the cache, {counters['inferences']} inferred in {batches} batches, mean batch {mean:.1f}; "
          f"{counters['verdict_hits']} verdicts reused, {counters['verdicts_recorded']} recorded; "
          f"{counters['errors']} errors)")
    return 0


def _stop(path: str) -> int:
    from . import client

    try:
        pid = client.call(path, {"op": "status"}, 5.0)["pid"]
        client.call(path, {"op": "stop"}, 5.0)
    except (OSError, client.ServerUnavailable):
        print(f"passlm: no server was running on {path}")
        return 0
    deadline = time.monotonic() + 10.0  # its socket removed, and its process gone (it ends just after)
    while (os.path.lexists(path) or _running(pid)) and time.monotonic() < deadline:
        time.sleep(0.02)
    if os.path.lexists(path) or _running(pid):
        raise client.ServerUnavailable(f"the server on {path} did not stop within 10 s")
    print(f"passlm: stopped the server on {path}")
    return 0


def _running(pid: int) -> bool:
    """Whether a process runs (a zombie, waiting for its parent to reap it, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def cmd_cache(args) -> int:
    from .cache import CACHE_ERRORS, PredictionCache, move_aside

    path = args.cache or default_cache_path()
    empty = {"path": str(path), "bytes": 0, "predictions": 0, "prediction_hits": 0, "engines": 0,
             "verdicts": 0, "verdict_hits": 0}
    stats, unreadable = empty, None
    if os.path.exists(path):
        try:
            with PredictionCache(path) as cache:
                cache.check()
                stats = cache.clear() if args.action == "clear" else cache.stats()
        except CACHE_ERRORS as e:  # corrupted, or not a cache: what clear recovers
            unreadable = str(e).removeprefix(f"{path}: ")
            if args.action != "clear":
                raise command.UserError(f"{path}: unreadable ({unreadable}); passlm cache clear moves it aside "
                                        "and starts an empty cache") from None
            stats = {**empty, "moved_aside": str(move_aside(path))}
            PredictionCache(path).close()
    if args.json:
        command.print_json(stats)
    elif unreadable:
        print(f"cleared {path}: it was unreadable ({unreadable}); moved it aside to {stats['moved_aside']} "
              "and created an empty cache")
    elif args.action == "clear":
        print(f"cleared {path}: {stats['predictions']} predictions, {stats['verdicts']} verdicts")
    else:
        print(f"cache:       {stats['path']} ({stats['bytes'] / 1e6:.1f} MB)")
        print(f"predictions: {stats['predictions']} ({stats['engines']} engines), reused {stats['prediction_hits']} times")
        print(f"verdicts:    {stats['verdicts']}, reused {stats['verdict_hits']} times")
    return 0
