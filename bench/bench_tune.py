"""Autotuner throughput: evaluations per second of the worker pool with 1 and
2 workers, against the subprocess route (opt | llc | llvm-size per
evaluation), on the same seeded random pass lists over the examples; then a
deep search (``passlm tune`` at ``--budget``, default 4,000 per module), to
show where its time goes: the coordinator's CPU as a share of one core, and
its CPU per evaluation early and late in the search (constant when nothing
rescans the history).

Both routes evaluate the same (module, pipeline) jobs; the pool's sizes are
checked against the subprocess's. Each pool starts fresh (no memo carried
over between the 1- and 2-worker runs).

    .venv/bin/python bench/bench_tune.py [--lists 40] [--subprocess-lists 10] [--budget 4000]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import passlm
from passlm import paths
from passlm.compile import c_to_ir
from passlm.store import Provenance, Store
from passlm.tune.search import TuneConfig, tune
from passlm.pipelines.space import candidate_elements
from passlm.pipelines.workers import Job, WorkerPool

from bench_core import subprocess_size  # the same opt | llc | llvm-size chain

REPO = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lists", type=int, default=40, help="random lists per module (default 40)")
    parser.add_argument("--subprocess-lists", type=int, default=10, help="of which the subprocess route runs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--budget", type=int, default=4000, help="deep search: evaluations per module (0: skip)")
    parser.add_argument("--deep-modules", default="sort,rle", help="deep search: examples searched")
    args = parser.parse_args(argv)
    tools = {n: paths.llvm_tool(n) for n in ("opt", "llc", "llvm-size")}
    rng = random.Random(args.seed)
    elements = candidate_elements()
    with tempfile.TemporaryDirectory() as tmp:
        modules = []
        for src in sorted((REPO / "examples").glob("*.c")):
            bitcode = c_to_ir(src)
            bc = Path(tmp) / f"{src.stem}.bc"
            bc.write_bytes(bitcode)
            modules.append((passlm.Module.from_string(bitcode).hash, bitcode, bc))
        jobs = [Job(h, bitcode, ",".join(rng.choice(elements) for _ in range(rng.randint(1, 15))))
                for h, bitcode, _ in modules for _ in range(args.lists)]
        rates, sizes = {}, {}
        for workers in (1, 2):
            with WorkerPool(jobs=workers, timeout=60) as pool:
                start = time.perf_counter()
                results = list(pool.evaluate_many(jobs))
                rates[workers] = len(jobs) / (time.perf_counter() - start)
            sizes[workers] = {(r.module, r.pipeline): r.object_size for r in results}
        sub_jobs = [j for i, j in enumerate(jobs) if i % args.lists < args.subprocess_lists]
        bc_of = {h: bc for h, _, bc in modules}
        start = time.perf_counter()
        reference = {(j.module, j.pipeline): subprocess_size(tools, bc_of[j.module], j.pipeline) for j in sub_jobs}
        sub_rate = len(sub_jobs) / (time.perf_counter() - start)
    mismatches = [k for k, v in reference.items() if v is not None and sizes[1][k] != v or sizes[1][k] != sizes[2][k]]
    print(f"{len(modules)} example modules, {len(jobs)} random lists of 1-15 elements "
          f"({len(sub_jobs)} through the subprocess route)")
    print(f"{'route':<26}{'evals/s':>9}{'vs subprocess':>15}")
    print(f"{'subprocess opt|llc|size':<26}{sub_rate:>9.1f}{1.0:>14.1f}x")
    for workers in (1, 2):
        print(f"{f'worker pool, {workers} worker' + ('s' if workers > 1 else ''):<26}{rates[workers]:>9.1f}"
              f"{rates[workers] / sub_rate:>14.1f}x")
    print(f"2 workers / 1 worker: {rates[2] / rates[1]:.2f}x; size mismatches: {len(mismatches)}")
    if args.budget:
        deep_search(args.deep_modules.split(","), args.budget, args.seed)
    return 1 if mismatches else 0


def deep_search(names, budget: int, seed: int) -> None:
    """Where a deep search's time goes: workers or the coordinator (this process)."""
    marks = []  # (evaluations done, coordinator CPU seconds, wall seconds)

    def progress(stats, done):
        marks.append((stats.evaluated, time.process_time(), time.perf_counter()))

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "deep.db") as store:
        modules = []
        for name in names:
            bitcode = c_to_ir(REPO / "examples" / f"{name}.c")
            module_hash = passlm.Module.from_string(bitcode).hash
            store.add_module(module_hash, bitcode, Provenance(f"{name}.c", "files", passlm.LLVM_VERSION))
            modules.append(module_hash)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        stats = tune(store, modules, TuneConfig(budget=budget, seed=seed, jobs=2), progress=progress)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    n = len(marks)
    quarter = max(1, n // 4)

    def per_eval(a, b):  # coordinator CPU ms per evaluation between two marks
        (e0, c0, _), (e1, c1, _) = marks[a], marks[b]
        return 1000 * (c1 - c0) / max(1, e1 - e0)

    print(f"\ndeep search: {len(modules)} modules ({', '.join(names)}), budget {budget} each, 2 workers: "
          f"{stats.evaluated} evaluations in {wall:.1f} s ({stats.evaluated / wall:.1f}/s)")
    print(f"coordinator CPU: {cpu:.1f} s = {100 * cpu / wall:.0f} % of one core")
    if n > 4:
        print(f"coordinator CPU per evaluation: first quarter {per_eval(0, quarter):.2f} ms, "
              f"last quarter {per_eval(n - quarter - 1, n - 1):.2f} ms")


if __name__ == "__main__":
    sys.exit(main())
