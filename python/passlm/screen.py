"""Miscompile screening: a pipeline is kept only if every checked program
still prints what it should (what LLM Compiler's PassListEval did).

For each program of the screening corpus (``examples/``,
``screening/programs/`` and N seeded csmith programs):

1. its IR in passlm's form (``clang-19 -Oz -Xclang -disable-llvm-passes
   -emit-llvm -c``), compiled once and cached;
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
"""
from __future__ import annotations

import argparse
import collections
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple, Union

from .compile import IR_FLAGS
from .errors import PassLMError
from .paths import llvm_tool

PathLike = Union[str, "os.PathLike[str]"]

REPO = Path(__file__).resolve().parents[2]
#: The folders of the default corpus: NAME.c + NAME.expected (+ NAME.status).
CORPUS_DIRS = (REPO / "examples", REPO / "screening" / "programs")

# Reasons for a reject.
INVALID = "invalid-pipeline"
COMPILER_CRASH = "compiler-crash"
COMPILER_TIMEOUT = "compiler-timeout"
VERIFIER = "verifier"
LINK_ERROR = "link-error"
OUTPUT = "output"
EXIT_STATUS = "exit-status"
PROGRAM_CRASH = "program-crash"
PROGRAM_TIMEOUT = "program-timeout"

PASS, REJECT = "pass", "reject"

#: Flags of the link step: clang -Oz's codegen, no LLVM passes.
LINK_FLAGS = ("-Oz", "-Xclang", "-disable-llvm-passes")
#: Builds that must agree for a program's expected output to be trusted.
REFERENCE_BUILDS = (
    ("clang", ("-O0", "-fsanitize=undefined,address", "-fno-sanitize-recover=all")),
    ("clang", ("-Oz",)),
    ("gcc", ("-O2",)),
)
CSMITH_BUILDS = (("clang", ("-O0",)), ("clang", ("-Oz",)), ("gcc", ("-O2",)))
#: csmith seeds whose builds run longer than this are not kept.
CSMITH_RUN_LIMIT = 2.0

#: Subprocesses run so far, by kind ("ir", "opt", "link", "run", "csmith"): tests
#: check that a cached result runs nothing.
COUNTERS: collections.Counter = collections.Counter()
_COUNTERS_LOCK = threading.Lock()


class ScreenError(PassLMError):
    """Screening could not be done (no corpus, csmith missing, a program that does not compile)."""


def _count(kind: str) -> None:
    with _COUNTERS_LOCK:
        COUNTERS[kind] += 1


def _sha(data: Union[bytes, str]) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def cache_dir() -> Path:
    """Where IR and csmith programs are cached: $PASSLM_SCREEN_CACHE, else $XDG_CACHE_HOME/passlm/screen."""
    if os.environ.get("PASSLM_SCREEN_CACHE"):
        return Path(os.environ["PASSLM_SCREEN_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "passlm" / "screen"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# ------------------------------------------------------------------ programs


@dataclass(frozen=True)
class Program:
    """A C program and what it must print."""

    name: str
    source: Path
    expected: bytes
    status: int = 0
    flags: Tuple[str, ...] = ()  # extra clang flags (csmith's include folder)

    @classmethod
    def from_source(cls, source: PathLike, name: Optional[str] = None) -> "Program":
        """NAME.c with NAME.expected (stdout) and optionally NAME.status (exit status, default 0)."""
        src = Path(source)
        if not src.is_file():
            raise FileNotFoundError(2, "no such program", str(src))
        expected = src.with_suffix(".expected")
        if not expected.is_file():
            raise ScreenError(f"{src}: no expected output ({expected.name})")
        status_file = src.with_suffix(".status")
        status = int(status_file.read_text().strip()) if status_file.is_file() else 0
        return cls(name or src.stem, src, expected.read_bytes(), status)

    @property
    def digest(self) -> str:
        return _sha(b"\0".join([self.source.read_bytes(), self.expected, str(self.status).encode(),
                                "\0".join(self.flags).encode()]))


def corpus_programs(dirs: Iterable[PathLike] = CORPUS_DIRS) -> List[Program]:
    """The programs of the given folders (default: examples/ and screening/programs/), in order."""
    programs: List[Program] = []
    for folder in map(Path, dirs):
        if not folder.is_dir():
            raise ScreenError(f"no screening corpus at {folder}")
        programs.extend(Program.from_source(src) for src in sorted(folder.glob("*.c")))
    return programs


def _as_programs(items: Iterable[Union[Program, PathLike]]) -> List[Program]:
    programs: List[Program] = []
    for item in items:
        if isinstance(item, Program):
            programs.append(item)
        elif Path(item).is_dir():
            programs.extend(corpus_programs([item]))
        else:
            programs.append(Program.from_source(item))
    names = [p.name for p in programs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ScreenError(f"programs with the same name: {', '.join(twice)}")
    return programs


def corpus_fingerprint(programs: Sequence[Program]) -> str:
    return _sha("\n".join(f"{p.name} {p.digest}" for p in programs))[:16]


# ------------------------------------------------------------ subprocesses


@dataclass
class _Run:
    returncode: Optional[int]  # None: timed out
    stdout: bytes
    stderr: str
    seconds: float

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def _run(cmd: Sequence[str], timeout: float, kind: str, cwd: Optional[Path] = None) -> _Run:
    _count(kind)
    start = time.perf_counter()
    try:
        done = subprocess.run([str(c) for c in cmd], stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired as e:
        return _Run(None, e.stdout or b"", (e.stderr or b"").decode("utf-8", "replace"),
                    time.perf_counter() - start)
    return _Run(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"),
                time.perf_counter() - start)


def _signal_name(returncode: int) -> str:
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def _first_lines(text: str, n: int = 3) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return " / ".join(lines[:n])


def _tool(name: str) -> str:
    if name == "gcc":
        found = shutil.which("gcc")
        if not found:
            raise ScreenError("gcc not found (apt-get install gcc)")
        return found
    return llvm_tool(name)


def _build_and_run(src: Path, compiler: str, flags: Sequence[str], exe: Path,
                   extra: Sequence[str], timeout: float) -> Tuple[Optional[_Run], str]:
    """Compile SRC with one reference build and run it: (the run, "") or (None, why not)."""
    built = _run([_tool(compiler), *flags, "-w", *extra, str(src), "-o", str(exe), "-lm"], 120, "reference")
    if built.returncode != 0:
        return None, f"{compiler} {' '.join(flags)} failed: {_first_lines(built.stderr)}"
    return _run([str(exe)], timeout, "run", cwd=exe.parent), ""


def reference_output(source: PathLike, builds=REFERENCE_BUILDS, extra_flags: Sequence[str] = (),
                     timeout: float = 10.0) -> Tuple[bytes, int]:
    """(stdout, exit status) of SOURCE, the same under every build, else ScreenError.

    The default builds are clang-19 -O0 with UBSan and ASan (no recovery),
    clang-19 -Oz and gcc -O2: what the corpus's NAME.expected files hold.
    """
    src = Path(source)
    results = []
    with tempfile.TemporaryDirectory(prefix="passlm-ref-") as tmp:
        for i, (compiler, flags) in enumerate(builds):
            label = f"{compiler} {' '.join(flags)}"
            run, why = _build_and_run(src, compiler, flags, Path(tmp) / f"b{i}", extra_flags, timeout)
            if run is None:
                raise ScreenError(f"{src}: {why}")
            if run.timed_out:
                raise ScreenError(f"{src}: {label}: still running after {timeout:g} s")
            if run.returncode < 0:
                raise ScreenError(f"{src}: {label}: {_signal_name(run.returncode)}: {_first_lines(run.stderr)}")
            results.append((label, run))
    first_label, first = results[0]
    for label, run in results[1:]:
        if (run.stdout, run.returncode) != (first.stdout, first.returncode):
            what = (_difference(first.stdout, run.stdout) if run.stdout != first.stdout
                    else f"exit status {run.returncode} != {first.returncode}")
            said = "; ".join(f"{lbl} says: {_first_lines(r.stderr, 2)}" for lbl, r in (results[0], (label, run))
                             if r.returncode and r.stderr.strip())
            raise ScreenError(f"{src}: {label} disagrees with {first_label}: {what}" + (f" ({said})" if said else ""))
    return first.stdout, first.returncode


# -------------------------------------------------------------------- csmith


def csmith_include() -> Optional[Path]:
    """The folder holding csmith.h (Debian's libcsmith-dev: /usr/include/csmith*)."""
    for folder in sorted(glob.glob("/usr/include/csmith*")) + sorted(glob.glob("/usr/local/include/csmith*")):
        if (Path(folder) / "csmith.h").is_file():
            return Path(folder)
    return None


def _csmith_tag(csmith: str) -> str:
    version = subprocess.run([csmith, "--version"], capture_output=True, text=True).stdout
    return _sha(version)[:12]


def _check_csmith_seed(csmith: str, seed: int, folder: Path, include: Path) -> None:
    """Generates seed S into FOLDER: S.c with S.expected when its builds agree, else S.rejected."""
    src = folder / f"{seed}.c"
    # csmith writes platform.info into its working folder: keep it out of the caller's.
    generated = _run([csmith, "--seed", str(seed), "-o", str(src)], 60, "csmith", cwd=folder)
    if generated.returncode != 0 or not src.is_file():
        _write_atomic(folder / f"{seed}.rejected", f"csmith failed: {generated.stderr}".encode())
        return
    try:
        stdout, status = reference_output(src, CSMITH_BUILDS, ("-I", str(include)), timeout=CSMITH_RUN_LIMIT)
    except ScreenError as e:
        _write_atomic(folder / f"{seed}.rejected", str(e).encode())
        return
    if status != 0 or not stdout.startswith(b"checksum = "):
        _write_atomic(folder / f"{seed}.rejected", f"exit status {status}, output {stdout[:60]!r}".encode())
        return
    _write_atomic(folder / f"{seed}.expected", stdout)


def csmith_programs(n: int, cache: Optional[PathLike] = None, jobs: int = 2, first_seed: int = 1) -> List[Program]:
    """The first N csmith seeds from FIRST_SEED on whose -O0, -Oz and gcc -O2 builds agree and run
    within CSMITH_RUN_LIMIT seconds. Generated once into the cache (per csmith version)."""
    if n <= 0:
        return []
    csmith = shutil.which("csmith")
    include = csmith_include()
    if not csmith or not include:
        raise ScreenError("csmith programs need csmith and csmith.h (apt-get install csmith libcsmith-dev),"
                          " or ask for 0 csmith programs")
    folder = Path(cache or cache_dir()) / "csmith" / _csmith_tag(csmith)
    folder.mkdir(parents=True, exist_ok=True)
    kept: List[int] = []
    seed, last_seed = first_seed, first_seed + 10 * n + 20
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        while len(kept) < n:
            if seed > last_seed:
                raise ScreenError(f"only {len(kept)} of seeds {first_seed}..{last_seed} make usable csmith programs")
            batch = list(range(seed, seed + max(1, jobs)))
            seed += len(batch)
            todo = [s for s in batch if not (folder / f"{s}.expected").is_file()
                    and not (folder / f"{s}.rejected").is_file()]
            list(pool.map(lambda s: _check_csmith_seed(csmith, s, folder, include), todo))
            kept.extend(s for s in batch if (folder / f"{s}.expected").is_file())
    return [Program(f"csmith-{s}", folder / f"{s}.c", (folder / f"{s}.expected").read_bytes(), 0,
                    ("-I", str(include))) for s in kept[:n]]


# ------------------------------------------------------------------- results


@dataclass
class ProgramResult:
    program: str
    status: str  # "ok", "skipped" (after an earlier failure) or a reject reason
    detail: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def failed(self) -> bool:
        return self.status not in ("ok", "skipped")


@dataclass
class ScreenResult:
    pipeline: str
    status: str  # "pass" or "reject"
    reason: Optional[str] = None  # why it was rejected (INVALID, COMPILER_CRASH, ..., OUTPUT, ...)
    program: Optional[str] = None  # the first failing program (None: the pipeline itself)
    message: str = ""
    programs: List[ProgramResult] = field(default_factory=list)
    llvm_version: str = ""
    corpus: str = ""  # fingerprint of the corpus it was screened on
    cached: bool = False
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == PASS

    def summary(self) -> str:
        """One line: how many programs, or the first failure and its reason."""
        if self.passed:
            checked = sum(p.ok for p in self.programs)
            return f"{checked} programs ok" if self.programs else "ok"
        where = f"{self.program}: " if self.program else ""
        return f"{where}{self.reason}: {self.message}"

    def to_dict(self) -> dict:
        return asdict(self)


def _difference(expected: bytes, got: bytes) -> str:
    """Where two outputs part, in a few words."""
    want = expected.decode("utf-8", "replace").splitlines(keepends=True)
    have = got.decode("utf-8", "replace").splitlines(keepends=True)
    for i, (a, b) in enumerate(zip(want, have)):
        if a != b:
            if a.rstrip("\n") != b.rstrip("\n"):
                a, b = a.rstrip("\n"), b.rstrip("\n")
            return f"line {i + 1}: expected {a[:60]!r}, got {b[:60]!r}"
    if len(have) < len(want):
        return f"output stops after line {len(have)} of {len(want)}"
    return f"extra output from line {len(want) + 1}: {have[len(want)].rstrip(chr(10))[:60]!r}"


def _opt_failure(run: _Run) -> Tuple[str, str]:
    """(reason, message) for an opt run that did not succeed."""
    if run.timed_out:
        return COMPILER_TIMEOUT, f"opt still running after {run.seconds:.0f} s"
    lines = [line.strip() for line in run.stderr.splitlines() if line.strip()]
    fatal = next((line for line in lines if line.startswith("LLVM ERROR:")), None)
    broken = any("Broken module found" in line or "input module is broken" in line for line in lines)
    if broken:
        first = next((line for line in lines if not line.startswith("LLVM ERROR")), fatal or "broken module")
        return VERIFIER, first
    if fatal:
        return COMPILER_CRASH, fatal[len("LLVM ERROR:"):].strip()
    if run.returncode < 0:
        return COMPILER_CRASH, f"opt died of {_signal_name(run.returncode)}" + (
            f": {lines[0]}" if lines else "")
    message = lines[0] if lines else f"opt exited with status {run.returncode}"
    return INVALID, re.sub(r"^\S*opt(-\d+)?: ", "", message)


class _Screening:
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
        run = _run(self.opt_command(empty, os.devnull), self.timeout, "opt")
        return None if run.returncode == 0 else _opt_failure(run)

    def ir(self, program: Program) -> Path:
        """The program's IR in passlm's form, compiled once per source, flags and clang."""
        clang = llvm_tool("clang")
        key = _sha("\0".join([program.digest, clang, _clang_version(clang), *IR_FLAGS]))[:20]
        cached = self.ir_cache / "ir" / f"{program.name}-{key}.bc"
        if not cached.is_file():
            built = _run([clang, *IR_FLAGS, "-w", *program.flags, str(program.source), "-o", "-"], 120, "ir")
            if built.returncode != 0 or not built.stdout:
                raise ScreenError(f"{program.source}: clang failed: {_first_lines(built.stderr)}")
            _write_atomic(cached, built.stdout)
        return cached

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
        bc = self.ir(program)

        def result(status: str, detail: str = "") -> ProgramResult:
            return ProgramResult(program.name, status, detail, round(time.perf_counter() - start, 3))

        out_bc, exe = self.workdir / f"{program.name}.bc", self.workdir / program.name
        optimized = _run(self.opt_command(bc, out_bc), self.timeout, "opt")
        if optimized.returncode != 0:
            return result(*_opt_failure(optimized))
        linked = _run([llvm_tool("clang"), *LINK_FLAGS, str(out_bc), "-o", str(exe), "-lm"], self.timeout, "link")
        if linked.returncode != 0:
            why = "still running" if linked.timed_out else _first_lines(linked.stderr)
            return result(LINK_ERROR, why)
        ran = _run([str(exe)], self.timeout, "run", cwd=self.workdir)
        if ran.timed_out:
            return result(PROGRAM_TIMEOUT, f"still running after {self.timeout:g} s")
        if ran.returncode < 0:
            return result(PROGRAM_CRASH, _signal_name(ran.returncode))
        if ran.stdout != program.expected:
            return result(OUTPUT, _difference(program.expected, ran.stdout))
        if ran.returncode != program.status:
            return result(EXIT_STATUS, f"exit status {ran.returncode}, expected {program.status}")
        return result("ok")


_CLANG_VERSIONS: dict = {}


def _clang_version(clang: str) -> str:
    if clang not in _CLANG_VERSIONS:
        _CLANG_VERSIONS[clang] = subprocess.run([clang, "--version"], capture_output=True, text=True).stdout
    return _CLANG_VERSIONS[clang]


# -------------------------------------------------------------------- screen


def _store_key(pipeline: str, plugins: Sequence[str]) -> str:
    if not plugins:
        return pipeline
    named = [f"{Path(p).name}@{_sha(Path(p).read_bytes())[:12]}" for p in plugins]
    return f"{pipeline} [plugins: {', '.join(named)}]"


def _from_store(row: dict, pipeline: str) -> ScreenResult:
    detail = json.loads(row["detail"] or "{}")
    return ScreenResult(pipeline, row["status"], detail.get("reason"), detail.get("program"),
                        detail.get("message", ""), [], row["llvm_version"], detail.get("corpus", ""), cached=True)


def _open_store(store):
    if store is None or not isinstance(store, (str, os.PathLike)):
        return store, False
    from .store import Store

    return Store(store), True


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
    store, opened = _open_store(store)
    try:
        key = _store_key(pipeline, plugins)
        row = store.screening(key) if store is not None else None
        if row is not None and row["llvm_version"] == llvm_version and row["status"] == REJECT:
            return _from_store(row, pipeline)
        corpus = _as_programs(corpus_programs() if programs is None else programs)
        corpus += csmith_programs(csmith, jobs=jobs)
        fingerprint = corpus_fingerprint(corpus)
        if row is not None and row["llvm_version"] == llvm_version:
            cached = _from_store(row, pipeline)
            if cached.corpus == fingerprint:
                return cached
        result = _screen_corpus(pipeline, corpus, plugins, jobs, timeout)
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


def _screen_corpus(pipeline: str, corpus: List[Program], plugins: Sequence[str], jobs: int,
                   timeout: float) -> ScreenResult:
    with tempfile.TemporaryDirectory(prefix="passlm-screen-") as tmp:
        state = _Screening(pipeline, plugins, Path(tmp), timeout, cache_dir())
        rejected = state.check_syntax()
        if rejected:
            return ScreenResult(pipeline, REJECT, rejected[0], None, rejected[1])
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            results = list(pool.map(lambda item: state.screen_one(*item), enumerate(corpus)))
    failure = next((r for r in results if r.failed), None)
    if failure is None:
        return ScreenResult(pipeline, PASS, programs=results)
    return ScreenResult(pipeline, REJECT, failure.status, failure.program, failure.detail, results)


# ----------------------------------------------------------------------- CLI


def cmd_screen(args: argparse.Namespace) -> int:
    """One line per pipeline; exit 0 if all pass, 1 if any is rejected."""
    results = []
    for pipeline in args.pipelines:
        result = screen(pipeline, store=args.db, csmith=args.csmith, jobs=args.jobs, plugins=args.plugin or (),
                        timeout=args.timeout, programs=args.programs)
        results.append(result)
        if not args.json:
            how = " (cached)" if result.cached else f" ({result.seconds:.1f} s)"
            print(f"{result.status:<6}  {pipeline}  {result.summary()}{how}", flush=True)
    if args.json:
        json.dump([r.to_dict() for r in results], sys.stdout, indent=2)
        sys.stdout.write("\n")
    return 0 if all(r.passed for r in results) else 1


def register(subparsers) -> argparse.ArgumentParser:
    """Adds `screen` to the passlm command's subparsers."""
    parser = subparsers.add_parser(
        "screen",
        help="check that pipelines do not miscompile the screening corpus",
        description=(
            "Optimize every screening program with each PIPELINE (opt-19 -passes=...), link and run it, "
            "and compare its output and exit status with the expected ones. Prints one line per pipeline: "
            "pass, or reject with the first failing program and why. Exit status 0 if every pipeline "
            "passes, 1 if any is rejected."
        ),
    )
    parser.add_argument("pipelines", nargs="+", metavar="PIPELINE", help="a new-PM pipeline (opt -passes syntax)")
    parser.add_argument("--db", metavar="PATH", help="a passlm store: cache results in its screening table")
    parser.add_argument("--csmith", type=int, default=10, metavar="N",
                        help="seeded csmith programs added to the corpus (default 10; 0: none)")
    parser.add_argument("--programs", action="append", metavar="PATH",
                        help="a program (NAME.c with NAME.expected) or a folder of them, instead of examples/ and "
                             "screening/programs/ (repeatable; csmith programs are still added unless --csmith 0)")
    parser.add_argument("--plugin", action="append", metavar="LIB", help="a pass plugin for opt (repeatable)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="programs screened at once (default 2)")
    parser.add_argument("--timeout", type=float, default=10, metavar="S",
                        help="seconds allowed to each opt, link and program run (default 10)")
    parser.add_argument("--json", action="store_true", help="the results as a JSON list")
    parser.set_defaults(func=cmd_screen)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """`python -m passlm.screen PIPELINE...`: the same as `passlm screen`."""
    parser = argparse.ArgumentParser(prog="passlm")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["screen", *(sys.argv[1:] if argv is None else argv)])
    try:
        return args.func(args)
    except (PassLMError, OSError, ValueError) as e:
        print(f"passlm: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
