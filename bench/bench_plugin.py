"""Overhead of the plugin and its embedded Python on a compile.

Wall time of `clang-19 -Oz -c` against `clang-19 -Oz -fpass-plugin=... -c`
with PASSLM_ENGINE=fixed:default<Oz> and the guard off (so both produce the
same object and the difference is the plugin: loading, starting Python,
printing and hashing the IR, one engine call). Runs alternate, medians are
compared. Target: at most 60 ms per process.

    .venv/bin/python bench/bench_plugin.py [--reps 15] [FILE.c ...]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import passlm.paths

REPO = Path(__file__).resolve().parents[1]


def wall(cmd, env) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--reps", type=int, default=15)
    args = parser.parse_args(argv)
    files = args.files or sorted((REPO / "examples").glob("*.c")) + sorted((REPO / "bench" / "data").glob("*.c"))
    clang, plugin = passlm.paths.llvm_tool("clang"), str(passlm.paths.plugin_path())
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASSLM_")}
    plugin_env = {**env, "PASSLM_ENGINE": "fixed:default<Oz>", "PASSLM_GUARD": "0"}
    out = "/dev/null"

    print(f"{'file':<28}{'lines':>7}{'clang -Oz ms':>14}{'+plugin ms':>12}{'overhead ms':>13}{'ratio':>8}")
    overheads = []
    for src in files:
        plain_cmd = [clang, "-Oz", "-c", str(src), "-o", out]
        plugin_cmd = [clang, "-Oz", f"-fpass-plugin={plugin}", "-c", str(src), "-o", out]
        wall(plain_cmd, env), wall(plugin_cmd, plugin_env)  # warm the page cache
        plain, with_plugin = [], []
        for _ in range(args.reps):
            plain.append(wall(plain_cmd, env))
            with_plugin.append(wall(plugin_cmd, plugin_env))
        a, b = statistics.median(plain) * 1e3, statistics.median(with_plugin) * 1e3
        overheads.append(b - a)
        lines = sum(1 for _ in open(src, errors="replace"))
        print(f"{src.name:<28}{lines:>7}{a:>14.1f}{b:>12.1f}{b - a:>13.1f}{b / a:>8.2f}")
    print(f"median overhead per process: {statistics.median(overheads):.1f} ms (target <= 60 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
