"""The server's own files (its lock and its log), safe in any folder.

A socket may live in a folder others share (``passlm serve --socket
/shared/x.sock``): a world-writable, sticky folder where another user can put
a symbolic link, a hard link, a FIFO or a file of their own under the name of
the server's log or lock, to make a server (maybe root's) write elsewhere. So:

- a folder that others may write to (group or other write, or another owner
  than us or root) is refused unless it is sticky: there, others cannot
  remove or rename what we create;
- the lock and the log are opened without following a symbolic link
  (``O_NOFOLLOW``: a link is refused, never followed, even a dangling one) and,
  once open, must be a regular file of ours, closed to others' writes, with no
  other hard link; else they are refused, not used.

The socket is never followed either: the server removes an existing path only
when ``lstat`` shows its own socket (``protocol.check_private``).
"""
from __future__ import annotations

import errno
import os
import stat

from .protocol import UnsafePathError


def check_folder(folder: str, sticky_ok: bool = True) -> None:
    """Raise UnsafePathError if others may write to ``folder`` (and, if ``sticky_ok``, it is not sticky).

    The cache's folder is checked with ``sticky_ok=False``: SQLite creates
    its ``-wal`` and ``-shm`` files beside the cache following links, so it
    must be a folder no one else writes to.
    """
    info = os.stat(folder)
    if not stat.S_ISDIR(info.st_mode):
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", folder)
    others_write = info.st_uid not in (os.getuid(), 0) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    if others_write and not (sticky_ok and info.st_mode & stat.S_ISVTX):
        raise UnsafePathError(f"{folder}: others may write to this folder{' and it is not sticky' if sticky_ok else ''}"
                              f" (owner {info.st_uid}, mode {stat.S_IMODE(info.st_mode):o}); refusing to put the "
                              "server's files in it")


def open_private(path: str, flags: int) -> int:
    """A descriptor of the file ``path`` (created mode 0600 if missing), checked to be ours alone.

    ``flags`` are os.open's access flags (O_WRONLY, O_APPEND...). Raises
    UnsafePathError for a symbolic link, anything but a regular file, a file
    of another user, one others may write, or one with another hard link.
    """
    check_folder(os.path.dirname(os.path.abspath(path)))
    try:  # O_NONBLOCK: a FIFO put there must not block the open
        fd = os.open(path, flags | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
    except OSError as e:  # a link owned by another user may also give EACCES (fs.protected_symlinks)
        if e.errno == errno.ELOOP or os.path.islink(path):
            raise UnsafePathError(f"{path}: a symbolic link; refusing to follow it") from None
        if e.errno == errno.ENXIO:
            raise UnsafePathError(f"{path}: not a regular file; refusing to use it") from None
        raise
    try:
        info = os.fstat(fd)
        problem = None
        if not stat.S_ISREG(info.st_mode):
            problem = "not a regular file"
        elif info.st_uid != os.getuid():
            problem = f"owned by user {info.st_uid}, not by you ({os.getuid()})"
        elif info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            problem = f"open to other users (mode {stat.S_IMODE(info.st_mode):o})"
        elif info.st_nlink != 1:
            problem = f"has {info.st_nlink - 1} other hard link(s)"
        if problem:
            raise UnsafePathError(f"{path}: {problem}; refusing to use it")
        os.set_blocking(fd, True)
        return fd
    except BaseException:
        os.close(fd)
        raise
