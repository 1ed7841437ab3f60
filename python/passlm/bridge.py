"""The Python end of the plugin: one JSON request in, one JSON answer out.

The plugin (inside opt or clang) sends
``{"version": 1, "engine": SPEC, "k": K, "module": {name, hash, triple,
instructions}, "ir": TEXT}`` and gets back
``{"version": 1, "candidates": [{"pipeline": P, "score": S}, ...]}``.
A request ``{"version": 1, "engine": SPEC, "describe": true}`` is answered
with ``{"version": 1, "needs": [...]}``: which of "ir" and "hash" the engine
reads, so the plugin prints a large module only when someone will read it.
Exceptions travel back as one line ("Type: message") and make the plugin fall
back to default<Oz>. Engines are built once per spec and kept.
"""
from __future__ import annotations

import json
import sys

from .engine import DEFAULT_ENGINE, ModuleFacts, make_engine

PROTOCOL_VERSION = 1
_engines: dict = {}


def handle(request_json: str) -> str:
    try:
        request = json.loads(request_json)
        if request.get("version") != PROTOCOL_VERSION:
            raise ValueError(f"unsupported request version {request.get('version')!r}")
        spec = request.get("engine") or DEFAULT_ENGINE
        engine = _engines.get(spec)
        if engine is None:
            engine = _engines[spec] = make_engine(spec)
        if request.get("describe"):
            needs = getattr(engine, "needs", ("ir", "hash"))
            return json.dumps({"version": PROTOCOL_VERSION, "needs": sorted(needs)})
        facts = ModuleFacts(**request["module"])
        candidates = engine.predict(request["ir"], int(request["k"]), facts=facts)
        return json.dumps(
            {
                "version": PROTOCOL_VERSION,
                "candidates": [{"pipeline": c.pipeline, "score": c.score} for c in candidates],
            }
        )
    finally:
        # The embedded interpreter is never finalized: flush what engines print.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
