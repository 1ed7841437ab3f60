"""passlm serve as compilers meet it: parallel clients, bad requests, its socket, its life cycle."""
from __future__ import annotations

import json
import os
import signal
import socket
import stat
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from passlm.server import client, protocol
from serving import Running, alive, serve, wait_gone


def raw(path, payload: bytes) -> list[dict]:
    """Send bytes as they are; every reply line until the server hangs up or 1 s passes."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(10)
        s.connect(str(path))
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := s.recv(1 << 16):
            data += chunk
    return [json.loads(line) for line in data.splitlines()]


def predict(path, ir: str, k: int, engine: str, module_hash: str = "", choice: str = "guard") -> dict:
    message = {"op": "predict", "engine": engine, "k": k, "ir": ir, "choice": choice,
               "module": {"name": "m", "hash": module_hash}}
    return client.call(str(path), message, 60.0)


def test_32_parallel_clients_are_answered_correctly_in_batches(tiny_server, tiny_model_dir, example_irs):
    from passlm.engine.model import ModelEngine

    engine = ModelEngine.load(str(tiny_model_dir))
    irs = [ir for _, ir in sorted(example_irs.items())]
    jobs = [irs[i % len(irs)] for i in range(32)]
    expected = {ir: [c.pipeline for c in engine.predict(ir, 2)] for ir in irs}
    start = threading.Barrier(32)

    def ask(ir):
        start.wait()
        return predict(tiny_server.socket, ir, 2, f"model:{tiny_model_dir}")

    with ThreadPoolExecutor(32) as pool:
        replies = list(pool.map(ask, jobs))
    for ir, reply in zip(jobs, replies):
        assert [c["pipeline"] for c in reply["candidates"]] == expected[ir]
    counters = tiny_server.status()["counters"]
    assert counters["inferences"] + counters["cache_hits"] == 32
    assert counters["batches"] < counters["inferences"], counters  # concurrent requests shared model calls


def test_answers_are_cached_and_verdicts_remembered(tiny_server, tiny_model_dir, example_irs):
    spec, ir = f"model:{tiny_model_dir}", example_irs["sort"]
    first = predict(tiny_server.socket, ir, 2, spec, module_hash="abc")
    assert first["cached"] is False and "verdict" not in first
    pipelines = [c["pipeline"] for c in first["candidates"]]
    client.call(str(tiny_server.socket), {"op": "verdict", "engine": spec, "hash": "abc", "candidates": pipelines, "choice": "guard",
                                          "pipeline": pipelines[0], "size": 90, "baseline": 100}, 10.0)
    second = predict(tiny_server.socket, ir, 2, spec, module_hash="abc")
    assert second["cached"] is True and second["candidates"] == first["candidates"]
    assert second["verdict"] == {"pipeline": pipelines[0], "size": 90, "baseline": 100}
    assert "verdict" not in predict(tiny_server.socket, ir, 2, spec, module_hash="other IR")
    assert "verdict" not in predict(tiny_server.socket, ir, 2, spec, module_hash="abc", choice="first")
    assert predict(tiny_server.socket, ir, 1, spec)["cached"] is False  # k is part of the key
    # What normalization drops (comments here) does not make a new key.
    assert predict(tiny_server.socket, "; a comment\n" + ir, 2, spec)["cached"] is True


@pytest.mark.parametrize("payload,message", [
    (b"this is not json\n", "not JSON"),
    (b'{"op": "status"}\n', "unsupported protocol version"),
    (b'{"version": 1, "op": "dance"}\n', "unknown op 'dance'"),
    (b'{"version": 1, "op": "predict", "engine": "model:default", "ir": "x"}\n', "'k', an integer"),
    (b'{"version": 1, "op": "predict", "engine": "model:/no/such/model", "k": 1, "ir": "x"}\n', "no such model directory"),
    (b'{"version": 1, "op": "verdict", "hash": "h"}\n', "verdict needs"),
])
def test_malformed_requests_get_an_error_and_the_server_goes_on(tiny_server, payload, message):
    [reply] = raw(tiny_server.socket, payload)
    assert message in reply["error"]
    assert tiny_server.status()["counters"]["errors"] >= 1


def test_oversized_request_is_refused_and_the_connection_closed(short_dir):
    server = Running(short_dir, "fixed:default<Oz>", "--max-request-mb", "0.01")
    try:
        big = protocol.encode({"op": "predict", "engine": "fixed:default<Oz>", "k": 1, "ir": "x" * 100_000})
        replies = raw(server.socket, big + protocol.encode({"op": "status"}))
        assert len(replies) == 1 and "larger than the server's limit of 10485 bytes" in replies[0]["error"]
        assert server.status()["pid"] == server.pid
    finally:
        server.stop()


def test_socket_is_private_and_one_server_per_socket(tiny_server, tiny_model_dir):
    for path in (tiny_server.socket, tiny_server.socket.with_name("s.sock.lock")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    again = serve(tiny_server.socket, "--background", "--engine", f"model:{tiny_model_dir}")
    assert "already runs" in again.stdout
    assert tiny_server.status()["pid"] == tiny_server.pid


def test_stale_socket_is_replaced(short_dir):
    path = short_dir / "s.sock"
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(str(path))  # a server that died without cleaning up
    dead.close()
    assert path.exists()
    server = Running(short_dir, "fixed:default<Oz>")
    try:
        assert server.status()["pid"] == server.pid
        assert "replaced a stale socket" in server.log.read_text()
    finally:
        server.stop()


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to give a socket to another user")
def test_someone_elses_socket_is_refused_by_server_and_client(short_dir):
    path = short_dir / "s.sock"
    theirs = socket.socket(socket.AF_UNIX)
    theirs.bind(str(path))
    theirs.close()
    os.chown(path, 65534, 65534)
    result = serve(path, "--background", "--engine", "fixed:default<Oz>", "--cache", "off", check=False)
    assert result.returncode == 1 and "owned by user 65534" in result.stderr
    with pytest.raises(protocol.UnsafePathError, match="refusing to use it"):
        client.call(str(path), {"op": "status"}, 1.0)
    assert path.exists()  # refused, never removed


def test_idle_server_exits_by_itself(short_dir):
    server = Running(short_dir, "fixed:default<Oz>", "--idle-timeout", "1")
    assert wait_gone(server.socket, server.pid), "the idle server is still there"
    assert "idle for 1 s: exiting" in server.log.read_text()


def test_sigterm_stops_cleanly(short_dir):
    server = Running(short_dir, "fixed:default<Oz>")
    os.kill(server.pid, signal.SIGTERM)
    assert wait_gone(server.socket, server.pid)
    assert "stopped after" in server.log.read_text()


def test_status_and_stop_from_the_command_line(short_dir):
    path = short_dir / "s.sock"
    none = serve(path, "--status", check=False)
    assert none.returncode == 1 and "no server answers" in none.stderr
    assert "no server was running" in serve(path, "--stop").stdout
    server = Running(short_dir, "fixed:default<Oz>")
    status = serve(path, "--status").stdout
    assert f"pid {server.pid} on {path}" in status and "engine:   fixed:default<Oz> (loaded" in status
    assert json.loads(serve(path, "--status", "--json").stdout)["pid"] == server.pid
    assert "stopped the server" in serve(path, "--stop").stdout
    assert not path.exists() and not alive(server.pid)
