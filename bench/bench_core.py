#!/usr/bin/env python3
"""Evaluations per second: passlm in-process against the LLVM tools.

One evaluation = run a pass pipeline on a module, then measure its object
size (text + data of the object clang -Oz's backend makes). It is the step an
autotuner repeats thousands of times per module.

  in-process   Module.evaluate(P, memo=False) on a module parsed once (it also
               counts the IR instructions), serially in one thread, then the
               same jobs on a ThreadPoolExecutor(2) (the GIL is released
               inside LLVM). A last table shows what the object-size memo
               (memo=True, the default) saves on random pass lists, each
               evaluated once, as a tuner makes them.
  subprocess   one process chain per evaluation, as a script would do it:
                 opt-19 -relocation-model=pic -passes=P in.bc -o - \\
                 | llc-19 -O2 -relocation-model=pic -filetype=obj -o - \\
                 | llvm-size-19 -B -
               (-relocation-model=pic on opt: clang -Oz's TargetMachine is PIC;
               see tests/conftest.py. Sizes of both routes are compared.)

Module groups: the example programs (examples/*.c) and real code, Lua 5.4's
lvm.c and lparser.c preprocessed into bench/data/ (7,500 and 15,000 IR lines).

Run:  .venv/bin/python bench/bench_core.py            (under a minute on 2 cores)
      .venv/bin/python bench/bench_core.py --reps 1 --subprocess-reps 1 --quick
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import passlm
from passlm import Module, paths
from passlm.compile import c_to_ir

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

#: Realistic pipelines: the -Oz baseline and short lists of the kind that win
#: on particular modules (measured before passlm was written). `instcombine<no-verify-fixpoint>`: a bare
#: `instcombine` in a pipeline string verifies its fixpoint in LLVM 19 and
#: aborts the process on some modules (report_fatal_error).
PIPELINES = [
    "default<Oz>",
    "instcombine<no-verify-fixpoint>,simplifycfg",
    "mem2reg,instcombine<no-verify-fixpoint>",
    "module(sroa,inline,globaldce)",
    "mem2reg,gvn,dse,function(loop-mssa(licm)),simplifycfg",
    "sroa,early-cse,simplifycfg,reassociate,tailcallelim",
    "mem2reg,gvn,dse,reassociate,tailcallelim",
    "module(function(sroa),globalopt,ipsccp,deadargelim,"
    "function(instcombine<no-verify-fixpoint>),globaldce)",
]

GROUPS = {
    "examples": sorted((REPO / "examples").glob("*.c")),
    "lua": sorted((HERE / "data").glob("*.c")),
}


@dataclass
class Case:
    name: str
    bitcode: Path
    module: Module
    ir_lines: int


@dataclass
class GroupResult:
    group: str
    cases: List[Case]
    jobs: int = 0
    serial_rate: float = 0.0
    threaded_rate: float = 0.0
    subprocess_rate: float = 0.0
    mismatches: List[str] = field(default_factory=list)
    skipped: List[str] = field(default_factory=list)


def prepare(group: str, sources: Sequence[Path], work: Path) -> List[Case]:
    cases = []
    for src in sources:
        bc = work / f"{group}_{src.stem}.bc"
        bc.write_bytes(c_to_ir(src, extra_flags=["-w"]))
        module = Module.from_file(str(bc))
        cases.append(Case(src.stem, bc, module, len(module.to_text().splitlines())))
    return cases


def subprocess_size(tools: Dict[str, str], bc: Path, pipeline: str) -> Optional[int]:
    """Object size through opt | llc | llvm-size; None when opt dies."""
    opt = subprocess.Popen(
        [tools["opt"], "-relocation-model=pic", f"-passes={pipeline}", str(bc), "-o", "-"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    llc = subprocess.Popen(
        [tools["llc"], "-O2", "-relocation-model=pic", "-filetype=obj", "-", "-o", "-"],
        stdin=opt.stdout, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    opt.stdout.close()
    size = subprocess.run(
        [tools["llvm-size"], "-B", "-"], stdin=llc.stdout, capture_output=True, text=True
    )
    llc.stdout.close()
    if opt.wait() != 0 or llc.wait() != 0 or size.returncode != 0:
        return None
    text, data = size.stdout.splitlines()[1].split()[:2]
    return int(text) + int(data)


def run_group(group: str, cases: List[Case], pipelines: Sequence[str], reps: int,
              sub_reps: int, tools: Dict[str, str]) -> GroupResult:
    result = GroupResult(group, cases)

    # Subprocess route first: it also screens out pipelines that kill opt
    # (they would kill this process too).
    reference: Dict[Tuple[str, str], int] = {}
    jobs: List[Tuple[Case, str]] = []
    elapsed = 0.0
    count = 0
    for case in cases:
        for pipeline in pipelines:
            for _ in range(sub_reps):
                start = time.perf_counter()
                size = subprocess_size(tools, case.bitcode, pipeline)
                elapsed += time.perf_counter() - start
                count += 1
            if size is None:
                result.skipped.append(f"{case.name}: {pipeline}")
                continue
            reference[(case.name, pipeline)] = size
            jobs.append((case, pipeline))
    result.subprocess_rate = count / elapsed

    def evaluate(job: Tuple[Case, str]) -> Tuple[int, int]:
        # memo=False: every evaluation does the whole work, as a subprocess
        # chain does (the repetitions would otherwise be memo hits).
        return job[0].module.evaluate(job[1], memo=False)

    # Warm up: the per-thread TargetMachine, caches, page faults.
    for case in cases:
        case.module.evaluate("")

    timed = jobs * reps
    result.jobs = len(timed)
    start = time.perf_counter()
    serial = [evaluate(job) for job in timed]
    result.serial_rate = len(timed) / (time.perf_counter() - start)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda c: c.module.evaluate(""), cases[:2] * 2))  # warm both threads
        # Largest first, so the two threads finish together.
        order = sorted(range(len(timed)), key=lambda i: -timed[i][0].ir_lines)
        start = time.perf_counter()
        threaded_list = list(pool.map(lambda i: evaluate(timed[i]), order))
        result.threaded_rate = len(timed) / (time.perf_counter() - start)
    threaded = [None] * len(timed)
    for i, value in zip(order, threaded_list):
        threaded[i] = value

    for (case, pipeline), one, two in zip(timed, serial, threaded):
        if one != two:
            result.mismatches.append(f"{case.name} {pipeline}: 1 thread {one}, 2 threads {two}")
        if one[1] != reference[(case.name, pipeline)]:
            result.mismatches.append(
                f"{case.name} {pipeline}: in-process {one[1]} B, opt|llc {reference[(case.name, pipeline)]} B"
            )
    result.mismatches = sorted(set(result.mismatches))
    return result


MEMO_PASSES = ["instcombine<no-verify-fixpoint>", "simplifycfg", "sroa", "early-cse", "gvn", "dse",
               "function(loop-mssa(licm))", "loop-rotate", "reassociate", "sccp", "adce", "mem2reg",
               "jump-threading", "correlated-propagation", "globalopt", "globaldce", "inline", "ipsccp",
               "deadargelim", "function-attrs", "tailcallelim", "mergefunc", "loop-deletion", "sink",
               "constmerge", "default<Oz>"]


def memo_effect(cases: List[Case], lists_per_module: int = 100, seed: int = 0) -> str:
    """Random module(...) lists of 1-15 passes, each evaluated once per module."""
    import random

    rng = random.Random(seed)
    lines = [f"{'module':<14}{'lists':>6}{'memo hits':>11}{'no memo s':>11}{'memo s':>9}{'speed-up':>10}"]
    for case in cases:
        lists = [f"module({','.join(rng.choice(MEMO_PASSES) for _ in range(rng.randint(1, 15)))})"
                 for _ in range(lists_per_module)]
        fresh = Module.from_file(str(case.bitcode))  # an empty memo
        start = time.perf_counter()
        plain = [fresh.evaluate(p, memo=False) for p in lists]
        plain_s = time.perf_counter() - start
        start = time.perf_counter()
        memo = [fresh.evaluate(p) for p in lists]
        memo_s = time.perf_counter() - start
        assert memo == plain, f"memo changed a result on {case.name}"
        lines.append(f"{case.name:<14}{len(lists):>6}{fresh.memo_stats[0]:>11}{plain_s:>11.2f}{memo_s:>9.2f}"
                     f"{plain_s / memo_s:>9.2f}x")
    return "\n".join(lines)


def table(results: List[GroupResult]) -> str:
    header = ["group", "modules", "IR lines", "evals", "in-process 1 thr/s",
              "in-process 2 thr/s", "2 thr / 1 thr", "subprocess/s", "in-process / subprocess"]
    rows = [header]
    for r in results:
        lines = [c.ir_lines for c in r.cases]
        rows.append([
            r.group,
            str(len(r.cases)),
            f"{min(lines)}-{max(lines)}" if len(lines) > 1 else str(lines[0]),
            str(r.jobs),
            f"{r.serial_rate:.1f}",
            f"{r.threaded_rate:.1f}",
            f"{r.threaded_rate / r.serial_rate:.2f}x",
            f"{r.subprocess_rate:.1f}",
            f"{r.serial_rate / r.subprocess_rate:.1f}x",
        ])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    out = []
    for n, row in enumerate(rows):
        out.append("  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=5,
                        help="in-process repetitions of every (module, pipeline) (default 5)")
    parser.add_argument("--subprocess-reps", type=int, default=2,
                        help="subprocess repetitions of every (module, pipeline) (default 2)")
    parser.add_argument("--groups", default="examples,lua",
                        help=f"comma-separated groups among {', '.join(GROUPS)}")
    parser.add_argument("--quick", action="store_true",
                        help="only the first 3 pipelines (a smoke run)")
    args = parser.parse_args(argv)

    tools = {name: paths.llvm_tool(name) for name in ("opt", "llc", "llvm-size")}
    pipelines = PIPELINES[:3] if args.quick else PIPELINES
    groups = [g.strip() for g in args.groups.split(",") if g.strip()]
    for g in groups:
        if g not in GROUPS or not GROUPS[g]:
            parser.error(f"unknown or empty group '{g}'")

    print(f"passlm {passlm.__version__}, LLVM {passlm.LLVM_VERSION}, Python "
          f"{platform.python_version()}, {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}")
    print(f"{len(pipelines)} pipelines; in-process reps {args.reps}, subprocess reps {args.subprocess_reps}")
    for p in pipelines:
        print(f"  {p}")
    print()

    results, memo_cases = [], []
    with tempfile.TemporaryDirectory(prefix="passlm-bench-") as tmp:
        for group in groups:
            cases = prepare(group, GROUPS[group], Path(tmp))
            started = time.perf_counter()
            results.append(run_group(group, cases, pipelines, args.reps, args.subprocess_reps, tools))
            print(f"[{group}: {', '.join(c.name for c in cases)}; {time.perf_counter() - started:.0f} s]",
                  flush=True)
            memo_cases += cases[:3]
        memo_table = memo_effect(memo_cases)

    print()
    print(table(results))
    print()
    print("object-size memo on random pass lists (each list once, 1 thread):")
    print(memo_table)
    print()
    status = 0
    for r in results:
        for s in r.skipped:
            print(f"skipped ({r.group}, opt died): {s}")
        if r.mismatches:
            status = 1
            for m in r.mismatches:
                print(f"MISMATCH ({r.group}): {m}")
        else:
            print(f"{r.group}: all {r.jobs} in-process results equal between 1 and 2 threads "
                  f"and equal to opt | llc | llvm-size")
    return status


if __name__ == "__main__":
    sys.exit(main())
