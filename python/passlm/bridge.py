"""The Python end of the plugin: one JSON request in, one JSON answer out.

The plugin (inside opt or clang) sends
``{"version": 1, "engine": SPEC, "k": K, "module": {name, hash, triple,
instructions}, "ir": TEXT}`` and gets back
``{"version": 1, "candidates": [{"pipeline": P, "score": S}, ...]}``, plus
``"verdict": {pipeline, size, baseline}`` when a server remembers what the
plugin kept for this very IR, these candidates and its ``"choice"`` mode of
the request (``guard``, ``first-measured``, ``first``): the plugin then runs
it without trying anything. After trying, the plugin reports what it kept
with ``{"version": 1, "engine": SPEC, "verdict": {hash, candidates, choice,
pipeline, size, baseline}}``.
A request ``{"version": 1, "engine": SPEC, "describe": true}`` is answered
with ``{"version": 1, "needs": [...]}``: which of "ir" and "hash" the engine
reads, so the plugin prints a large module only when someone will read it.

Engines worth a server (``passlm.server.client.route``) are asked through
it; when it fails, the engine runs here, with one warning line. Exceptions
travel back as one line ("Type: message") and make the plugin fall back to
default<Oz>. Engines built here are built once per spec and kept. This module
imports only the standard library until an engine runs in-process.
"""
from __future__ import annotations

import json
import sys

from .defaults import DEFAULT_ENGINE
from .server import client

PROTOCOL_VERSION = 1
_engines: dict = {}


def _reply(message: dict) -> str:
    return json.dumps({"version": PROTOCOL_VERSION, **message})


def _in_process(request: dict, spec: str) -> str:
    from .engine import ModuleFacts, make_engine

    engine = _engines.get(spec)
    if engine is None:
        engine = _engines[spec] = make_engine(spec)
    if request.get("describe"):
        return _reply({"needs": sorted(getattr(engine, "needs", ("ir", "hash")))})
    if "verdict" in request:
        return _reply({"ok": True})  # only a server keeps verdicts
    facts = ModuleFacts(**request["module"])
    candidates = engine.predict(request["ir"], int(request["k"]), facts=facts)
    return _reply({"candidates": [{"pipeline": c.pipeline, "score": c.score} for c in candidates]})


def _through_server(request: dict, spec: str) -> str:
    if request.get("describe"):
        return _reply({"needs": ["hash", "ir"]})  # the IR to predict, the hash to find a verdict
    spec = client.resolve_spec(spec)
    if "verdict" in request:
        try:
            client.ask({"op": "verdict", "engine": spec, **request["verdict"]}, spec)
        except client.ServerUnavailable:
            pass  # a verdict not kept costs the next build one measurement
        return _reply({"ok": True})
    message = {"op": "predict", "engine": spec, "k": int(request["k"]), "module": request["module"],
               "choice": request.get("choice", ""), "ir": request["ir"]}
    try:
        reply = client.ask(message, spec)
    except client.ServerUnavailable as e:
        try:
            answer = _in_process(request, spec)
        except Exception as inner:  # one line for both failures; the plugin prints it
            raise RuntimeError(f"{e}; in-process: {type(inner).__name__}: {inner}") from None
        name = request["module"].get("name") or "module"
        print(f"passlm: warning: {name}: {e}; answered in-process", file=sys.stderr)
        return answer
    return _reply({key: reply[key] for key in ("candidates", "verdict") if key in reply})


def handle(request_json: str) -> str:
    try:
        request = json.loads(request_json)
        if request.get("version") != PROTOCOL_VERSION:
            raise ValueError(f"unsupported request version {request.get('version')!r}")
        spec = request.get("engine") or DEFAULT_ENGINE
        if client.route(spec) is not None:
            return _through_server(request, spec)
        return _in_process(request, spec)
    finally:
        # The embedded interpreter is never finalized: flush what engines print.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
