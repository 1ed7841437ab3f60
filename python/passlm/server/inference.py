"""The server's one inference thread: pending predictions, batched.

It takes the pending predictions, up to ``max_batch`` of them gathered within
``max_wait`` seconds of the first, and answers them with one batched call per
(engine, k). Engines are loaded before a prediction is queued (in the
connection's thread, ``EngineSlot.engine``), so this thread never waits on a
load.
"""
from __future__ import annotations

import queue
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from .engines import EngineSlot

#: Batching gains nothing on a CPU: bench/bench_server.py measured 32
#: concurrent requests at 0.96x (k=1) and 0.62x (k=4) of one-at-a-time with
#: batches of up to 8 on 2 cores. On a GPU a batch costs about what one does.
AUTO_BATCH_GPU = 8


@dataclass
class _Pending:
    slot: EngineSlot
    k: int
    ir: str
    done: threading.Event = field(default_factory=threading.Event)
    candidates: Optional[list] = None
    error: Optional[str] = None
    batch_size: int = 0


class Batcher:
    """``predict`` from any thread; one thread answers, in batches. ``count(name, n)`` counts batches and inferences."""

    def __init__(self, max_batch: int, max_wait: float, count: Callable[[str, int], None]):
        self.max_batch, self.max_wait, self._count = max_batch, max_wait, count
        self._pending: "queue.Queue[_Pending]" = queue.Queue()

    def start(self) -> None:
        threading.Thread(target=self._loop, name="inference", daemon=True).start()

    def batch_limit(self) -> int:
        """max_batch, or auto: AUTO_BATCH_GPU on CUDA, 1 on a CPU."""
        return self.max_batch or (AUTO_BATCH_GPU if _on_gpu() else 1)

    def predict(self, slot: EngineSlot, k: int, ir: str) -> tuple[list, int]:
        """(the candidates, the size of the batch that answered them); RuntimeError if the engine failed."""
        pending = _Pending(slot, k, ir)
        self._pending.put(pending)
        pending.done.wait()
        if pending.error:
            raise RuntimeError(pending.error)
        return pending.candidates, pending.batch_size

    def _loop(self) -> None:
        while True:
            first = self._pending.get()
            batch = [first]
            deadline = time.monotonic() + self.max_wait
            limit = self.batch_limit()
            while len(batch) < limit:
                try:
                    batch.append(self._pending.get(timeout=max(0.0, deadline - time.monotonic())))
                except queue.Empty:
                    break
            groups: dict = {}
            for p in batch:
                groups.setdefault((p.slot.spec, p.k), []).append(p)
            for group in groups.values():
                self._run_group(group)

    def _run_group(self, group: list) -> None:
        self._count("batches", 1)
        self._count("inferences", len(group))
        try:
            answers = group[0].slot.predict_batch([p.ir for p in group], group[0].k)
        except Exception as e:
            answers, error = None, f"{type(e).__name__}: {e}"
        for i, p in enumerate(group):
            if answers is None:
                p.error = error
            else:
                p.candidates, p.batch_size = answers[i], len(group)
            p.done.set()


def _on_gpu() -> bool:
    """Whether engines run on CUDA (asked only once an engine has imported torch).

    Another thread may be importing torch right now (an engine loading): a
    module half initialized has no ``cuda`` yet, and then the answer is no.
    """
    cuda = getattr(sys.modules.get("torch"), "cuda", None)
    is_available = getattr(cuda, "is_available", None)
    return bool(is_available is not None and is_available())
