"""passlm serve as compilers meet it: parallel clients, bad requests, its socket, its life cycle."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from passlm import messages
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


def predict(path, ir: str, k: int, engine: str, module_hash: str | None = None, choice: str = "guard") -> dict:
    """The server's reply; module_hash defaults to one of the IR, as the plugin's would be."""
    if module_hash is None:
        module_hash = hashlib.sha256(ir.encode()).hexdigest()
    message = messages.predict(engine, k, ir, messages.module_facts("m", module_hash), choice)
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
    client.call(str(tiny_server.socket), messages.verdict(spec, "abc", "guard", pipelines, pipelines[0], 90, 100), 10.0)
    second = predict(tiny_server.socket, ir, 2, spec, module_hash="abc")
    assert second["cached"] is True and second["candidates"] == first["candidates"]
    assert second["verdict"] == {"pipeline": pipelines[0], "size": 90, "baseline": 100}
    assert "verdict" not in predict(tiny_server.socket, ir, 2, spec, module_hash="other IR")
    assert "verdict" not in predict(tiny_server.socket, ir, 2, spec, module_hash="abc", choice="first")
    assert predict(tiny_server.socket, ir, 1, spec, module_hash="abc")["cached"] is False  # k is part of the key
    assert first["needs"] == second["needs"] == ["hash", "ir"]


def test_the_cache_key_is_the_hash_the_request_carries(tiny_server, tiny_model_dir, example_irs):
    """The server trusts the plugin's hash of the IR and hashes nothing again; a predict without one is refused."""
    spec, ir, other = f"model:{tiny_model_dir}", example_irs["sort"], example_irs["crc32"]
    first = predict(tiny_server.socket, ir, 2, spec, module_hash="the-key")
    assert first["cached"] is False
    # Another IR under the same hash is the same key: the answer cached for the first IR.
    assert predict(tiny_server.socket, other, 2, spec, module_hash="the-key") == {**first, "cached": True}
    # The same IR under another hash is another key.
    assert predict(tiny_server.socket, ir, 2, spec, module_hash="another-key")["cached"] is False
    with pytest.raises(client.ServerUnavailable, match=r"predict: a server needs 'module.hash' \(its cache key"):
        predict(tiny_server.socket, ir, 2, spec, module_hash="")
    counters = tiny_server.status()["counters"]
    assert (counters["predictions"], counters["cache_hits"], counters["errors"]) == (3, 1, 1)


MODULE = b'"module": {"name": "m", "hash": "h", "triple": "", "instructions": 0}'


@pytest.mark.parametrize("payload,message", [
    (b"this is not json\n", "not JSON"),
    (b'{"op": "status"}\n', "no protocol version (this passlm speaks 2)"),
    (b'{"version": 1, "op": "status"}\n', "unsupported protocol version 1 (this passlm speaks 2)"),
    (b'{"version": 2, "op": "dance"}\n', 'unknown op "dance" (known: describe, predict, verdict, status, stop)'),
    (b'{"version": 2, "op": "predict", "engine": "model:default", "ir": "x"}\n', "predict: missing 'k'"),
    (b'{"version": 2, "op": "predict", "engine": "model:default", "k": 65, "choice": "", ' + MODULE + b', "ir": "x"}\n',
     "predict: a server proposes at most 64 candidates ('k')"),
    (b'{"version": 2, "op": "predict", "engine": "model:/no/such/model", "k": 1, "choice": "", ' + MODULE +
     b', "ir": "x"}\n', "no such model directory"),
    (b'{"version": 2, "op": "verdict", "engine": "model:default", "hash": "h"}\n', "verdict: missing 'choice'"),
    (b'{"version": 2, "reply": "stop"}\n', "a server answers requests, not a stop reply"),
])
def test_malformed_requests_get_an_error_and_the_server_goes_on(tiny_server, payload, message):
    [reply] = raw(tiny_server.socket, payload)
    assert message in reply["error"]
    assert tiny_server.status()["counters"]["errors"] >= 1


def test_oversized_request_is_refused_and_the_connection_closed(short_dir):
    server = Running(short_dir, "fixed:default<Oz>", "--max-request-mb", "0.01")
    try:
        big = messages.encode(messages.predict("fixed:default<Oz>", 1, "x" * 100_000, messages.module_facts()))
        replies = raw(server.socket, big + messages.encode(messages.status()))
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
        client.call(str(path), messages.status(), 1.0)
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


def test_a_server_whose_socket_is_removed_exits(tmp_path):
    """Its folder deleted (a test's temporary folder, a cleaned /tmp): no client can reach it
    again, so it exits, with a line saying why, instead of living on for nothing."""
    server = Running(tmp_path, "fixed:default<Oz>")
    server.socket.unlink()
    deadline = time.monotonic() + 30
    while alive(server.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(server.pid)
    assert "was removed or replaced: no client can reach this server; exiting" in server.log.read_text()
