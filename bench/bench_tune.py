"""Autotuner throughput: evaluations per second of the worker pool with 1 and
2 workers, against the subprocess route (opt | llc | llvm-size per
evaluation), on the same seeded random pass lists over the examples.

Both routes evaluate the same (module, pipeline) jobs; the pool's sizes are
checked against the subprocess's. Each pool starts fresh (no memo carried
over between the 1- and 2-worker runs).

    .venv/bin/python bench/bench_tune.py [--lists 40] [--subprocess-lists 10]
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
from passlm.tune.space import candidate_elements
from passlm.tune.workers import Job, WorkerPool

from bench_core import subprocess_size  # the same opt | llc | llvm-size chain

REPO = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lists", type=int, default=40, help="random lists per module (default 40)")
    parser.add_argument("--subprocess-lists", type=int, default=10, help="of which the subprocess route runs")
    parser.add_argument("--seed", type=int, default=0)
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
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
