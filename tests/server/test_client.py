"""The client inside the compiler (through passlm.bridge, as the plugin calls it):
auto-start, off, and falling back when the server is dead, hung or killed."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from passlm import bridge, messages
from passlm.server import protocol
from serving import Running, serve, wait_gone


def request(spec: str, ir: str, k: int = 2) -> str:
    """A predict request as the plugin sends it before it knows the engine's needs: the IR and its hash."""
    module = messages.module_facts("m.c", hashlib.sha256(ir.encode()).hexdigest())
    return json.dumps(messages.predict(spec, k, ir, module, "guard"))


@pytest.fixture(scope="module")
def expected(tiny_model_dir, example_irs):
    from passlm.engine.model import ModelEngine

    candidates = ModelEngine.load(str(tiny_model_dir)).predict(example_irs["sort"], 2)
    return [c.pipeline for c in candidates]


def pipelines(answer: str) -> list[str]:
    return [c["pipeline"] for c in json.loads(answer)["candidates"]]


def test_auto_starts_a_detached_server(short_dir, monkeypatch, tiny_model_dir, example_irs, expected):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(short_dir))
    monkeypatch.setenv("XDG_CACHE_HOME", str(short_dir / "cache"))
    monkeypatch.delenv("PASSLM_SERVER", raising=False)
    socket_path = short_dir / "passlm" / protocol.socket_name()
    assert not socket_path.exists()
    assert pipelines(bridge.handle(request(f"model:{tiny_model_dir}", example_irs["sort"]))) == expected
    assert socket_path.exists()
    state = json.loads(serve(socket_path, "--status", "--json").stdout)
    assert state["counters"]["inferences"] == 1 and state["idle_timeout_s"] == 600
    assert os.getsid(state["pid"]) == state["pid"]  # its own session: detached from the compiler
    serve(socket_path, "--stop")
    assert wait_gone(socket_path, state["pid"])


def test_off_never_uses_a_server(short_dir, monkeypatch, tiny_model_dir, example_irs, expected):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(short_dir))
    monkeypatch.setenv("PASSLM_SERVER", "off")
    assert pipelines(bridge.handle(request(f"model:{tiny_model_dir}", example_irs["sort"]))) == expected
    assert not (short_dir / "passlm").exists()


class FakeServer:
    """A socket that accepts and then misbehaves: closes mid-request, or never answers."""

    def __init__(self, path, behaviour: str):
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(str(path))
        os.chmod(path, 0o600)
        self.listener.listen(4)
        self.behaviour, self.held = behaviour, []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            conn.recv(1 << 16)  # the request arrives...
            if self.behaviour == "crash":
                conn.close()  # ...and the server dies before answering
            else:
                self.held.append(conn)  # ...and nothing ever comes back


@pytest.mark.parametrize("behaviour,why", [("crash", "closed the connection without answering"),
                                           ("hang", "did not answer within 300 ms")])
def test_broken_server_falls_back_in_process(short_dir, monkeypatch, capsys, tiny_model_dir, example_irs, expected,
                                             behaviour, why):
    path = short_dir / "fake.sock"
    fake = FakeServer(path, behaviour)
    monkeypatch.setenv("PASSLM_SERVER", str(path))
    monkeypatch.setenv("PASSLM_SERVER_TIMEOUT_MS", "300")
    start = time.monotonic()
    answer = bridge.handle(request(f"model:{tiny_model_dir}", example_irs["sort"]))
    assert pipelines(answer) == expected
    assert json.loads(answer)["needs"] == ["hash", "ir"]  # what the server reads: the next module asks it again
    assert time.monotonic() - start < 30
    [warning] = capsys.readouterr().err.strip().splitlines()
    assert warning.startswith("passlm: warning: m.c: server ") and why in warning and "answered in-process" in warning
    fake.listener.close()


def test_killed_server_falls_back_in_process(short_dir, monkeypatch, capsys, tiny_model_dir, example_irs, expected):
    server = Running(short_dir, f"model:{tiny_model_dir}")
    os.kill(server.pid, signal.SIGKILL)
    monkeypatch.setenv("PASSLM_SERVER", str(server.socket))
    assert pipelines(bridge.handle(request(f"model:{tiny_model_dir}", example_irs["sort"]))) == expected
    assert "answered in-process" in capsys.readouterr().err
    # In auto mode the next compiler replaces the dead server's socket with a live server.
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(short_dir))
    monkeypatch.delenv("PASSLM_SERVER")
    os.makedirs(short_dir / "passlm", mode=0o700)
    os.rename(server.socket, short_dir / "passlm" / protocol.socket_name())
    assert pipelines(bridge.handle(request(f"model:{tiny_model_dir}", example_irs["sort"]))) == expected
    assert capsys.readouterr().err == ""
    serve(short_dir / "passlm" / protocol.socket_name(), "--stop")


def test_client_imports_nothing_heavy(tiny_server, tiny_model_dir, example_irs):
    code = ("import json, sys; from passlm import bridge; "
            f"answer = bridge.handle({request(f'model:{tiny_model_dir}', example_irs['crc32'])!r}); "
            "print(json.dumps([json.loads(answer)['candidates'][0]['pipeline'], "
            "sorted(m for m in ('torch', 'transformers', 'numpy', 'passlm._core') if m in sys.modules)]))")
    env = {**os.environ, "PASSLM_SERVER": str(tiny_server.socket)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    first, heavy = json.loads(result.stdout)
    assert first and heavy == []
