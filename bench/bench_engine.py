"""The model engine's costs on this machine: load time and prediction latency.

- load: wall time of ``make_engine("model:...")`` in a fresh process (import
  of torch and transformers included, as a compiler process pays it), and the
  same for ``fixed:default<Oz>`` as the baseline of an engine that loads
  nothing; medians over --loads runs.
- predict: per-module wall time of ``engine.predict(ir, k)`` for k = 1 and
  k = 16 on the examples and the Lua modules of bench/data (IR text made
  once; normalization, tokenization and decoding are all inside the time),
  median and p90, with the fraction of modules condensed to fit the context.
- threads (``--busy N``): k=4 prediction latency with torch's intra-op
  threads at each of ``--threads`` (0: torch's default) while N busy
  processes compete for the cores, as compilers and guard trials do in a
  ``make -j2`` build. The baseline is the same run with nothing competing.

    .venv/bin/python bench/bench_engine.py [--engine model:default] [--loads 3] [--reps 3]
    .venv/bin/python bench/bench_engine.py --busy 2 --threads 0,1,2
"""
from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def load_seconds(spec: str) -> float:
    code = ("import time; t = time.perf_counter(); from passlm.engine import make_engine; "
            f"make_engine({spec!r}); print(time.perf_counter() - t)")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    process = time.perf_counter() - start
    return float(done.stdout.split()[-1]), process


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def module_texts() -> dict[str, str]:
    from passlm import Module
    from passlm.compile import c_to_ir

    files = sorted((REPO / "examples").glob("*.c")) + sorted((REPO / "bench" / "data").glob("*.c"))
    return {f.name: Module.from_string(c_to_ir(f)).to_text() for f in files}


def _spin() -> None:
    while True:
        pass


@contextlib.contextmanager
def busy_cores(n: int):
    """``n`` processes that keep a core each busy until the block ends."""
    spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(n)]
    for p in spinners:
        p.start()
    try:
        yield
    finally:
        for p in spinners:
            p.kill()
            p.join()


def median_latency(engine, texts: dict[str, str], k: int, reps: int) -> float:
    per_module = []
    for text in texts.values():
        times = []
        for _ in range(reps):
            start = time.perf_counter()
            engine.predict(text, k)
            times.append(time.perf_counter() - start)
        per_module.append(statistics.median(times))
    return statistics.median(per_module)


def thread_settings(engine, texts: dict[str, str], busy: int, threads: list[int], reps: int) -> None:
    import torch

    default = torch.get_num_threads()
    for n in threads:
        torch.set_num_threads(n or default)
        idle = median_latency(engine, texts, 4, reps)
        with busy_cores(busy):
            loaded = median_latency(engine, texts, 4, reps)
        print(f"threads {n or f'default ({default})'}: predict k=4 median {idle * 1000:.0f} ms idle, "
              f"{loaded * 1000:.0f} ms with {busy} busy processes ({loaded / idle:.1f}x)")
    torch.set_num_threads(default)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="model:default")
    parser.add_argument("--loads", type=int, default=3, help="fresh processes timed for the load")
    parser.add_argument("--reps", type=int, default=3, help="predictions per module and k")
    parser.add_argument("--busy", type=int, default=0, metavar="N",
                        help="only the thread-settings figures, with N busy processes competing")
    parser.add_argument("--threads", default="0,1,2", help="intra-op thread counts tried with --busy (0: default)")
    args = parser.parse_args(argv)
    if args.busy:
        from passlm.engine import make_engine

        thread_settings(make_engine(args.engine), module_texts(), args.busy,
                        [int(t) for t in args.threads.split(",")], args.reps)
        return 0

    print(f"engine {args.engine}")
    loads = [load_seconds(args.engine) for _ in range(args.loads)]
    base = [load_seconds("fixed:default<Oz>") for _ in range(args.loads)]
    engine_load, engine_process = statistics.median(l for l, _ in loads), statistics.median(p for _, p in loads)
    base_process = statistics.median(p for _, p in base)
    print(f"load: make_engine {engine_load * 1000:.0f} ms; whole process {engine_process * 1000:.0f} ms "
          f"vs {base_process * 1000:.0f} ms for fixed:default<Oz> ({engine_process / base_process:.1f}x)")

    from passlm.engine import make_engine

    engine = make_engine(args.engine)
    texts = module_texts()
    for k in (1, 16):
        per_module, cut_before = [], getattr(engine, "stats", {}).get("cut", 0)
        for name, text in texts.items():
            times = []
            for _ in range(args.reps):
                start = time.perf_counter()
                engine.predict(text, k)
                times.append(time.perf_counter() - start)
            per_module.append(statistics.median(times))
        cut = (getattr(engine, "stats", {}).get("cut", 0) - cut_before) // args.reps
        print(f"predict k={k:<2}: median {statistics.median(per_module) * 1000:.0f} ms, "
              f"p90 {percentile(per_module, 0.9) * 1000:.0f} ms, max {max(per_module) * 1000:.0f} ms "
              f"over {len(per_module)} modules ({cut} condensed to fit the context)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
