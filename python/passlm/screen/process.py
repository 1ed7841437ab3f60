"""The child processes screening runs (compilers, opt, the programs), counted
by kind, each with a timeout, and how their failures read."""
from __future__ import annotations

import collections
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence

from ..paths import llvm_tool
from .results import ScreenError

#: Subprocesses run so far, by kind ("ir", "opt", "link", "run", "csmith", "reference"): tests
#: check that a cached result runs nothing.
COUNTERS: collections.Counter = collections.Counter()
_COUNTERS_LOCK = threading.Lock()


def count(kind: str) -> None:
    with _COUNTERS_LOCK:
        COUNTERS[kind] += 1


@dataclass
class Run:
    returncode: Optional[int]  # None: timed out
    stdout: bytes
    stderr: str
    seconds: float

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def run(cmd: Sequence[str], timeout: float, kind: str, cwd: Optional[Path] = None,
        env: Optional[Mapping[str, str]] = None) -> Run:
    """Runs one command (counted as ``kind``); a timeout is a Run whose returncode is None."""
    count(kind)
    start = time.perf_counter()
    try:
        done = subprocess.run([str(c) for c in cmd], stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, cwd=cwd, env=env)
    except subprocess.TimeoutExpired as e:
        return Run(None, e.stdout or b"", (e.stderr or b"").decode("utf-8", "replace"),
                   time.perf_counter() - start)
    return Run(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"),
               time.perf_counter() - start)


def signal_name(returncode: int) -> str:
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def first_lines(text: str, n: int = 3) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return " / ".join(lines[:n])


def difference(expected: bytes, got: bytes) -> str:
    """Where two outputs part, in a few words."""
    want = expected.decode("utf-8", "replace").splitlines(keepends=True)
    have = got.decode("utf-8", "replace").splitlines(keepends=True)
    for i, (a, b) in enumerate(zip(want, have)):
        if a != b:
            if a.rstrip("\n") != b.rstrip("\n"):
                a, b = a.rstrip("\n"), b.rstrip("\n")
            return f"line {i + 1}: expected {a[:60]!r}, got {b[:60]!r}"
    if len(have) < len(want):
        return f"output stops after line {len(have)} of {len(want)}"
    return f"extra output from line {len(want) + 1}: {have[len(want)].rstrip(chr(10))[:60]!r}"


def tool(name: str) -> str:
    """gcc, or an LLVM 19 tool (clang, opt)."""
    if name == "gcc":
        found = shutil.which("gcc")
        if not found:
            raise ScreenError("gcc not found (apt-get install gcc)")
        return found
    return llvm_tool(name)
