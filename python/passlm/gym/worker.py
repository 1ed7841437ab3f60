"""The process an environment's module lives in, so that a step LLVM aborts
on kills the worker and not the agent.

Some pipeline elements parse and then abort LLVM (report_fatal_error) on
some modules; nothing in-process survives that. The environment keeps its
current module in one ``python -m passlm.gym.worker`` process, spoken to
over two pipes as ``passlm.pipelines.workers`` does for the tuner (no fork of
a parent that has threads, no re-import of the agent's ``__main__``), but
holding state: a step runs one element on the module the worker keeps, in
place, and measures it. A worker that dies or overruns its timeout is killed
and ``StepWorker.request`` raises ``WorkerLost`` with LLVM's last words; the
next ``load`` starts a new one.

Requests and replies (pickled tuples):

    ("load", name, bitcode, observation, measure_size, skip_unchanged, oz) -> ("ok", {...})
    ("step", element)   -> ("ok", changed, instructions, object_size, observation) | ("error", message)
    ("lookahead", element) -> ("ok", instructions, object_size) on a copy | ("error", message)
    ("apply", elements) -> ("ok", None): run them in order (restoring a state)
    ("observe", kind)   -> ("ok", observation)
    ("bitcode",)        -> ("ok", bytes)

With ``skip_unchanged`` (the default) a step whose bitcode is unchanged
reuses the last size and observation, and a module met before in the
worker's life (the same bitcode) reuses the size and observation measured
then: the same bitcode is the same IR, so the same object.
"""
from __future__ import annotations

import hashlib
import signal
import sys
import time
from collections import OrderedDict
from multiprocessing.connection import Connection, wait
from typing import Optional

from ..defaults import OZ
from ..pipelines.process import IsolatedProcess, child_connections

_REMEMBERED = 20_000  # modules whose size and observation a worker keeps (up to 2-3 kB each)


class WorkerLost(Exception):
    """The worker died (LLVM aborted) or overran its timeout; ``reason`` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def observe(module, kind: str):
    """An observation of ``kind`` (see ``passlm.gym.spaces.OBSERVATIONS``), as plain Python values."""
    if kind == "instruction_count":
        return [module.instruction_count]
    from . import features

    text = module.to_text()
    if kind == "autophase":
        return features.autophase(text)
    if kind == "opcodes":
        return features.opcode_counts(text)
    if kind == "ir":
        from ..model.normalize import normalize_ir

        return normalize_ir(text)
    if kind == "ir_raw":
        return text
    raise ValueError(f"unknown observation '{kind}'")


class _State:
    """What the worker holds between requests."""

    def __init__(self) -> None:
        self.module = None
        self.kind = "autophase"
        self.measure_size = True
        self.skip_unchanged = True
        self.bitcode = b""
        self.size: Optional[int] = None
        self.observation = None
        self.seen: OrderedDict = OrderedDict()  # (bitcode digest, kind, measure_size) -> (size, observation)

    def load(self, name: str, bitcode: bytes, kind: str, measure_size: bool, skip_unchanged: bool,
             oz: Optional[tuple]) -> dict:
        """Parses the benchmark; measures it, and under -Oz unless ``oz`` (a known
        (instructions, object_size)) is given."""
        import passlm

        self.module = passlm.Module.from_string(bitcode, name=name)
        self.kind, self.measure_size, self.skip_unchanged = kind, measure_size, skip_unchanged
        self.bitcode = self.module.to_bitcode()
        self.size, self.observation = self._measure(self.bitcode)
        if oz is None or (measure_size and oz[1] is None):
            if measure_size:
                oz = self.module.evaluate(OZ)
            else:
                copy = self.module.clone()
                copy.run(OZ)
                oz = (copy.instruction_count, None)
        oz_instructions, oz_size = oz
        return {"instructions": self.module.instruction_count, "object_size": self.size,
                "oz_instructions": oz_instructions, "oz_object_size": oz_size, "observation": self.observation}

    def step(self, element: str) -> tuple:
        self.module.run(element)
        self.module.verify()  # before writing bitcode: the writer may crash on broken IR
        bitcode = self.module.to_bitcode()
        changed = bitcode != self.bitcode
        if changed or not self.skip_unchanged:
            self.bitcode = bitcode
            self.size, self.observation = self._measure(bitcode)
        return changed, self.module.instruction_count, self.size, self.observation

    def apply(self, elements: list[str]) -> None:
        """Runs elements one by one, as steps would, measuring only the result."""
        for element in elements:
            self.module.run(element)
        self.bitcode = self.module.to_bitcode()
        self.size, self.observation = self._measure(self.bitcode)

    def _measure(self, bitcode: bytes) -> tuple:
        """(object size, observation) of the module, remembered by its bitcode:
        episodes on one benchmark pass through the same modules again and again."""
        if not self.skip_unchanged:
            return (self.module.object_size() if self.measure_size else None), observe(self.module, self.kind)
        key = (hashlib.sha256(bitcode).digest(), self.kind, self.measure_size)
        known = self.seen.get(key)
        if known is None:
            size = self.module.object_size() if self.measure_size else None
            observation = observe(self.module, self.kind)
            known = self.seen[key] = (size, None if isinstance(observation, str) else observation)
            if len(self.seen) > _REMEMBERED:
                self.seen.popitem(last=False)
            return size, observation
        self.seen.move_to_end(key)
        size, observation = known
        return size, observation if observation is not None else observe(self.module, self.kind)


def _serve(requests: Connection, replies: Connection) -> None:
    state = _State()
    while True:
        try:
            request = requests.recv()
        except EOFError:
            return
        kind, args = request[0], request[1:]
        try:
            if kind == "load":
                reply = ("ok", state.load(*args))
            elif kind == "step":
                reply = ("ok", *state.step(*args))
            elif kind == "lookahead":
                reply = ("ok", *state.module.evaluate(*args))
            elif kind == "apply":
                reply = ("ok", state.apply(*args))
            elif kind == "observe":
                reply = ("ok", observe(state.module, *args))
            elif kind == "bitcode":
                reply = ("ok", state.module.to_bitcode())
            else:
                reply = ("error", f"unknown request '{kind}'")
        except Exception as e:  # PipelineError, VerifierError, CodegenError: errors as values
            reply = ("error", f"{type(e).__name__}: {e}")
        replies.send(reply)


class StepWorker(IsolatedProcess):
    """One worker process; ``request`` sends a request and waits for its reply."""

    def __init__(self) -> None:
        super().__init__("passlm.gym.worker")

    def request(self, message: tuple, timeout: float) -> tuple:
        """The reply to ``message``; raises WorkerLost (the worker is then closed)."""
        try:
            self.requests.send(message)
        except OSError:
            self._lose("worker died")
        deadline = time.monotonic() + timeout
        while True:
            ready = wait([self.replies, self.sentinel], timeout=max(0.0, deadline - time.monotonic()))
            if self.replies in ready:
                try:
                    return self.replies.recv()
                except (EOFError, OSError):  # the pipe closed: the worker is gone
                    self._lose("LLVM aborted")
            if self.sentinel in ready:
                self._lose("LLVM aborted")
            if time.monotonic() >= deadline:
                self._lose(f"no reply within {timeout:g} s")

    def _lose(self, what: str) -> None:
        if self.process.poll() is None:
            self.process.kill()
        code = self.process.wait()
        lines = self.printed()  # before close(), which releases the file
        self.close()
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        words = f": {lines[0]}" if lines else ""
        raise WorkerLost(f"{what} ({how}){words}")

    @property
    def alive(self) -> bool:
        return self.process.poll() is None and not self.requests.closed


if __name__ == "__main__":
    _serve(*child_connections(sys.argv))
