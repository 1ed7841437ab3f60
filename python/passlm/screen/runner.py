"""Screening one pipeline on a corpus: for each program, its IR (cached)
through ``opt-19 -relocation-model=pic [-load-pass-plugin=X]
-passes=PIPELINE`` (opt verifies its output), linked with clang -Oz's
codegen settings, run, and its stdout and exit status compared with the
expected ones; every step in a child process with a timeout.

Programs are screened ``jobs`` at a time, but a failure stops the programs
after it in corpus order, so a reject names the same program whatever
``jobs`` is.
"""
from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from ..compile import clang_environment
from ..paths import llvm_tool
from .cache import cache_dir, program_ir
from .corpus import PathLike, Program
from .process import Run, difference, first_lines, run, signal_name
from .results import (COMPILER_CRASH, COMPILER_TIMEOUT, EXIT_STATUS, INVALID, LINK_ERROR, OUTPUT, PASS,
                      PROGRAM_CRASH, PROGRAM_TIMEOUT, REJECT, VERIFIER, ProgramResult, ScreenResult)

#: Flags of the link step: clang -Oz's codegen, no LLVM passes.
LINK_FLAGS = ("-Oz", "-Xclang", "-disable-llvm-passes")


def opt_failure(ran: Run) -> Tuple[str, str]:
    """(reason, message) for an opt run that did not succeed."""
    if ran.timed_out:
        return COMPILER_TIMEOUT, f"opt still running after {ran.seconds:.0f} s"
    lines = [line.strip() for line in ran.stderr.splitlines() if line.strip()]
    fatal = next((line for line in lines if line.startswith("LLVM ERROR:")), None)
    broken = any("Broken module found" in line or "input module is broken" in line for line in lines)
    if broken:
        first = next((line for line in lines if not line.startswith("LLVM ERROR")), fatal or "broken module")
        return VERIFIER, first
    if fatal:
        return COMPILER_CRASH, fatal[len("LLVM ERROR:"):].strip()
    if ran.returncode < 0:
        return COMPILER_CRASH, f"opt died of {signal_name(ran.returncode)}" + (
            f": {lines[0]}" if lines else "")
    message = lines[0] if lines else f"opt exited with status {ran.returncode}"
    return INVALID, re.sub(r"^\S*opt(-\d+)?: ", "", message)


class Screening:
    """One pipeline over one corpus: the shared state of the worker threads."""

    def __init__(self, pipeline: str, plugins: Sequence[str], workdir: Path, timeout: float, ir_cache: Path):
        self.pipeline, self.plugins, self.workdir, self.timeout = pipeline, list(plugins), workdir, timeout
        self.ir_cache = ir_cache
        self.stop_at = float("inf")  # index of the first failure seen: later programs are skipped
        self.lock = threading.Lock()

    def opt_command(self, src: PathLike, out: PathLike) -> List[str]:
        return [llvm_tool("opt"), "-relocation-model=pic", *[f"-load-pass-plugin={p}" for p in self.plugins],
                f"-passes={self.pipeline}", str(src), "-o", str(out)]

    def check_syntax(self) -> Optional[Tuple[str, str]]:
        """Runs the pipeline on an empty module: (reason, message) when LLVM rejects it."""
        empty = self.workdir / "empty.ll"
        empty.write_text("")
        ran = run(self.opt_command(empty, os.devnull), self.timeout, "opt")
        return None if ran.returncode == 0 else opt_failure(ran)

    def screen_one(self, index: int, program: Program) -> ProgramResult:
        with self.lock:
            if index > self.stop_at:
                return ProgramResult(program.name, "skipped")
        result = self._screen(program)
        if result.failed:
            with self.lock:
                self.stop_at = min(self.stop_at, index)
        return result

    def _screen(self, program: Program) -> ProgramResult:
        start = time.perf_counter()
        bc = program_ir(program, self.ir_cache)

        def result(status: str, detail: str = "") -> ProgramResult:
            return ProgramResult(program.name, status, detail, round(time.perf_counter() - start, 3))

        out_bc, exe = self.workdir / f"{program.name}.bc", self.workdir / program.name
        optimized = run(self.opt_command(bc, out_bc), self.timeout, "opt")
        if optimized.returncode != 0:
            return result(*opt_failure(optimized))
        linked = run([llvm_tool("clang"), *LINK_FLAGS, str(out_bc), "-o", str(exe), "-lm"], self.timeout, "link",
                     env=clang_environment())
        if linked.returncode != 0:
            why = "still running" if linked.timed_out else first_lines(linked.stderr)
            return result(LINK_ERROR, why)
        ran = run([str(exe)], self.timeout, "run", cwd=self.workdir)
        if ran.timed_out:
            return result(PROGRAM_TIMEOUT, f"still running after {self.timeout:g} s")
        if ran.returncode < 0:
            return result(PROGRAM_CRASH, signal_name(ran.returncode))
        if ran.stdout != program.expected:
            return result(OUTPUT, difference(program.expected, ran.stdout))
        if ran.returncode != program.status:
            return result(EXIT_STATUS, f"exit status {ran.returncode}, expected {program.status}")
        return result("ok")


def screen_corpus(pipeline: str, corpus: List[Program], plugins: Sequence[str], jobs: int,
                  timeout: float) -> ScreenResult:
    """The verdict of PIPELINE on CORPUS (no store: see passlm.screen.screen)."""
    with tempfile.TemporaryDirectory(prefix="passlm-screen-") as tmp:
        state = Screening(pipeline, plugins, Path(tmp), timeout, cache_dir())
        rejected = state.check_syntax()
        if rejected:
            return ScreenResult(pipeline, REJECT, rejected[0], None, rejected[1])
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            results = list(pool.map(lambda item: state.screen_one(*item), enumerate(corpus)))
    failure = next((r for r in results if r.failed), None)
    if failure is None:
        return ScreenResult(pipeline, PASS, programs=results)
    return ScreenResult(pipeline, REJECT, failure.status, failure.program, failure.detail, results)
