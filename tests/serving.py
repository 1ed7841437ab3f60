"""Starting, asking and watching a server as a user would (``passlm serve --background``)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def serve(socket: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "passlm.server", "--socket", str(socket), *args],
                            capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"passlm serve {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


def wait_gone(path: Path, pid: int, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not path.exists() and not alive(pid):
            return True
        time.sleep(0.05)
    return False


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is not alive
        return f.read().split(")")[-1].split()[0] != "Z"


class Running:
    """A started server: its socket, cache and pid; stopped at teardown."""

    def __init__(self, folder: Path, engine: str, *extra: str):
        self.folder = folder
        self.socket = folder / "s.sock"
        self.cache = folder / "cache.sqlite3"
        self.log = folder / "server.log"
        serve(self.socket, "--background", "--engine", engine, "--cache", str(self.cache), "--log", str(self.log),
              *extra)
        self.pid = self.status()["pid"]

    def status(self) -> dict:
        from passlm.server import client

        return client.call(str(self.socket), {"op": "status"}, 10.0)

    def stop(self) -> None:
        if self.socket.exists():
            serve(self.socket, "--stop", check=False)
        if alive(self.pid):  # --stop failed (a stopped or hung server): no test leaves a server behind
            os.kill(self.pid, signal.SIGKILL)
