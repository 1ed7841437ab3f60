"""The server at its limits: out of file descriptors, and more request bytes
held across connections than it allows. It says so in its log or in an error
reply, and goes on serving."""
from __future__ import annotations

import resource
import socket
import subprocess
import sys
import time

from passlm import messages
from passlm.server import client
from serving import alive, serve, wait_gone


def wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_out_of_file_descriptors_is_logged_retried_and_survived(short_dir):
    path, log = short_dir / "s.sock", short_dir / "server.log"

    def few_descriptors():  # as `ulimit -n 40` would
        resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40))

    started = subprocess.run([sys.executable, "-m", "passlm.server", "--background", "--socket", str(path),
                              "--engine", "fixed:default<Oz>", "--cache", "off", "--log", str(log)],
                             preexec_fn=few_descriptors, capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    pid = client.call(str(path), messages.status(), 10.0)["pid"]
    held = []
    try:
        for _ in range(60):  # more than it has descriptors for: the last ones wait in the backlog
            held.append(socket.socket(socket.AF_UNIX))
            held[-1].connect(str(path))
        assert wait_for(lambda: "cannot accept a connection (Too many open files)" in log.read_text()), log.read_text()
        assert alive(pid) and path.exists()
    finally:
        for s in held:
            s.close()
    assert client.call(str(path), messages.status(), 30.0)["pid"] == pid  # answered again once they are gone
    text = log.read_text()
    assert text.count("cannot accept a connection") == 1, text  # one line for the whole streak
    assert "accepting connections again after" in text
    serve(path, "--stop")
    assert wait_gone(path, pid)
    assert "stopped after" in log.read_text()
