"""The messages of passlm's plugin, bridge and server: the one wire format.

The plugin (C++, cpp/plugin/Messages.cpp) talks to the bridge
(``passlm.bridge``, inside the compiler) and the bridge to the server
(``passlm serve``) in the same messages; the server's are newline-delimited on
its socket. Every message is one JSON object with ``"version": 2``. A request
names its ``"op"``; a reply names, in ``"reply"``, the op it answers, or is an
error. Every field listed is required, except those marked ``?``; no other
field is allowed. Fields not described as otherwise below are strings.
tests/messages/golden holds one example of each.

Requests::

    describe  {engine}
    predict   {engine, k, choice, module: {name, hash, triple, instructions}, ir}
    verdict   {engine, hash, choice, candidates: [P...], pipeline, size, baseline}
    status    {}
    stop      {}

Replies::

    describe  {needs}
    predict   {candidates: [{pipeline, score}], needs, cached, verdict?: {pipeline, size, baseline}}
    verdict   {}
    status    {pid, socket, log, cache, uptime_s, max_batch, idle_timeout_s, engines, counters}
    stop      {}
    error     {error}

``engine``
    an engine spec (``model:default``, ``fixed:P1|P2``...); ``""`` is
    passlm's default engine.
``k``
    how many candidates to propose, an integer >= 1 (a server takes at most 64).
``choice``
    how the plugin chooses among the candidates: ``guard`` (the smallest of
    them and -Oz), ``first-measured`` (the first that works, measured to be
    printed) or ``first``; part of a verdict's key, since each mode keeps a
    different candidate. A predict's ``""`` asks for no verdict.
``module``
    what the plugin knows of the module: its source file ``name``, its
    ``hash`` (``passlm.Module.hash``: SHA-256 of the IR printed without names
    and comments; ``""`` when the engine does not read it), its target
    ``triple`` and its number of ``instructions`` (>= 0). A server keys its
    cache on this hash as it comes (it hashes nothing itself) and refuses a
    predict without one.
``ir``
    the module's textual IR (``""`` when the engine does not read it; a
    server refuses a predict without it).
``needs``
    what the engine reads besides ``k``: a list of ``"hash"`` and ``"ir"``.
    The plugin learns it from the first predict reply and then prints the IR
    and computes its hash only when they are read. A server needs both: the
    hash is its cache key, the IR what a cache miss predicts from.
``candidates`` (predict reply)
    the proposed pipelines, best first, with the engine's ``score`` (a finite
    number; higher is better).
``cached``
    whether a server's cache answered (true or false; false in-process).
``verdict`` (predict reply)
    what the plugin kept when it last tried this module (same ``hash``), these
    candidates in this order and this ``choice``: the ``pipeline`` and the
    object ``size`` and -Oz ``baseline`` in bytes it measured (integers >= 0).
    The plugin then runs that pipeline without trying anything.
verdict request
    what the plugin kept after trying the ``candidates`` exactly as the engine
    proposed them, for the module with ``hash``: a server remembers it.
``error``
    one line that says what went wrong ("Type: message" for an exception).
``status`` reply
    the server's ``pid``, ``socket``, ``log``, ``cache`` (a path or null),
    ``uptime_s`` (a number), ``max_batch`` (>= 1), ``idle_timeout_s`` (a
    number), ``engines`` (an object: spec -> {loaded, load_seconds}) and
    ``counters`` (an object: name -> count).

A malformed message raises ``ProtocolError`` with one line that says what is
wrong (the first problem: JSON, object, version, op or reply, then each field
in the order above; an object's own fields come before the fields it does not
allow, of which the first in sorted order is named). Standard library only:
the bridge and the server's client import this inside every compiler process.
"""
from __future__ import annotations

import json
import math
from typing import Any, Optional

VERSION = 2
NEEDS = ("hash", "ir")
CHOICES = ("guard", "first-measured", "first")


class ProtocolError(ValueError):
    """A malformed message; the text says what is wrong, in one line."""


# ------------------------------------------------------------------ shapes
# A shape is what a field must be: ("string",), ("string-or-null",),
# ("integer", minimum), ("number",), ("bool",), ("one-of", values),
# ("list", item shape), ("object", ((field, shape, optional), ...)), ("any-object",).
# cpp/plugin/Messages.cpp mirrors these for the messages the plugin speaks.

_STRING = ("string",)
_NUMBER = ("number",)
_BOOL = ("bool",)
_ANY_OBJECT = ("any-object",)


def _integer(minimum: int) -> tuple:
    return ("integer", minimum)


def _one_of(*values: str) -> tuple:
    return ("one-of", values)


def _list(item: tuple) -> tuple:
    return ("list", item)


def _object(*fields: tuple) -> tuple:
    return ("object", tuple(field if len(field) == 3 else (*field, False) for field in fields))


_NEEDS = _list(_one_of(*NEEDS))
_KEPT = (("pipeline", _STRING), ("size", _integer(0)), ("baseline", _integer(0)))

REQUESTS = {
    "describe": _object(("engine", _STRING)),
    "predict": _object(("engine", _STRING), ("k", _integer(1)), ("choice", _one_of(*CHOICES, "")),
                       ("module", _object(("name", _STRING), ("hash", _STRING), ("triple", _STRING),
                                          ("instructions", _integer(0)))),
                       ("ir", _STRING)),
    "verdict": _object(("engine", _STRING), ("hash", _STRING), ("choice", _one_of(*CHOICES)),
                       ("candidates", _list(_STRING)), *_KEPT),
    "status": _object(),
    "stop": _object(),
}
REPLIES = {
    "describe": _object(("needs", _NEEDS)),
    "predict": _object(("candidates", _list(_object(("pipeline", _STRING), ("score", _NUMBER)))),
                       ("needs", _NEEDS), ("cached", _BOOL), ("verdict", _object(*_KEPT), True)),
    "verdict": _object(),
    "status": _object(("pid", _integer(1)), ("socket", _STRING), ("log", _STRING), ("cache", ("string-or-null",)),
                      ("uptime_s", _NUMBER), ("max_batch", _integer(1)), ("idle_timeout_s", _NUMBER),
                      ("engines", _ANY_OBJECT), ("counters", _ANY_OBJECT)),
    "stop": _object(),
    "error": _object(("error", _STRING)),
}


def _render(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _expected(shape: tuple) -> str:
    kind = shape[0]
    if kind == "integer":
        return f"an integer >= {shape[1]}"
    if kind == "one-of":
        return "one of " + ", ".join(_render(v) for v in shape[1])
    return {"string": "a string", "string-or-null": "a string or null", "number": "a finite number",
            "bool": "true or false", "list": "a list", "object": "an object", "any-object": "an object"}[kind]


def _fits(value: Any, shape: tuple) -> bool:
    kind = shape[0]
    if kind == "string":
        return isinstance(value, str)
    if kind == "string-or-null":
        return value is None or isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool) and value >= shape[1]
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "one-of":
        return isinstance(value, str) and value in shape[1]
    if kind == "list":
        return isinstance(value, list)
    return isinstance(value, dict)


def _check(value: Any, shape: tuple, path: str) -> Optional[str]:
    """The first problem of value (at path) against shape, or None."""
    if not _fits(value, shape):
        return f"'{path}' must be {_expected(shape)}"
    if shape[0] == "list":
        for i, item in enumerate(value):
            if (problem := _check(item, shape[1], f"{path}[{i}]")) is not None:
                return problem
    elif shape[0] == "object":
        return _check_fields(value, shape[1], f"{path}.")
    return None


def _check_fields(value: dict, fields: tuple, prefix: str, envelope: tuple = ()) -> Optional[str]:
    for name, shape, optional in fields:
        if name not in value:
            if optional:
                continue
            return f"missing '{prefix}{name}'"
        if (problem := _check(value[name], shape, prefix + name)) is not None:
            return problem
    allowed = {name for name, _, _ in fields} | set(envelope)
    unknown = sorted(name for name in value if name not in allowed)
    return f"unknown field '{prefix}{unknown[0]}'" if unknown else None


def kind(message: dict) -> str:
    """``"predict"`` for a predict request, ``"predict reply"`` for its reply (of a valid message)."""
    return message["op"] if "op" in message else f"{message['reply']} reply"


def validate(message: Any) -> dict:
    """The message itself when it is well formed; else ProtocolError says why."""
    if not isinstance(message, dict):
        raise ProtocolError("a message must be a JSON object")
    if "version" not in message:
        raise ProtocolError(f"no protocol version (this passlm speaks {VERSION})")
    version = message["version"]
    if not (isinstance(version, int) and not isinstance(version, bool) and version == VERSION):
        raise ProtocolError(f"unsupported protocol version {_render(version)} (this passlm speaks {VERSION})")
    if "op" in message:
        key, table, what = "op", REQUESTS, "op"
    elif "reply" in message:
        key, table, what = "reply", REPLIES, "reply"
    else:
        raise ProtocolError("a message needs an 'op' (a request) or a 'reply'")
    name = message[key]
    if not isinstance(name, str) or name not in table:
        raise ProtocolError(f"unknown {what} {_render(name)} (known: {', '.join(table)})")
    problem = _check_fields(message, table[name][1], "", envelope=("version", key))
    if problem is not None:
        raise ProtocolError(f"{kind(message)}: {problem}")
    return message


def loads(text: str | bytes) -> dict:
    """One message from its JSON text (a socket's line without its newline), validated."""
    try:
        message = json.loads(text)
    except (ValueError, UnicodeDecodeError) as e:
        raise ProtocolError(f"not JSON: {e}") from None
    return validate(message)


def dumps(message: dict) -> str:
    """The JSON text of a message (compact, one line), validated first."""
    return json.dumps(validate(message), separators=(",", ":"), allow_nan=False)


def encode(message: dict) -> bytes:
    """A message as one line of the server's socket."""
    return dumps(message).encode() + b"\n"


# ------------------------------------------------------------ constructors

def _request(op: str, **fields) -> dict:
    return {"version": VERSION, "op": op, **fields}


def _reply(answers: str, **fields) -> dict:
    return {"version": VERSION, "reply": answers, **fields}


def module_facts(name: str = "", hash: str = "", triple: str = "", instructions: int = 0) -> dict:
    return {"name": name, "hash": hash, "triple": triple, "instructions": instructions}


def describe(engine: str) -> dict:
    return _request("describe", engine=engine)


def predict(engine: str, k: int, ir: str, module: dict, choice: str = "") -> dict:
    return _request("predict", engine=engine, k=k, choice=choice, module=module, ir=ir)


def verdict(engine: str, hash: str, choice: str, candidates: list, pipeline: str, size: int, baseline: int) -> dict:
    return _request("verdict", engine=engine, hash=hash, choice=choice, candidates=list(candidates),
                    pipeline=pipeline, size=size, baseline=baseline)


def status() -> dict:
    return _request("status")


def stop() -> dict:
    return _request("stop")


def describe_reply(needs) -> dict:
    return _reply("describe", needs=sorted(needs))


def predict_reply(candidates: list, needs, cached: bool = False, verdict: Optional[dict] = None) -> dict:
    """``candidates``: dicts {pipeline, score}; ``verdict``: {pipeline, size, baseline} or None."""
    reply = _reply("predict", candidates=candidates, needs=sorted(needs), cached=cached)
    if verdict is not None:
        reply["verdict"] = verdict
    return reply


def verdict_reply() -> dict:
    return _reply("verdict")


def status_reply(**fields) -> dict:
    return _reply("status", **fields)


def stop_reply() -> dict:
    return _reply("stop")


def error(reason: str) -> dict:
    """An error reply: the first line of reason."""
    lines = str(reason).strip().splitlines()
    return _reply("error", error=lines[0] if lines else "unknown error")


def failure(e: BaseException) -> dict:
    """The error reply for an exception: a ProtocolError's text, else "Type: text"."""
    if isinstance(e, ProtocolError):
        return error(str(e))
    return error(f"{type(e).__name__}: {e}" if str(e) else type(e).__name__)
