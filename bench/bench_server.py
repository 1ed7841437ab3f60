"""The server alone: what batching gains, and what a cache hit costs.

1. Batching: N concurrent predict requests (the examples and bench/data, in
   the IR form of docs/conventions.md, repeated to N) against a server without a cache,
   once with --max-batch 1 and once with --max-batch B. Prints the wall time
   of all N and the ratio, for k=1 and k=4, and checks that both servers gave
   the same candidates.
2. A cache hit: the round trip of one predict request the cache answers
   (connect, send the IR and its hash, look it up, reply), median of 50,
   from Python as the plugin's embedded client does it.
3. A cold start: from spawning a server as the plugin's route does
   (``--background --lazy --engine SPEC``) to its first answered prediction,
   median of 3, for the default engine and for ``--engine`` (target: 2 s).

    .venv/bin/python bench/bench_server.py [--clients 32] [--batch 8] [--engine model:default]
"""
from __future__ import annotations

import argparse
import hashlib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import passlm
from passlm.compile import c_to_ir
from passlm import messages
from passlm.defaults import DEFAULT_ENGINE
from passlm.server import client

REPO = Path(__file__).resolve().parents[1]


def start(folder: Path, name: str, engine: str, *extra: str) -> Path:
    path = folder / f"{name}.sock"
    subprocess.run([sys.executable, "-m", "passlm.server", "--background", "--socket", str(path), "--engine", engine,
                    "--log", str(folder / f"{name}.log"), *extra], check=True, capture_output=True)
    while not client.call(str(path), messages.status(), 5.0)["engines"][engine]["loaded"]:
        time.sleep(0.1)
    return path


def ready_seconds(folder: Path, name: str, engine: str, ir: str) -> float:
    """Spawn to first answered prediction, as a cold build's first compiler waits for it."""
    path = folder / f"{name}.sock"
    begin = time.perf_counter()
    subprocess.run([sys.executable, "-m", "passlm.server", "--background", "--lazy", "--socket", str(path),
                    "--engine", engine, "--cache", "off", "--log", str(folder / f"{name}.log")],
                   check=True, capture_output=True)
    try:
        while True:
            try:
                client.call(str(path), predict(engine, 4, ir), 600.0)
                return time.perf_counter() - begin
            except (FileNotFoundError, ConnectionRefusedError):
                time.sleep(0.01)  # not listening yet
    finally:
        stop(path)


def predict(engine: str, k: int, ir: str) -> dict:
    """A predict request; a hash of the IR stands for the plugin's (the server's cache key)."""
    return messages.predict(engine, k, ir, messages.module_facts("m", hashlib.sha256(ir.encode()).hexdigest()))


def stop(path: Path) -> None:
    subprocess.run([sys.executable, "-m", "passlm.server", "--socket", str(path), "--stop"], capture_output=True)


def burst(path: Path, irs: list[str], k: int, engine: str) -> tuple[float, list]:
    barrier = threading.Barrier(len(irs))

    def ask(ir):
        barrier.wait()
        return client.call(str(path), predict(engine, k, ir), 600.0)

    start_time = time.perf_counter()
    with ThreadPoolExecutor(len(irs)) as pool:
        replies = list(pool.map(ask, irs))
    return time.perf_counter() - start_time, [[c["pipeline"] for c in r["candidates"]] for r in replies]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--engine", default="model:default")
    args = parser.parse_args(argv)
    sources = sorted((REPO / "examples").glob("*.c")) + sorted((REPO / "bench" / "data").glob("*.c"))
    with tempfile.TemporaryDirectory(prefix="plsbs") as tmp:
        folder = Path(tmp)
        modules = [passlm.Module.from_string(c_to_ir(src), src.name).to_text() for src in sources]
        irs = [modules[i % len(modules)] for i in range(args.clients)]
        print(f"{args.clients} concurrent requests over {len(modules)} modules, engine {args.engine}")
        print(f"{'k':>3}{'batch 1 s':>12}{f'batch {args.batch} s':>12}{'gain':>8}  same answers")
        for k in (1, 4):
            one = start(folder, f"b1k{k}", args.engine, "--max-batch", "1", "--cache", "off")
            many = start(folder, f"b{args.batch}k{k}", args.engine, "--max-batch", str(args.batch), "--cache", "off")
            try:
                burst(one, irs[:2], k, args.engine)  # warm both (first-call costs)
                burst(many, irs[:2], k, args.engine)
                t1, answers1 = burst(one, irs, k, args.engine)
                tb, answersb = burst(many, irs, k, args.engine)
                counters = client.call(str(many), messages.status(), 5.0)["counters"]
            finally:
                stop(one)
                stop(many)
            mean = counters["inferences"] / max(1, counters["batches"])
            print(f"{k:>3}{t1:>12.2f}{tb:>12.2f}{t1 / tb:>7.2f}x  {answers1 == answersb} (mean batch {mean:.1f})")

        cached = start(folder, "cache", args.engine, "--cache", str(folder / "c.sqlite3"))
        try:
            ir = modules[0]
            message = predict(args.engine, 4, ir)
            client.call(str(cached), message, 600.0)
            times = []
            for _ in range(50):
                start_time = time.perf_counter()
                assert client.call(str(cached), message, 60.0)["cached"]
                times.append(time.perf_counter() - start_time)
        finally:
            stop(cached)
        print(f"cache hit round trip ({len(ir) / 1e3:.0f} kB of IR): median {statistics.median(times) * 1e3:.1f} ms, "
              f"p90 {sorted(times)[44] * 1e3:.1f} ms")
        for engine in dict.fromkeys((DEFAULT_ENGINE, args.engine)):
            ready = [ready_seconds(folder, f"ready{i}", engine, modules[0]) for i in range(3)]
            print(f"cold start to the first prediction, {engine}: median {statistics.median(ready):.2f} s "
                  f"(of {', '.join(f'{r:.2f}' for r in ready)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
