"""A child process that may die: ``python -m MODULE`` talking over two pipes.

Some pipelines abort LLVM (report_fatal_error) or crash it, and nothing
in-process survives that, so the tuner's workers and the gym's step worker
run LLVM in a child like this one. It is a plain interpreter started with
``subprocess`` (not multiprocessing: no fork of a parent that has threads,
no re-import of the caller's ``__main__``). The child reads requests from
the pipe whose descriptor is its first argument and writes replies to the
second (``child_connections``). What it prints on stderr goes to a file: when
LLVM aborts, that is the reason. ``sentinel`` becomes readable once the child
is gone.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from multiprocessing.connection import Connection
from typing import Sequence


class IsolatedProcess:
    def __init__(self, module: str, args: Sequence[str] = ()):
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, str(request_read), str(reply_write), *args],
            pass_fds=(request_read, reply_write), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self.stderr)
        os.close(request_read)
        os.close(reply_write)
        self.requests = Connection(request_write, readable=False)
        self.replies = Connection(reply_read, writable=False)
        self.sentinel = os.pidfd_open(self.process.pid)

    def printed(self) -> list[str]:
        """The non-empty lines the child wrote on stderr, stripped."""
        self.stderr.seek(0)
        return [line.strip() for line in self.stderr.read().decode(errors="replace").splitlines() if line.strip()]

    def close(self) -> None:
        """Kills the child if it runs and releases the pipes; safe to call twice."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if not self.requests.closed:
            for resource in (self.requests, self.replies, self.stderr):
                resource.close()
            os.close(self.sentinel)


def child_connections(argv: Sequence[str]) -> tuple[Connection, Connection]:
    """In the child: (requests, replies) from the descriptors its parent passed.

    The child also asks the kernel to kill it when its parent dies: a child
    busy in a pipeline that never ends (attributor on some modules) reads no
    end of file, and once its tuner was killed it would run on, orphaned,
    for ever. (The signal comes when the parent's creating *thread* ends:
    every IsolatedProcess is made by a thread that lives as long as its user.)
    """
    _die_with_parent()
    return Connection(int(argv[1]), writable=False), Connection(int(argv[2]), readable=False)


def _die_with_parent() -> None:
    import ctypes
    import signal

    parent = os.getppid()
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
