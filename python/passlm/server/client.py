"""The client in every compiler process: ask the server, start one when none answers.

``PASSLM_SERVER`` picks the route for the engines worth a server (``model:``,
``llm-compiler:``, ``openai:``: a model to load, or a remote call to cache;
``coreset:``, the default: its guard verdicts are worth caching, so a rebuild
runs each module's winner without measuring the candidates again); the other
engines answer faster in-process than a socket round trip:

``auto`` (default)
    the server of the user's runtime folder; when none answers, start one in
    the background (detached; it exits after ``PASSLM_SERVER_IDLE_S``
    seconds without requests, default 600) and wait for its answer: the same
    answer the in-process engine would give, while the other compilers of the
    build share the one model load.
``off``
    never a server: the engine runs inside the compiler.
a socket path
    that server only; none is started.

No answer within ``PASSLM_SERVER_TIMEOUT_MS`` (default 30000), a reset
connection, a malformed reply or an error reply raise ``ServerUnavailable``;
the bridge then predicts in-process. Messages are ``passlm.messages``'. Only
the standard library is imported here: a cache hit costs a socket round trip.
"""
from __future__ import annotations

import os
import socket
import sys
import time
from typing import Optional

from .. import messages
from ..defaults import missing_extra
from . import protocol

SERVED_KINDS = ("model", "llm-compiler", "openai", "coreset")
DEFAULT_TIMEOUT_MS = 30000
DEFAULT_IDLE_S = 600
START_TIMEOUT_S = 20.0  # a server binds its socket within a second; this is for a loaded machine
REPLY_LIMIT = 16 << 20


class ServerUnavailable(OSError):
    """The server did not give an answer; the message says why, in one line."""


def route(spec: str) -> Optional[tuple[str, bool]]:
    """(socket path, start one if none answers) for an engine spec, or None: in-process."""
    setting = os.environ.get("PASSLM_SERVER", "auto").strip() or "auto"
    kind = spec.partition(":")[0]
    if setting == "off" or kind not in SERVED_KINDS:
        return None
    if setting == "auto" and missing_extra(kind):
        return None  # a server could not load it either: one in-process error names the extra
    if setting == "auto":
        return protocol.default_socket(), True
    return os.path.abspath(setting), False


def resolve_spec(spec: str) -> str:
    """A spec that names a file or folder, made absolute: the server runs elsewhere.
    ``default`` and a bare name that is no path here (a model shipped in the
    package, ``model:ranker``) go as they are: the server resolves them as the
    engine in-process would."""
    kind, _, argument = spec.partition(":")
    if kind not in ("model", "llm-compiler", "coreset") or argument in ("", "default"):
        return spec
    if "/" in argument or argument in (".", "..") or os.path.exists(argument):
        return f"{kind}:{os.path.abspath(argument)}"
    return spec


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def timeout_s() -> float:
    return _env_number("PASSLM_SERVER_TIMEOUT_MS", DEFAULT_TIMEOUT_MS) / 1000.0


def call(path: str, message: dict, timeout: float) -> dict:
    """One request (a ``passlm.messages`` constructor's; one without a version
    is given this passlm's) and its reply, which answers its op. Raises OSError
    (no server, refused, timed out, reset), protocol.UnsafePathError (not our
    socket), messages.ProtocolError (a malformed request) or ServerUnavailable."""
    line = messages.encode({"version": messages.VERSION, **message})
    protocol.check_private(path)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(max(0.001, timeout))
        s.connect(path)
        s.sendall(line)
        try:
            answer = protocol.read_line(s, REPLY_LIMIT, bytearray())
            if answer is None:
                raise ServerUnavailable(f"server {path} closed the connection without answering")
            reply = messages.loads(answer)
        except messages.ProtocolError as e:
            raise ServerUnavailable(f"server {path}: bad reply ({e})") from None
    if reply.get("reply") == "error":
        raise ServerUnavailable(f"server {path}: {reply['error']}")
    if reply.get("reply") != message.get("op"):
        raise ServerUnavailable(f"server {path}: bad reply (a {messages.kind(reply)} to a {message.get('op')} request)")
    return reply


def start_server(path: str, spec: str, timeout: float) -> None:
    """Start a detached server on ``path`` and return once it listens (or
    another one does: parallel compilers race to start one, one wins)."""
    import subprocess

    idle = _env_number("PASSLM_SERVER_IDLE_S", DEFAULT_IDLE_S)
    # Lazy: the first request that misses the cache loads the engine, one that hits loads nothing.
    command = [sys.executable, "-m", "passlm.server", "--background", "--lazy", "--socket", path,
               "--engine", spec, "--idle-timeout", f"{idle:g}"]
    try:
        result = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, timeout=timeout, close_fds=True)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ServerUnavailable(f"could not start a server on {path}: {e}") from None
    if result.returncode != 0:
        why = result.stderr.decode(errors="replace").strip().splitlines()
        raise ServerUnavailable(f"could not start a server on {path}: {why[-1] if why else result.returncode}")


def ask(message: dict, spec: str) -> dict:
    """The server's reply to ``message`` for engine ``spec`` (which ``route`` sends to a server)."""
    path, auto = route(spec)
    deadline = time.monotonic() + timeout_s()
    try:
        try:
            return call(path, message, deadline - time.monotonic())
        except (FileNotFoundError, ConnectionRefusedError):
            if not auto:
                raise
            # No socket, or a stale one: start a server (it replaces a stale socket).
            start_server(path, spec, min(START_TIMEOUT_S, max(0.1, deadline - time.monotonic())))
            return call(path, message, deadline - time.monotonic())
    except ServerUnavailable:
        raise
    except socket.timeout:
        raise ServerUnavailable(f"server {path} did not answer within {timeout_s() * 1e3:.0f} ms") from None
    except OSError as e:
        raise ServerUnavailable(f"server {path}: {e.strerror or e}") from None
