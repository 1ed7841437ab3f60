"""Miscompile screening: a pipeline is kept only if every checked program
still prints what it should (what LLM Compiler's PassListEval did).

For each program of the screening corpus (``examples/``,
``screening/programs/`` and N seeded csmith programs):

1. its IR in passlm's form (``clang-19 -Oz -Xclang -disable-llvm-passes
   -emit-llvm -c``, through ``passlm.compile``), compiled once and cached;
2. ``opt-19 -relocation-model=pic [-load-pass-plugin=X] -passes=PIPELINE``
   in a child process with a timeout (opt verifies its output by default);
3. linked with clang's -Oz codegen settings (``clang-19 -Oz -Xclang
   -disable-llvm-passes out.bc -o exe``);
4. run with a timeout; stdout and the exit status are compared with the
   program's expected ones.

A pipeline is rejected (``reason``) for: ``invalid-pipeline`` (LLVM rejects
the text: unknown pass, bad syntax), ``compiler-crash`` (opt aborted,
``LLVM ERROR`` or a signal), ``compiler-timeout``, ``verifier`` (a broken
module), ``link-error``, ``output`` (stdout differs), ``exit-status``,
``program-crash`` (a signal) and ``program-timeout``. Screening stops at the
first failing program in corpus order, so a reject names the same program
whatever ``jobs`` is.

Results are cached per pipeline in the store's ``screening`` table with the
LLVM version; a result for another LLVM version is never reused. A cached
reject is reused as is (a miscompile on one program is enough); a cached pass
only if it was made on the same corpus (its fingerprint is in the row's
detail). With plugins, the row is keyed by the pipeline and the plugins'
names and content hashes.

    from passlm.screen import screen
    result = screen("default<Oz>,function(gvn)")
    print(result.status, result.summary())

    passlm screen PIPELINE... [--db PATH] [--csmith N] [--json]

The parts: :mod:`.corpus` (the programs), :mod:`.reference` (what they
should print), :mod:`.csmith_seeds` (csmith programs), :mod:`.runner` (opt, link, run),
:mod:`.cache` (IR on disk, verdicts in a store), :mod:`.results`, and
:mod:`.cli` (``passlm screen``).
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

from .cache import cache_dir, from_store, open_store, store_key
from .corpus import CORPUS_DIRS, PathLike, Program, as_programs, corpus_fingerprint, corpus_programs
from .csmith_seeds import csmith_programs
from .process import COUNTERS
from .reference import REFERENCE_BUILDS, reference_output
from .results import (COMPILER_CRASH, COMPILER_TIMEOUT, EXIT_STATUS, INVALID, LINK_ERROR, OUTPUT, PASS,
                      PROGRAM_CRASH, PROGRAM_TIMEOUT, REJECT, VERIFIER, ProgramResult, ScreenError, ScreenResult)
from .runner import screen_corpus


def screen(pipeline: str, store=None, programs: Optional[Iterable[Union[Program, PathLike]]] = None,
           csmith: int = 10, jobs: int = 2, plugins: Sequence[PathLike] = (), timeout: float = 10) -> ScreenResult:
    """Screens PIPELINE on the corpus (PROGRAMS, default examples/ and screening/programs/, plus CSMITH
    seeded csmith programs): 'pass' if every program still prints its expected output, else 'reject'.

    STORE (a passlm.store.Store or a path) caches results per pipeline and LLVM version. PLUGINS are
    loaded into opt (-load-pass-plugin). TIMEOUT bounds each opt, link and program run, in seconds.
    """
    import passlm

    pipeline = pipeline.strip()
    plugins = [str(Path(p).resolve()) for p in plugins]
    for p in plugins:
        if not Path(p).is_file():
            raise FileNotFoundError(2, "no such plugin", p)
    start = time.perf_counter()
    llvm_version = passlm.LLVM_VERSION
    store, opened = open_store(store)
    try:
        key = store_key(pipeline, plugins)
        row = store.screening(key) if store is not None else None
        if row is not None and row["llvm_version"] == llvm_version and row["status"] == REJECT:
            return from_store(row, pipeline)
        corpus = as_programs(corpus_programs() if programs is None else programs)
        corpus += csmith_programs(csmith, jobs=jobs)
        fingerprint = corpus_fingerprint(corpus)
        if row is not None and row["llvm_version"] == llvm_version:
            cached = from_store(row, pipeline)
            if cached.corpus == fingerprint:
                return cached
        result = screen_corpus(pipeline, corpus, plugins, jobs, timeout)
        result.llvm_version, result.corpus = llvm_version, fingerprint
        result.seconds = round(time.perf_counter() - start, 3)
        if store is not None:
            detail = {"reason": result.reason, "program": result.program, "message": result.message,
                      "corpus": fingerprint, "programs": len(corpus), "plugins": plugins}
            store.record_screening(key, result.status, json.dumps(detail), llvm_version)
        return result
    finally:
        if opened:
            store.close()


__all__ = ["COMPILER_CRASH", "COMPILER_TIMEOUT", "CORPUS_DIRS", "COUNTERS", "EXIT_STATUS", "INVALID", "LINK_ERROR",
           "OUTPUT", "PASS", "PROGRAM_CRASH", "PROGRAM_TIMEOUT", "REFERENCE_BUILDS", "REJECT", "VERIFIER",
           "Program", "ProgramResult", "ScreenError", "ScreenResult", "cache_dir", "corpus_fingerprint",
           "corpus_programs", "csmith_programs", "reference_output", "screen"]
