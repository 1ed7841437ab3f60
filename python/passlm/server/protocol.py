"""Where the server and its clients meet: the socket, its private folder, its lines.

The socket lives in a private folder of the user's runtime directory
(``$XDG_RUNTIME_DIR/passlm/server-VERSION-INSTALL.sock``, else in
``/tmp/passlm-UID/``; one per install: ``default_socket``), mode
0700 for the folder and 0600 for the socket. A folder or socket that belongs
to another user, or that others may write to, is refused, not used.

On the socket, each request and each reply is one line: a message of
``passlm.messages`` (the wire format, shared with the plugin's bridge). A
request longer than the server's limit is answered with an error and the
connection is closed. Only the standard library is imported here: the client
runs inside every compiler process.
"""
from __future__ import annotations

import os
import stat

from ..messages import ProtocolError

DEFAULT_MAX_REQUEST = 64 << 20  # bytes in one request line: IR of a large module fits
SOCKET_NAME = "server-{version}-{install}.sock"  # paths.install_id(): one server per install
LOCK_NAME = "server.lock"
MAX_SOCKET_PATH = 107  # sun_path is 108 bytes with the final NUL
MAX_K = 64  # candidates a server proposes per request
#: What a server reads of every module, whatever its engine (a predict reply's
#: "needs"): the hash is its cache key, the IR what a cache miss predicts from.
SERVER_NEEDS = ("hash", "ir")


class UnsafePathError(OSError):
    """A socket or folder that belongs to someone else or is open to others."""


def runtime_dir() -> str:
    """The private folder of the server's socket, lock and log (not created)."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base and os.path.isdir(base):
        return os.path.join(base, "passlm")
    return os.path.join("/tmp", f"passlm-{os.getuid()}")


def socket_name() -> str:
    """This install's socket, one server per install (version and folder), so
    that a build never gets answers from another install's engine. The
    plugin's own client names it the same (cpp/plugin/ServerClient.cpp,
    PythonLocation.cpp's installId)."""
    from .. import __version__, paths

    return SOCKET_NAME.format(version=__version__, install=paths.install_id())


def default_socket() -> str:
    return os.path.join(runtime_dir(), socket_name())


def ensure_private_dir(path: str) -> None:
    """Create ``path`` mode 0700, or check that an existing one is ours and private."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    check_private(path, directory=True)


def log_path(socket_path: str) -> str:
    """A server's log: beside its socket, with the socket's name (one log per install's server)."""
    return os.path.splitext(socket_path)[0] + ".log"


def check_private(path: str, directory: bool = False) -> None:
    """Raise UnsafePathError unless ``path`` is owned by us and closed to others."""
    info = os.lstat(path)
    kind_ok = stat.S_ISDIR(info.st_mode) if directory else stat.S_ISSOCK(info.st_mode)
    if not kind_ok:
        raise UnsafePathError(f"{path}: not a {'folder' if directory else 'socket'}; refusing to use it")
    if info.st_uid != os.getuid():
        raise UnsafePathError(f"{path}: owned by user {info.st_uid}, not by you ({os.getuid()}); refusing to use it")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH | (stat.S_IRWXG | stat.S_IRWXO if directory else 0)):
        raise UnsafePathError(f"{path}: open to other users (mode {stat.S_IMODE(info.st_mode):o}); refusing to use it")


def check_socket_path(path: str) -> None:
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise ValueError(f"{path}: a socket path must be at most {MAX_SOCKET_PATH} bytes")


def read_line(sock, limit: int, buffer: bytearray) -> bytes | None:
    """The next line from ``sock`` (without its newline); None at end of stream.

    ``buffer`` keeps what was read past the line. A line longer than ``limit``
    raises ProtocolError without reading the rest of it.
    """
    while True:
        end = buffer.find(b"\n", 0, limit + 1)
        if end >= 0:
            line = bytes(buffer[:end])
            del buffer[:end + 1]
            return line
        if len(buffer) > limit:
            raise ProtocolError(f"request larger than the server's limit of {limit} bytes")
        chunk = sock.recv(1 << 20)
        if not chunk:
            if buffer:
                raise ProtocolError("connection closed in the middle of a message")
            return None
        buffer += chunk
