"""Shared fixtures: the example programs, their IR, the LLVM 19 tools, and
reference figures computed with the tools as a user would (opt, llc,
llvm-size), to hold the in-process core to.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional, Tuple, Union

import pytest

from passlm import paths

from passlm.compile import IR_FLAGS  # the IR form of docs/conventions.md
from support import EXAMPLE_SOURCES, EXAMPLES, REPO, berkeley_size

EXAMPLE_NAMES = [p.stem for p in EXAMPLE_SOURCES]

#: Pipelines checked against the reference ("" = -O0, the module as is).
PIPELINES = [
    "default<Oz>",
    "default<O2>",
    "instcombine,simplifycfg",
    "module(sroa,inline,globaldce)",
    "mem2reg,gvn,dse,function(loop-mssa(licm)),simplifycfg",
    "",
]


def pipeline_id(pipeline: str) -> str:
    return pipeline or "O0"


# ----------------------------------------------------------------- server


@pytest.fixture(scope="session", autouse=True)
def private_runtime_dir(tmp_path_factory):
    """The plugin starts a server for model engines (PASSLM_SERVER=auto): in
    the tests it lives in a runtime folder and cache of their own, exits when
    idle, and is stopped at the end."""
    root = tmp_path_factory.mktemp("run")
    # XDG_*, not PASSLM_*: support.run clears PASSLM_* for the commands it runs.
    saved = {k: os.environ.get(k) for k in ("XDG_RUNTIME_DIR", "XDG_CACHE_HOME", "PASSLM_CACHE", "PASSLM_SERVER")}
    os.environ.update(XDG_RUNTIME_DIR=str(root), XDG_CACHE_HOME=str(root / "cache"))
    os.environ.pop("PASSLM_CACHE", None)
    os.environ.pop("PASSLM_SERVER", None)
    yield root
    subprocess.run([sys.executable, "-m", "passlm.server", "--stop"], capture_output=True)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


# ------------------------------------------------------------------ tools


@pytest.fixture(scope="session")
def clang() -> str:
    return paths.llvm_tool("clang")


@pytest.fixture(scope="session")
def opt() -> str:
    return paths.llvm_tool("opt")


@pytest.fixture(scope="session")
def llc() -> str:
    return paths.llvm_tool("llc")


@pytest.fixture(scope="session")
def llvm_size() -> str:
    return paths.llvm_tool("llvm-size")


@pytest.fixture(scope="session")
def passlm_exe() -> Path:
    """The console script of the venv that runs the tests."""
    exe = Path(sys.executable).parent / "passlm"
    if not exe.is_file():
        pytest.fail(f"no passlm console script next to {sys.executable} (pip install -e .)")
    return exe


# ------------------------------------------------------------------ examples


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def example_sources() -> Dict[str, Path]:
    assert EXAMPLE_SOURCES, f"no examples in {EXAMPLES}"
    return {p.stem: p for p in EXAMPLE_SOURCES}


def compile_to_bc(clang: str, src: Path, out: Path, cwd: Optional[Path] = None) -> Path:
    subprocess.run(
        [clang, *IR_FLAGS, str(src), "-o", str(out)],
        check=True,
        capture_output=True,
        cwd=cwd,
    )
    return out


@pytest.fixture(scope="session")
def example_bcs(tmp_path_factory, clang, example_sources) -> Dict[str, Path]:
    """Every example compiled to bitcode in the IR form, with clang-19 itself.

    Compiled from the repository root with relative paths (examples/NAME.c),
    so the modules name their source as the repository does.
    """
    out_dir = tmp_path_factory.mktemp("examples_bc")
    return {
        name: compile_to_bc(clang, src.relative_to(REPO), out_dir / f"{name}.bc", cwd=REPO)
        for name, src in example_sources.items()
    }


# ------------------------------------------------------------------ references


def count_ir_instructions(text: str) -> int:
    """Instructions in the function bodies of textual IR, one per line.

    Counts the lines between ``define ... {`` and ``}`` that are not labels,
    blank lines, comments or braces. Continuation lines of a multi-line
    instruction (switch cases up to their ``]``, landingpad clauses, the
    ``to label ... unwind label ...`` line of invoke and callbr) belong to the
    instruction before them and are not counted again.
    """
    label = re.compile(r'^(?:[-\w$.]+|"(?:[^"\\]|\\.)*"):(?:\s*;.*)?$')
    count = 0
    in_body = in_switch = in_landingpad = False
    for raw in text.splitlines():
        line = raw.strip()
        if not in_body:
            if line.startswith("define ") and line.endswith("{"):
                in_body = True
            continue
        if line == "}":
            in_body = in_switch = in_landingpad = False
            continue
        if in_switch:  # "i32 1, label %a" ... "]"
            if line.startswith("]"):
                in_switch = False
            continue
        if not line or line.startswith(";"):
            continue
        if label.match(line):
            in_landingpad = False
            continue
        if in_landingpad and re.match(r"^(catch|filter|cleanup)\b", line):
            continue
        if line.startswith("to label "):  # invoke / callbr destinations
            continue
        count += 1
        in_landingpad = bool(re.search(r"=\s*landingpad\b", line))
        if re.search(r"^\s*switch\b", line) and line.rstrip().endswith("["):
            in_switch = True
    return count


class Aborted:
    """opt died on a pipeline (report_fatal_error): no reference figures.

    Tests tell it from figures with `isinstance(x, tuple)`: pytest imports this
    file as tests.conftest, so a test module's `from conftest import Aborted`
    would be another class.
    """

    def __init__(self, stderr: str):
        self.stderr = stderr

    def __repr__(self) -> str:
        return f"Aborted({self.stderr.strip()!r})"


Reference = Union[Tuple[int, int], Aborted]


@pytest.fixture(scope="session")
def reference(tmp_path_factory, opt, llc, llvm_size):
    """reference(bc, pipeline) -> (instructions, object size), or Aborted.

    As a user measures it with the tools:
        opt-19 -relocation-model=pic -passes=P in.bc -o out.bc   (and -S, counted)
        llc-19 -O2 -relocation-model=pic -filetype=obj out.bc -o out.o
        llvm-size-19 -B out.o                                    (text + data)

    -relocation-model=pic on opt: clang -Oz optimizes with a PIC
    TargetMachine (Debian's clang defaults to PIE) and so does passlm; opt's
    default TargetMachine is static, which changes what some passes (LSR,
    via the legal addressing modes) do, and the object then differs from
    `clang -Oz -c` by a few bytes on some modules. test_core checks the
    clang agreement directly too.
    Cached per (file, pipeline) for the session.
    """
    cache: Dict[Tuple[str, str], Reference] = {}
    work = tmp_path_factory.mktemp("reference")
    counter = [0]

    def compute(bc: Path, pipeline: str) -> Reference:
        key = (str(bc), pipeline)
        if key in cache:
            return cache[key]
        counter[0] += 1
        stem = work / f"r{counter[0]}"
        if pipeline:
            passes = [f"-passes={pipeline}"]
            done = subprocess.run(
                [opt, "-relocation-model=pic", *passes, str(bc), "-o", f"{stem}.bc"],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                cache[key] = Aborted(done.stderr)
                return cache[key]
            optimized = Path(f"{stem}.bc")
        else:
            passes = []
            optimized = bc
        # opt -S with the same passes (no passes: the module as is).
        text = subprocess.run(
            [opt, "-relocation-model=pic", *passes, "-S", str(bc), "-o", "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        obj = Path(f"{stem}.o")
        subprocess.run(
            [llc, "-O2", "-relocation-model=pic", "-filetype=obj", str(optimized), "-o", str(obj)],
            check=True,
            capture_output=True,
        )
        cache[key] = (count_ir_instructions(text), berkeley_size(llvm_size, obj))
        return cache[key]

    return compute


# ------------------------------------------------------------------ helpers


def run_python(code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter of this venv (for things that may abort)."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="session")
def python_runner():
    return run_python


# A tiny corpus and a tiny model trained on it (session-scoped: made once).
TINY_PIPELINES = ("default<Oz>", "function(sroa)", "function(mem2reg),function(instcombine<no-verify-fixpoint>)",
                  "iroutliner,default<Oz>")
TINY_TEST = ("sort", "crc32", "rle")  # the held-out split of the tiny corpus


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory, example_bcs) -> Path:
    """A store of the 12 examples (3 held out), each evaluated under TINY_PIPELINES, all screened."""
    import passlm
    from passlm.store import Evaluation, Provenance, Store

    db = tmp_path_factory.mktemp("tiny") / "corpus.db"
    with Store(db) as store:
        for name, bc in sorted(example_bcs.items()):
            module = passlm.Module.from_file(str(bc))
            store.add_module(module.hash, module.to_bitcode(), Provenance(f"{name}.c", "files", passlm.LLVM_VERSION,
                                                                          package=name))
            store.set_split(module.hash, "test" if name in TINY_TEST else "train")
            for pipeline in TINY_PIPELINES:
                instructions, size = module.evaluate(pipeline)
                store.record_evaluation(Evaluation(module.hash, pipeline, "ok", instructions, size))
        for pipeline in TINY_PIPELINES[1:]:
            store.record_screening(pipeline, "pass", "{}", passlm.LLVM_VERSION)
    return db


TINY_MODEL_ARGS = ["--hidden", "32", "--layers", "1", "--heads", "2", "--intermediate", "64", "--context", "256",
                   "--vocab-size", "400", "--batch-size", "4", "--eval-modules", "3", "--learning-rate", "3e-3"]


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, tiny_corpus) -> Path:
    """A PipelineLM trained for 2 epochs on tiny_corpus through ``passlm train``."""
    from passlm.cli import main

    out = tmp_path_factory.mktemp("tiny") / "model"
    assert main(["train", "--db", str(tiny_corpus), "--out", str(out), "--epochs", "2"] + TINY_MODEL_ARGS) == 0
    return out


@pytest.fixture(scope="session")
def tiny_pairs(tmp_path_factory, tiny_corpus) -> Path:
    """(assembly, IR) pairs of the tiny corpus's functions (passlm data pairs' library entry)."""
    from passlm.text.pairs import build_pairs

    out = tmp_path_factory.mktemp("pairs") / "pairs.jsonl"
    build_pairs(tiny_corpus, out, max_chars=2500, log=lambda message: None)
    return out


@pytest.fixture(scope="session")
def tiny_disasm_model(tmp_path_factory, tiny_pairs) -> Path:
    """A disassembly TextLM trained for 1 epoch on tiny_pairs through ``passlm train --task disasm``."""
    from passlm.cli import main

    out = tmp_path_factory.mktemp("tiny") / "disasm"
    assert main(["train", "--task", "disasm", "--pairs", str(tiny_pairs), "--out", str(out), "--epochs", "1",
                 "--hidden", "32", "--layers", "1", "--heads", "2", "--intermediate", "64", "--context", "2048",
                 "--vocab-size", "400", "--batch-size", "4", "--no-eval"]) == 0
    return out
