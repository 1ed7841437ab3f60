"""The wire format (passlm.messages) against its golden messages, on both sides.

tests/messages/golden holds one message of each kind; golden/bad holds
malformed ones, and bad_reasons.json what is wrong with each, word for word
(a reason ending in ": " is a prefix: the JSON parsers word their own errors).
The Python side validates them here; the plugin's side (cpp/plugin/Messages.cpp)
through passlm_messages_check, which the package build leaves in build/.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from passlm import messages

HERE = Path(__file__).parent / "messages"
GOOD = sorted((HERE / "golden").glob("*.json"))
BAD = sorted((HERE / "golden" / "bad").glob("*.json"))
REASONS = json.loads((HERE / "bad_reasons.json").read_text())
BUILD = Path(__file__).resolve().parents[1] / "build"

HASH = "5b1e3c0f0d6a9a41c2e8b7d4f3a2019e8c7b6a5f4e3d2c1b0a99887766554433"
IR = "; ModuleID = ''\nsource_filename = \"\"\n\ndefine i32 @main() {\n  ret i32 0\n}\n"
CANDIDATES = ["function(sroa),gvn", "default<Oz>", "module(globaldce)"]

#: Each golden message as its constructor builds it.
BUILT = {
    "request_describe.json": messages.describe("table:/home/me/tuned.json"),
    "request_predict.json": messages.predict(
        "model:default", 4, IR, messages.module_facts("src/sort.c", HASH, "x86_64-pc-linux-gnu", 212), "guard"),
    "request_verdict.json": messages.verdict("model:default", HASH, "guard", CANDIDATES, CANDIDATES[0], 950, 1012),
    "request_status.json": messages.status(),
    "request_stop.json": messages.stop(),
    "reply_describe.json": messages.describe_reply({"hash"}),
    "reply_predict.json": messages.predict_reply(
        [{"pipeline": p, "score": s} for p, s in zip(CANDIDATES, (-0.25, -1.5, -3))], ("ir", "hash"), cached=True,
        verdict={"pipeline": CANDIDATES[0], "size": 950, "baseline": 1012}),
    "reply_predict_in_process.json": messages.predict_reply(
        [{"pipeline": "gvn", "score": 1.0}, {"pipeline": "sroa", "score": 0.5}], frozenset()),
    "reply_verdict.json": messages.verdict_reply(),
    "reply_status.json": messages.status_reply(
        pid=4242, socket="/run/user/1000/passlm/server.sock", log="/run/user/1000/passlm/server.log", cache=None,
        uptime_s=12.5, max_batch=1, idle_timeout_s=600,
        engines={"model:default": {"loaded": True, "load_seconds": 1.2}},
        counters={"requests": 3, "predictions": 2, "inferences": 1, "batches": 1, "cache_hits": 1,
                  "verdict_hits": 0, "verdicts_recorded": 1, "errors": 0}),
    "reply_stop.json": messages.stop_reply(),
    "reply_error.json": messages.error("RuntimeError: engine exploded\n  (a second line is dropped)"),
}
#: The kinds the plugin neither sends nor reads: its C++ checks them but has no struct for them.
NOT_THE_PLUGINS = {"request_status.json", "request_stop.json", "reply_status.json", "reply_stop.json"}


def rejected_as(reason: str, expected: str) -> bool:
    return reason.startswith(expected) if expected.endswith(": ") else reason == expected


def test_every_kind_has_a_golden_message_and_every_bad_one_a_reason():
    kinds = {messages.kind(json.loads(path.read_text())) for path in GOOD}
    assert kinds == set(messages.REQUESTS) | {f"{name} reply" for name in messages.REPLIES}
    assert sorted(BUILT) == [path.name for path in GOOD]
    assert sorted(REASONS) == [path.name for path in BAD]


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_golden_messages_validate_round_trip_and_are_what_the_constructors_build(path):
    message = json.loads(path.read_text())
    assert messages.validate(message) is message
    assert messages.loads(messages.dumps(message)) == message
    assert messages.loads(messages.encode(message).rstrip(b"\n")) == message
    assert BUILT[path.name] == message


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_malformed_messages_are_rejected_with_their_reason(path):
    with pytest.raises(messages.ProtocolError) as caught:
        messages.loads(path.read_text())
    assert rejected_as(str(caught.value), REASONS[path.name]), str(caught.value)


def test_constructors_refuse_to_write_a_malformed_message():
    with pytest.raises(messages.ProtocolError, match=r"^predict: 'k' must be an integer >= 1$"):
        messages.dumps(messages.predict("fixed:gvn", 0, "", messages.module_facts()))
    with pytest.raises(messages.ProtocolError, match=r"'candidates\[0\]\.score' must be a finite number"):
        messages.dumps(messages.predict_reply([{"pipeline": "gvn", "score": float("nan")}], ()))


def test_failures_become_one_line_error_replies():
    assert messages.failure(RuntimeError("engine exploded\nTraceback...")) == \
        {"version": 2, "reply": "error", "error": "RuntimeError: engine exploded"}
    assert messages.failure(messages.ProtocolError("predict: missing 'ir'"))["error"] == "predict: missing 'ir'"
    assert messages.failure(KeyError())["error"] == "KeyError"


def _shape_text(shape: tuple) -> str:
    """A shape as the module docstring writes it: {a, b: {c}, d: [{e}], f?}."""
    parts = []
    for name, inner, optional in shape[1]:
        text = name + ("?" if optional else "")
        if inner[0] == "object":
            text += ": " + _shape_text(inner)
        elif inner[0] == "list" and inner[1][0] == "object":
            text += ": [" + _shape_text(inner[1]) + "]"
        elif inner[0] == "list" and name == "candidates":
            text += ": [P...]"
        parts.append(text)
    return "{" + ", ".join(parts) + "}"


@pytest.mark.parametrize("section,table", [("Requests", messages.REQUESTS), ("Replies", messages.REPLIES)])
def test_the_docstring_lists_every_message_with_its_fields(section, table):
    block = messages.__doc__.split(f"{section}::\n\n", 1)[1].split("\n\n", 1)[0]
    documented = dict(re.match(r"\s+(\S+)\s+(\{.*\})$", line).groups() for line in block.splitlines())
    assert documented == {name: _shape_text(shape) for name, shape in table.items()}


def _check_program() -> Path:
    if not BUILD.is_dir():
        pytest.skip(f"no build tree at {BUILD} (the package is not built in place): nothing to run the C++ side with")
    found = sorted(BUILD.glob("*/cpp/plugin/passlm_messages_check"), key=lambda p: p.stat().st_mtime)
    assert found, f"{BUILD} has no */cpp/plugin/passlm_messages_check: rebuild the package (pip install -e .)"
    return found[-1]


def test_the_plugins_cpp_reads_and_writes_the_same_messages():
    result = subprocess.run([str(_check_program()), *map(str, GOOD + BAD)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())  # FILE -> what the program said of it
    assert sorted(lines) == sorted(map(str, GOOD + BAD))
    for path in GOOD:
        said, kind = lines[str(path)], messages.kind(json.loads(path.read_text()))
        if path.name in NOT_THE_PLUGINS:
            assert said == f"valid {kind}"
        else:
            assert said.startswith(f"ok {kind} {{"), said
            assert json.loads(said.removeprefix(f"ok {kind} ")) == json.loads(path.read_text())
    for path in BAD:
        said = lines[str(path)]
        assert said.startswith("rejected ") and rejected_as(said.removeprefix("rejected "), REASONS[path.name]), said
