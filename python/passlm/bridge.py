"""The Python end of the plugin: one request in, one reply out (``passlm.messages``).

The plugin (inside opt or clang) sends a predict request and gets the
candidates, with the engine's ``needs`` (the plugin keeps them per engine
spec, and prints the IR or computes its hash for later modules only when they
are read), and a ``verdict`` when a server remembers what the plugin kept for
this very IR, these candidates and this choice mode: the plugin then runs it
without trying anything. After trying, the plugin sends a verdict request with
what it kept. A describe request is answered with the needs alone (for tools;
the plugin does not ask).

Engines worth a server (``passlm.server.client.route``) are asked through
it; when it fails, the engine runs here, with one warning line. Every failure
is an error reply of one line ("Type: message"), on which the plugin falls
back to default<Oz>. Engines built here are built once per spec and kept.
A request preceded by the line ``in-process`` (``IN_PROCESS``) is answered
here whatever the route: the plugin asked the server itself (its own client,
cpp/plugin/ServerClient.cpp), the server failed, and the plugin prints the
one warning line.
This module imports only the standard library until an engine runs in-process.
"""
from __future__ import annotations

import sys

from . import messages
from .defaults import DEFAULT_ENGINE
from .server import client, protocol

_engines: dict = {}
#: Hashes of the modules answered in-process after the server failed: their
#: verdicts are not sent (a server that did not answer would make each wait again).
_answered_in_process: set = set()
#: The ops the plugin sends (status and stop are the server's).
BRIDGE_OPS = ("describe", "predict", "verdict")
#: The first line of a request to answer in-process (see above).
IN_PROCESS = "in-process\n"


def _in_process(request: dict, spec: str) -> dict:
    from .engine import ModuleFacts, make_engine, plugin_candidates

    engine = _engines.get(spec)
    if engine is None:
        engine = _engines[spec] = make_engine(spec)
    needs = getattr(engine, "needs", messages.NEEDS)
    if request["op"] == "describe":
        return messages.describe_reply(needs)
    if request["op"] == "verdict":
        return messages.verdict_reply()  # only a server keeps verdicts
    facts = ModuleFacts(**request["module"])
    candidates = engine.predict(request["ir"], request["k"], facts=facts)
    return messages.predict_reply(plugin_candidates(candidates, request["k"]), needs)


def _through_server(request: dict, spec: str) -> dict:
    if request["op"] == "describe":
        return messages.describe_reply(protocol.SERVER_NEEDS)
    served = {**request, "engine": client.resolve_spec(spec)}
    if request["op"] == "verdict":
        if request["hash"] in _answered_in_process:
            return messages.verdict_reply()
        try:
            client.ask(served, spec)
        except client.ServerUnavailable:
            pass  # a verdict not kept costs the next build one measurement
        return messages.verdict_reply()
    try:
        return client.ask(served, spec)
    except client.ServerUnavailable as e:
        try:
            answer = _in_process(request, spec)
        except Exception as inner:  # one line for both failures; the plugin prints it
            raise RuntimeError(f"{e}; in-process: {type(inner).__name__}: {inner}") from None
        name = request["module"]["name"] or "module"
        print(f"passlm: warning: {name}: {e}; answered in-process", file=sys.stderr)
        _answered_in_process.add(request["module"]["hash"])
        # The next module asks the server again: it needs what a server reads.
        return {**answer, "needs": sorted(protocol.SERVER_NEEDS)}


def _answer(request: dict, in_process: bool) -> dict:
    op = request.get("op")
    if op not in BRIDGE_OPS:
        raise messages.ProtocolError(f"the bridge answers {', '.join(BRIDGE_OPS)} requests, not a {messages.kind(request)}")
    spec = request["engine"] or DEFAULT_ENGINE
    if not in_process and client.route(spec) is not None:
        return _through_server(request, spec)
    return _in_process(request, spec)


def handle(request_json: str) -> str:
    """The reply to one request, as JSON text; never raises (failures are error replies)."""
    in_process = request_json.startswith(IN_PROCESS)
    if in_process:
        request_json = request_json[len(IN_PROCESS):]
    try:
        try:
            return messages.dumps(_answer(messages.loads(request_json), in_process))
        except Exception as e:
            return messages.dumps(messages.failure(e))
    finally:
        # The embedded interpreter is never finalized: flush what engines print.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
