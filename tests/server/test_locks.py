"""No slow work under the server's global locks: while one spec's model files
are hashed, or another's engine loads, every other spec is answered."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import passlm.engine
import passlm.engine.identity
from passlm import messages
from passlm.server import client

SLOW_HASH, SLOW_LOAD, HIT, MISS = "fixed:default<O1>", "fixed:default<O2>", "fixed:default<Oz>", "fixed:default<O3>"


def predict(server, spec: str, module_hash: str = "h") -> dict:
    message = messages.predict(spec, 1, "define void @f() {\n  ret void\n}\n", messages.module_facts("m", module_hash))
    return client.call(server.config.socket, message, 20.0)


def test_a_slow_spec_stalls_only_its_own_requests(in_process, short_dir, monkeypatch):
    hashing, loading, release = threading.Event(), threading.Event(), threading.Event()
    real_hash, real_make = passlm.engine.identity.model_hash, passlm.engine.make_engine

    def slow_hash(spec):  # a large folder for llm-compiler:DIR, hashed for seconds
        if spec == SLOW_HASH:
            hashing.set()
            release.wait(60)
        return real_hash(spec)

    def slow_make(spec):  # a large model, loaded for seconds
        if spec == SLOW_LOAD:
            loading.set()
            release.wait(60)
        return real_make(spec)

    monkeypatch.setattr(passlm.engine.identity, "model_hash", slow_hash)
    monkeypatch.setattr(passlm.engine, "make_engine", slow_make)
    server = in_process(cache=str(short_dir / "cache.sqlite3"))
    assert predict(server, HIT)["cached"] is False
    with ThreadPoolExecutor(2) as pool:
        slow = [pool.submit(predict, server, SLOW_HASH), pool.submit(predict, server, SLOW_LOAD)]
        try:
            assert hashing.wait(30) and loading.wait(30)
            assert predict(server, HIT)["cached"] is True  # a cache hit of another spec
            assert predict(server, MISS)["candidates"][0]["pipeline"] == "default<O3>"  # an inference of another
            assert client.call(server.config.socket, messages.status(), 20.0)["engines"][SLOW_LOAD]["loaded"] is False
            assert not any(future.done() for future in slow)  # the slow ones are still at work
        finally:
            release.set()
        assert [future.result(60)["candidates"][0]["pipeline"] for future in slow] == ["default<O1>", "default<O2>"]
