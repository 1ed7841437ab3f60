"""Which engines the client sends to a server: none whose extra is missing (a server
could not load it either; the in-process error names the extra once)."""
from __future__ import annotations

import importlib.util

from passlm.server import client, protocol


def test_a_model_engine_without_its_extra_is_answered_in_process(monkeypatch):
    monkeypatch.setenv("PASSLM_SERVER", "auto")
    assert client.route("model:default") == (protocol.default_socket(), True)
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else find_spec(name, *a))
    assert client.route("model:default") is None
    assert client.route("openai:http://localhost:1") == (protocol.default_socket(), True)  # needs no extra
    monkeypatch.setenv("PASSLM_SERVER", "/some/where.sock")  # a server the user named is still asked
    assert client.route("model:default") == ("/some/where.sock", False)


def test_a_servers_log_is_named_after_its_socket():
    assert protocol.log_path("/run/passlm/server-0.1.0-abc.sock") == "/run/passlm/server-0.1.0-abc.log"
