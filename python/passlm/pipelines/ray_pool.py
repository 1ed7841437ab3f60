"""The worker pool's evaluation jobs on a Ray cluster (``--ray-address``).

Same interface as ``WorkerPool`` (idle, busy, submit, collect, close): each
job is a Ray task that evaluates in its Ray worker process as a pool's
worker does (``workers.evaluate_in_worker``, with its own ``ModuleCache``). A task whose worker dies is recorded as ``crash``; one
that overruns the timeout is cancelled (``ray.cancel(force=True)``) and
recorded as ``timeout``. Ray is an optional dependency (pip install ray).
"""
from __future__ import annotations

import time

from ..store import Evaluation
from .workers import Job, ModuleCache, evaluate_in_worker

_CACHE = ModuleCache()  # per Ray worker process: the modules it parsed


def _evaluate_in_ray_worker(module: str, bitcode: bytes, pipeline: str) -> tuple:
    return evaluate_in_worker(_CACHE, module, bitcode, pipeline)


class RayPool:
    def __init__(self, address: str, jobs: int = 2, timeout: float = 60.0):
        try:
            import ray
        except ImportError:
            raise RuntimeError("--ray-address needs Ray: pip install ray") from None
        self.ray = ray
        if not ray.is_initialized():
            ray.init(address=address, log_to_driver=False, **({"num_cpus": jobs} if address == "local" else {}))
        self.task = ray.remote(max_retries=0)(_evaluate_in_ray_worker)
        self.timeout = timeout
        self.workers = [None] * jobs  # slots: tasks in flight at once
        self.inflight: dict = {}      # ObjectRef -> (job, deadline)
        self.crashes = self.timeouts = 0

    @property
    def idle(self) -> int:
        return len(self.workers) - len(self.inflight)

    @property
    def busy(self) -> int:
        return len(self.inflight)

    def submit(self, job: Job) -> None:
        if not self.idle:
            raise RuntimeError("no idle slot: collect() first")
        ref = self.task.remote(job.module, job.bitcode, job.pipeline)
        self.inflight[ref] = (job, time.monotonic() + self.timeout)

    def collect(self) -> list[Evaluation]:
        done: list[Evaluation] = []
        while self.inflight and not done:
            wait_for = max(0.0, min(d for _, d in self.inflight.values()) - time.monotonic())
            ready, _ = self.ray.wait(list(self.inflight), num_returns=1, timeout=wait_for)
            for ref in ready:
                job, _ = self.inflight.pop(ref)
                try:
                    status, instructions, size, detail, seconds = self.ray.get(ref)
                    done.append(Evaluation(job.module, job.pipeline, status, instructions, size, detail, seconds,
                                           job.strategy))
                except Exception as e:  # the worker died (WorkerCrashedError, RayTaskError...)
                    self.crashes += 1
                    done.append(Evaluation(job.module, job.pipeline, "crash", None, None,
                                           f"Ray task failed: {type(e).__name__}", None, job.strategy))
            now = time.monotonic()
            for ref, (job, deadline) in list(self.inflight.items()):
                if now >= deadline:
                    self.ray.cancel(ref, force=True)
                    del self.inflight[ref]
                    self.timeouts += 1
                    done.append(Evaluation(job.module, job.pipeline, "timeout", None, None,
                                           f"no result within {self.timeout:g} s", None, job.strategy))
        return done

    def close(self) -> None:
        for ref in list(self.inflight):
            self.ray.cancel(ref, force=True)
        self.inflight.clear()
        self.ray.shutdown()

    def __enter__(self) -> "RayPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
