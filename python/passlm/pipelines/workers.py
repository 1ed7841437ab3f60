"""A pool of worker processes that evaluate (module, pipeline) pairs in-process.

Some pipelines parse and then abort LLVM (report_fatal_error), crash it or
hang it; nothing in-process survives that. So every evaluation runs in a
worker process through ``passlm._core``. A worker that dies takes only its
job with it (recorded as ``crash``) and is replaced; a job that overruns its
timeout has its worker killed (``timeout``). concurrent.futures cannot be
used: one dead worker breaks a ProcessPoolExecutor for good. Workers are
plain ``python -m passlm.pipelines.workers`` processes talking over two pipes, so
they neither fork a parent that has threads nor re-import the caller's
``__main__`` (as multiprocessing's spawn and forkserver do).

    with WorkerPool(jobs=2, timeout=60) as pool:
        for result in pool.evaluate_many([Job(hash, bitcode, "default<Oz>")]):
            print(result.pipeline, result.status, result.object_size)
"""
from __future__ import annotations

import sys
import time
from collections import OrderedDict
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Iterable, Iterator, Optional, Sequence

from ..store import Evaluation
from .process import IsolatedProcess, child_connections

_MODULES_PER_WORKER = 32  # parsed modules a worker keeps: bounds its memory
#: A wait that returns this much later than asked means this process was stopped, not the job slow.
STALL_GRACE = 1.0


@dataclass(frozen=True)
class Job:
    module: str     # Module.hash
    bitcode: bytes  # the module, as the store keeps it
    pipeline: str
    strategy: Optional[str] = None


class ModuleCache:
    """Parsed modules by hash, the least recently used dropped first: a worker
    (a pool's or Ray's) parses each module once per stay in the cache."""

    def __init__(self, capacity: int = _MODULES_PER_WORKER):
        self.capacity = capacity
        self.modules: OrderedDict = OrderedDict()

    def get(self, module: str, bitcode: bytes):
        import passlm

        parsed = self.modules.get(module)
        if parsed is None:
            parsed = self.modules[module] = passlm.Module.from_string(bitcode, name=module)
        self.modules.move_to_end(module)
        while len(self.modules) > self.capacity:
            self.modules.popitem(last=False)
        return parsed


def evaluate_in_worker(cache: ModuleCache, module: str, bitcode: bytes, pipeline: str) -> tuple:
    """(status, instructions, object_size, detail, seconds) of one job, in the
    worker process: ``Module.evaluate`` (verification included), with every
    error it raises an ``invalid`` status. What kills the process is the
    pool's to record (``crash``, ``timeout``)."""
    import passlm

    start = time.perf_counter()
    try:
        instructions, size = cache.get(module, bitcode).evaluate(pipeline)
        reply = ("ok", instructions, size, None)
    except passlm.PipelineError as e:
        reply = ("invalid", None, None, e.message)
    except Exception as e:  # codegen errors, verifier failures of the result, unreadable bitcode
        reply = ("invalid", None, None, f"{type(e).__name__}: {e}")
    return reply + (time.perf_counter() - start,)


def _worker_main(jobs: Connection, replies: Connection, plugins: Sequence[str]) -> None:
    """Evaluate jobs until the pipe closes."""
    import passlm

    for plugin in plugins:
        passlm.load_pass_plugin(plugin)
    cache = ModuleCache()
    while True:
        try:
            job = jobs.recv()
        except EOFError:
            return
        replies.send(evaluate_in_worker(cache, job.module, job.bitcode, job.pipeline))


class _Worker(IsolatedProcess):
    def __init__(self, plugins: Sequence[str]):
        super().__init__("passlm.pipelines.workers", plugins)
        self.job: Optional[Job] = None
        self.deadline = 0.0

    def give(self, job: Job, timeout: float) -> None:
        self.job, self.deadline = job, time.monotonic() + timeout
        self.requests.send(job)

    def last_words(self) -> str:
        """The last line the worker printed on stderr (LLVM's fatal error)."""
        lines = self.printed()
        return lines[-1] if lines else ""


class WorkerPool:
    """``jobs`` worker processes; each evaluation may take ``timeout`` seconds."""

    def __init__(self, jobs: int = 2, timeout: float = 60.0, plugins: Sequence[str] = ()):
        if jobs < 1:
            raise ValueError("jobs must be at least 1")
        self.timeout, self.plugins = timeout, tuple(plugins)
        self.workers = [_Worker(self.plugins) for _ in range(jobs)]
        self.crashes = self.timeouts = 0

    def close(self) -> None:
        for w in self.workers:
            w.close()
        self.workers = []

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _replace(self, worker: _Worker) -> None:
        worker.close()
        self.workers[self.workers.index(worker)] = _Worker(self.plugins)

    @property
    def idle(self) -> int:
        """Workers free for a job now."""
        return sum(w.job is None for w in self.workers)

    @property
    def busy(self) -> int:
        return len(self.workers) - self.idle

    def submit(self, job: Job) -> None:
        """Hands a job to an idle worker (there must be one)."""
        worker = next((w for w in self.workers if w.job is None), None)
        if worker is None:
            raise RuntimeError("no idle worker: collect() first")
        worker.give(job, self.timeout)

    def collect(self) -> list[Evaluation]:
        """Waits until at least one running job ends; returns what ended."""
        busy = [w for w in self.workers if w.job is not None]
        if not busy:
            return []
        done: list[Evaluation] = []
        while not done:
            before = time.monotonic()
            wait_for = max(0.0, min(w.deadline for w in busy) - before)
            ready = wait([w.replies for w in busy] + [w.sentinel for w in busy], timeout=wait_for)
            now = time.monotonic()
            overslept = now - before - wait_for
            if overslept > STALL_GRACE:
                # This process did not run for a while: the run was paused (SIGSTOP, as for a timing
                # benchmark) or starved. Its workers were too, and when the pause began is unknown: give
                # back the whole wait instead of calling their jobs timed out.
                for w in busy:
                    w.deadline += now - before
            for w in busy:
                job = w.job
                if w.replies in ready:
                    try:
                        status, instructions, size, detail, seconds = w.replies.recv()
                    except (EOFError, OSError):  # died while answering
                        done.append(self._lost(w, job, "crash"))
                        continue
                    w.job = None
                    done.append(Evaluation(job.module, job.pipeline, status, instructions, size, detail, seconds,
                                           job.strategy))
                elif w.sentinel in ready:
                    done.append(self._lost(w, job, "crash"))
                elif now >= w.deadline:
                    done.append(self._lost(w, job, "timeout"))
            busy = [w for w in self.workers if w.job is not None]
        return done

    def evaluate_many(self, jobs: Iterable[Job]) -> Iterator[Evaluation]:
        """Evaluations in the order they finish; ``jobs`` is read lazily."""
        pending = iter(jobs)
        exhausted = False
        while True:
            while not exhausted and self.idle:
                job = next(pending, None)
                if job is None:
                    exhausted = True
                else:
                    self.submit(job)
            if not self.busy:
                return
            yield from self.collect()

    def _lost(self, worker: _Worker, job: Job, status: str) -> Evaluation:
        code = worker.process.poll()
        words = worker.last_words()
        self._replace(worker)
        if status == "crash":
            self.crashes += 1
            detail = f"worker died (exit code {code})" + (f": {words}" if words else "")
        else:
            self.timeouts += 1
            detail = f"no result within {self.timeout:g} s"
        return Evaluation(job.module, job.pipeline, status, None, None, detail, None, job.strategy)


if __name__ == "__main__":
    _worker_main(*child_connections(sys.argv), sys.argv[3:])
