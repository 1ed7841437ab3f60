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
from serving import Running, alive, serve, wait_gone


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


def test_request_bytes_held_across_connections_are_capped(short_dir):
    """Each request is under the per-request limit (1 MB); three at once are over the global one (2 MB)."""
    server = Running(short_dir, "fixed:default<Oz>", "--max-request-mb", "1", "--max-held-mb", "2")
    try:
        lines = [messages.encode(messages.predict("fixed:default<Oz>", 1, "x" * 900_000,
                                                  messages.module_facts("m", f"hash {i}"))) for i in range(3)]
        connections = []
        for line in lines:  # each sent but for its newline: held by the server, unanswered
            connections.append(socket.socket(socket.AF_UNIX))
            connections[-1].settimeout(30)
            connections[-1].connect(str(server.socket))
            try:
                connections[-1].sendall(line[:-1])
            except OSError:  # refused and closed while sending
                pass
        assert wait_for(lambda: "refused: server busy" in server.log.read_text()), server.log.read_text()
        replies = {}
        for i, (conn, line) in enumerate(zip(connections, lines)):
            with conn:
                try:
                    conn.sendall(line[-1:])
                except OSError:
                    pass
                replies[i] = messages.loads(conn.recv(1 << 20).split(b"\n")[0])
        refused = [i for i, reply in replies.items() if reply["reply"] == "error"]
        assert len(refused) == 1, replies  # whichever came to pass the cap; the other two fit under it
        assert "would pass its limit of 2097152 bytes across all connections" in replies[refused[0]]["error"]
        assert all(replies[i]["candidates"][0]["pipeline"] == "default<Oz>" for i in replies if i not in refused)
        # Answered, their bytes are no longer held: a request as large fits again.
        again = client.call(str(server.socket), messages.loads(lines[refused[0]][:-1]), 30.0)
        assert again["candidates"][0]["pipeline"] == "default<Oz>"
        assert server.log.read_text().count("refused: server busy") == 1
    finally:
        server.stop()
