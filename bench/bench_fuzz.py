"""Fuzzing passlm's three doors: pipeline strings, module bytes, server requests.

1. Pipelines: random strings from the pass vocabulary
   (``passlm.pipelines.space.candidate_elements``, plus forms known to abort
   LLVM 19: bare ``instcombine``, ``licm`` without MemorySSA, LLVM's own
   ``trigger-crash-module``), joined, wrapped in adaptors, then mutated
   (truncated, characters inserted or dropped, parameters garbled). Each goes
   through ``check_pipeline`` in this process; a sample of them, accepted or
   not, through ``Module.evaluate(..., isolated=True)``. Required: a rejected
   pipeline is a PipelineError in both; an accepted one never is.
2. Modules: random bytes, bitcode truncated or with bytes flipped, IR text
   truncated or with lines dropped. Each is read in a child process (LLVM's
   bitcode reader is not hardened against malformed input), through the same
   isolated evaluation with an empty pipeline.
3. Requests: random bytes, JSON that is not a request, and valid requests
   with fields dropped, retyped or inflated, sent raw to a running server
   (``passlm serve``, engine ``fixed:``), and some valid ones. Required: every line gets one
   reply (an answer, or an error), and the server still answers ``status``
   with the same pid afterwards.

A *crash* is a broken requirement (this process died, or raised what passlm
does not raise, or the server went away); LLVM aborts caught by the isolation
are counted apart (``isolated-abort``), they are what isolation is for.

    .venv/bin/python bench/bench_fuzz.py [--seed 0] [--pipelines 2000] [--evaluations 60]
                                         [--modules 60] [--requests 500]
"""
from __future__ import annotations

import argparse
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Optional

import passlm
from passlm import messages
from passlm.errors import PassLMError, PipelineCrash, PipelineError
from passlm.pipelines.space import candidate_elements

REPO = Path(__file__).resolve().parents[1]
#: Known to parse and then abort LLVM 19 on some modules.
ABORTING = ["instcombine", "function(loop(licm))", "trigger-crash-module"]
ADAPTORS = ["module(", "cgscc(", "function(", "loop(", "loop-mssa(", "function(loop-mssa(", "repeat<2>("]
NOISE = "(),<>;=:-_ .0123456789azAZé\t\n\x00"
EVALUATION_TIMEOUT = 60.0  # seconds per isolated evaluation: a hang counts as an isolated abort


class Tally:
    """Cases run, outcomes by kind, and the broken requirements (crashes)."""

    def __init__(self) -> None:
        self.cases = 0
        self.kinds: Counter = Counter()
        self.crashes: list[str] = []

    def add(self, kind: str) -> None:
        self.cases += 1
        self.kinds[kind] += 1

    def crash(self, what: str) -> None:
        self.cases += 1
        self.kinds["crash"] += 1
        self.crashes.append(what)

    def as_dict(self) -> dict:
        return {"cases": self.cases, "kinds": dict(sorted(self.kinds.items())), "crashes": len(self.crashes),
                "first_crashes": self.crashes[:5]}


# ------------------------------------------------------------- pipelines


def random_pipeline(rng: random.Random, vocabulary: list[str]) -> str:
    elements = [rng.choice(ABORTING if rng.random() < 0.08 else vocabulary) for _ in range(rng.randint(1, 6))]
    text = ",".join(elements)
    if rng.random() < 0.3:
        adaptor = rng.choice(ADAPTORS)
        text = adaptor + text + ")" * adaptor.count("(")
    for _ in range(rng.choice((0, 0, 0, 1, 2, 4))):
        text = mutate(rng, text)
    return text


def mutate(rng: random.Random, text: str) -> str:
    at = rng.randint(0, len(text))
    how = rng.randrange(5)
    if how == 0:
        return text[:at]  # truncated
    if how == 1:
        return text[:at] + rng.choice(NOISE) + text[at:]
    if how == 2:
        return text[:at] + text[at + 1:]
    if how == 3:
        return text[:at] + rng.choice(["<", "<;>", "<max-iterations=-1>", "<O9>", "()", ",,", "<" * 40]) + text[at:]
    return "".join(rng.choice(NOISE) for _ in range(rng.randint(0, 30)))


def checked(pipeline: str) -> Optional[str]:
    """None if check_pipeline accepts, else its message."""
    try:
        passlm.check_pipeline(pipeline)
        return None
    except PipelineError as e:
        return e.message


def evaluated(module, pipeline: str) -> str:
    """The kind of outcome of an isolated evaluation; raises what passlm does not raise."""
    try:
        module.evaluate(pipeline, isolated=True, timeout=EVALUATION_TIMEOUT)
        return "ok"
    except PipelineCrash:
        return "isolated-abort"
    except PassLMError as e:
        return type(e).__name__


def fuzz_pipelines(rng: random.Random, module, count: int, evaluations: int, tally: Tally) -> None:
    vocabulary = candidate_elements()
    sample = set(rng.sample(range(count), min(evaluations, count)))
    for i in range(count):
        pipeline = random_pipeline(rng, vocabulary)
        try:
            rejected = checked(pipeline)
        except Exception as e:  # check_pipeline raises PipelineError only
            tally.crash(f"check_pipeline({pipeline!r}) raised {type(e).__name__}: {e}")
            continue
        tally.add("check: " + ("accepted" if rejected is None else "rejected"))
        if i not in sample:
            continue
        try:
            kind = evaluated(module, pipeline)
        except Exception as e:
            tally.crash(f"evaluate({pipeline!r}, isolated=True) raised {type(e).__name__}: {e}")
            continue
        if (kind == "PipelineError") != (rejected is not None):
            tally.crash(f"{pipeline!r}: check_pipeline {'rejects' if rejected else 'accepts'}, evaluation gave {kind}")
        else:
            tally.add("evaluate: " + kind)


# --------------------------------------------------------------- modules


def broken_module(rng: random.Random, bitcode: bytes, text: bytes) -> bytes:
    how = rng.randrange(6)
    if how == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 2000)))
    if how == 1:
        return b"BC\xc0\xde" + bytes(rng.randrange(256) for _ in range(rng.randint(0, 2000)))
    if how == 2:
        return bitcode[:rng.randint(0, len(bitcode))]
    if how == 3:
        data = bytearray(bitcode)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if how == 4:
        return text[:rng.randint(0, len(text))]
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 5)):
        del lines[rng.randrange(len(lines))]
    return b"".join(lines)


def fuzz_modules(rng: random.Random, module, count: int, tally: Tally) -> None:
    from passlm.pipelines.isolated import evaluate_isolated

    bitcode, text = module.to_bitcode(), module.to_text().encode()
    for _ in range(count):
        data = broken_module(rng, bitcode, text)
        try:
            evaluate_isolated(data, "", timeout=EVALUATION_TIMEOUT)
            tally.add("load: ok")
        except PipelineCrash:
            tally.add("load: isolated-abort")
        except PassLMError as e:
            tally.add(f"load: {type(e).__name__}")
        except Exception as e:
            tally.crash(f"loading {len(data)} bytes ({data[:16]!r}...) raised {type(e).__name__}: {e}")


# -------------------------------------------------------------- requests


def random_request(rng: random.Random, ir: str) -> bytes:
    valid = [messages.status(), messages.describe("fixed:default<Oz>"),
             messages.predict("fixed:default<Oz>|function(sroa)", 2, ir, messages.module_facts("m", "h", "", 3),
                              "guard"),
             messages.verdict("fixed:default<Oz>", "h", "guard", ["default<Oz>"], "default<Oz>", 10, 10)]
    how = rng.randrange(6)
    if how == 0:
        return bytes(rng.randrange(1, 256) for _ in range(rng.randint(0, 300))).replace(b"\n", b" ") + b"\n"
    if how == 1:
        junk = rng.choice([None, 1, -1.5, "x", [], [1, {"a": None}], {"version": "2"}, {"op": "predict"}, True])
        return json.dumps(junk).encode() + b"\n"
    message = dict(rng.choice(valid))
    if how == 2:
        message.pop(rng.choice(sorted(message)))
    elif how == 3:
        key = rng.choice(sorted(message))
        message[key] = rng.choice([None, -1, 10 ** 30, "", "x" * 1000, [], {}, [None], 1.5, True])
    elif how == 4:
        message["extra"] = {"nested": [rng.random() for _ in range(5)]}
    return json.dumps(message).encode() + b"\n"


def exchange(path: str, payload: bytes) -> list[dict]:
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(30)
        s.connect(path)
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := s.recv(1 << 16):
            data += chunk
    return [json.loads(line) for line in data.splitlines()]


def fuzz_requests(rng: random.Random, path: str, ir: str, count: int, tally: Tally) -> None:
    from passlm.server import client

    pid = client.call(path, messages.status(), 10.0)["pid"]
    for i in range(count):
        lines = [random_request(rng, ir) for _ in range(rng.choice((1, 1, 1, 3)))]
        payload = b"".join(lines)
        if rng.random() < 0.1:
            payload = payload[:rng.randint(0, len(payload))]  # cut short, no final newline
        try:
            replies = exchange(path, payload)
        except (OSError, ValueError) as e:
            tally.crash(f"request {payload[:80]!r}: {type(e).__name__}: {e}")
            continue
        if payload.endswith(b"\n") and len(replies) != len(lines):
            tally.crash(f"request {payload[:80]!r}: {len(replies)} replies to {len(lines)} lines")
        for reply in replies:
            tally.add("reply: error" if "error" in reply else f"reply: {reply.get('reply', '?')}")
        if i % 25 == 24 or i == count - 1:
            try:
                if client.call(path, messages.status(), 10.0)["pid"] != pid:
                    tally.crash("the server was replaced")
            except Exception as e:
                tally.crash(f"the server stopped answering: {e}")
                return


def start_server(folder: Path) -> str:
    path = folder / "fuzz.sock"
    subprocess.run([sys.executable, "-m", "passlm.server", "--background", "--socket", str(path), "--engine",
                    "fixed:default<Oz>", "--log", str(folder / "fuzz.log"), "--cache", str(folder / "cache.sqlite3")],
                   check=True, capture_output=True, timeout=120)
    return str(path)


def stop_server(path: str) -> None:
    subprocess.run([sys.executable, "-m", "passlm.server", "--socket", path, "--stop"], capture_output=True,
                   timeout=120)


def run_all(seed: int, pipelines: int, evaluations: int, modules: int, requests: int,
            server: Optional[str] = None, log: Callable[[str], None] = lambda line: None) -> dict:
    """Every fuzzer once; a server is started (and stopped) unless ``server`` names a socket."""
    rng = random.Random(seed)
    from passlm.compile import load_module

    module = load_module(REPO / "examples" / "crc32.c")
    results = {}
    for name, run in [("pipelines", lambda t: fuzz_pipelines(rng, module, pipelines, evaluations, t)),
                      ("modules", lambda t: fuzz_modules(rng, module, modules, t))]:
        started, tally = time.perf_counter(), Tally()
        run(tally)
        results[name] = {**tally.as_dict(), "seconds": round(time.perf_counter() - started, 1)}
        log(f"{name}: {json.dumps(results[name])}")
    started, tally = time.perf_counter(), Tally()
    with tempfile.TemporaryDirectory(prefix="plf") as folder:
        path = server or start_server(Path(folder))
        try:
            fuzz_requests(rng, path, module.to_text(), requests, tally)
        finally:
            if server is None:
                stop_server(path)
    results["requests"] = {**tally.as_dict(), "seconds": round(time.perf_counter() - started, 1)}
    log(f"requests: {json.dumps(results['requests'])}")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pipelines", type=int, default=2000, help="pipeline strings checked")
    parser.add_argument("--evaluations", type=int, default=60, help="of them, evaluated in a child too")
    parser.add_argument("--modules", type=int, default=60, help="broken modules read in a child")
    parser.add_argument("--requests", type=int, default=500, help="connections with random requests")
    args = parser.parse_args()
    results = run_all(args.seed, args.pipelines, args.evaluations, args.modules, args.requests, log=print)
    crashes = sum(r["crashes"] for r in results.values())
    print(f"total: {sum(r['cases'] for r in results.values())} cases, {crashes} crashes")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
