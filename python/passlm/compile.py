"""From source files to passlm modules: the one way passlm runs clang.

The IR passlm works on is the IR at the start of clang's -Oz pipeline:

    clang-19 FLAGS -Oz -Xclang -disable-llvm-passes -emit-llvm -c SRC -o -

It keeps the ``minsize optsize`` attributes, TBAA and lifetime markers that
the -Oz pipeline (and a predicted one) would see inside clang. FLAGS (the
language, include folders, defines) come first, so the IR form's own flags
always win.

Every compile to IR (the corpus builder, screening, ``c_to_ir``) and the
demo's builds with the plugin run through :func:`run_clang`, which gives
clang one environment (:func:`clang_environment`: ``SOURCE_DATE_EPOCH=0``
and no header search paths from the environment, so the same source gives the
same module on any day and any machine), a timeout, and one kind of error:
:class:`ClangError`, a CompileError whose ``reason`` is clang's first error
line. Screening's links and reference builds, which judge a run rather than
fail it, run in the same environment.
"""
from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence, Union

from . import _build_info, paths
from ._core import Module
from .errors import CompileError

PathLike = Union[str, "os.PathLike[str]"]

#: Suffix -> clang language (-x) for the sources passlm compiles itself.
SOURCE_LANGUAGES = {
    ".c": "c",
    ".cc": "c++",
    ".cpp": "c++",
    ".cxx": "c++",
}
#: Suffixes parsed as LLVM IR (textual or bitcode; the content decides).
IR_SUFFIXES = (".ll", ".bc")

#: The flags that give passlm's IR form (after the source's own flags, before SRC and -o).
IR_FLAGS = ("-Oz", "-Xclang", "-disable-llvm-passes", "-emit-llvm", "-c")

#: One clang call, at most (seconds).
COMPILE_TIMEOUT = 300

#: Set for every clang passlm runs: __DATE__, __TIME__ and __TIMESTAMP__ are those of the epoch
#: (SOURCE_DATE_EPOCH, as in reproducible builds), so the same source gives the same module on any day.
REPRODUCIBLE_ENV = {"SOURCE_DATE_EPOCH": "0"}
#: Removed from clang's environment: header search paths and extra options that would make the same
#: command compile something else on another machine (flags say what a compile needs).
UNSET_ENV = ("CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH", "OBJC_INCLUDE_PATH", "OBJCPLUS_INCLUDE_PATH",
             "CCC_OVERRIDE_OPTIONS")


class ClangError(CompileError):
    """clang did not do what was asked: ``reason`` is clang's first error line (or why clang did not
    run, or the timeout), ``diagnostics`` all it printed on stderr."""

    def __init__(self, what: str, reason: str, diagnostics: str = ""):
        self.reason, self.diagnostics = reason, diagnostics
        # clang's own lines start with the file's name already.
        named = not what or reason.startswith(f"{what}:")
        super().__init__(reason if named else f"{what}: {reason}")


def default_clang() -> str:
    """The clang passlm was built against (recorded at build time), else clang-19 on PATH."""
    recorded = Path(_build_info.CLANG)
    if recorded.is_file() and os.access(recorded, os.X_OK):
        return str(recorded)
    return paths.llvm_tool("clang")


def clang_environment(extra: Optional[Mapping[str, str]] = None) -> dict:
    """The environment clang runs in: this process's, with REPRODUCIBLE_ENV set, UNSET_ENV removed,
    and ``extra`` on top (the plugin's settings, say)."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET_ENV}
    env.update(REPRODUCIBLE_ENV)
    env.update(extra or {})
    return env


def first_error_line(stderr: str) -> str:
    """The first line of clang's diagnostics that is an error (else the first line)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "error:" in line:
            return line
    return lines[0] if lines else "(no diagnostics)"


def run_clang(command: Sequence[str], *, cwd: Optional[PathLike] = None, timeout: float = COMPILE_TIMEOUT,
              env: Optional[Mapping[str, str]] = None, what: str = "") -> subprocess.CompletedProcess:
    """Runs one clang command (in :func:`clang_environment` with ``env`` on top); its CompletedProcess
    (stdout and stderr as bytes) when it exits 0, else ClangError naming ``what``."""
    try:
        done = subprocess.run([str(c) for c in command], cwd=cwd, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout, check=False, env=clang_environment(env))
    except subprocess.TimeoutExpired:
        raise ClangError(what, f"clang timed out after {timeout:g} s") from None
    except OSError as e:
        raise ClangError(what, f"cannot run {command[0]}: {e.strerror or e}") from e
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace")
        signal = f" (killed by signal {-done.returncode})" if done.returncode < 0 else ""
        raise ClangError(what, first_error_line(stderr) + signal, stderr)
    return done


def language_flags(source: PathLike) -> tuple[str, ...]:
    """``-x LANGUAGE`` for a source, by its suffix; ValueError for a suffix that is neither C nor C++."""
    path = Path(source)
    try:
        return ("-x", SOURCE_LANGUAGES[path.suffix])
    except KeyError:
        raise ValueError(_unknown_suffix(path)) from None


def ir_command(source: PathLike, flags: Iterable[str] = (), *, clang: Optional[str] = None,
               working_directory: Optional[PathLike] = None) -> list[str]:
    """The clang command that compiles ``source`` (with its ``flags``) to bitcode in passlm's IR form,
    on stdout; with ``-working-directory`` when given (sources named relative to it)."""
    command = [clang or default_clang(), *flags, *IR_FLAGS, str(source), "-o", "-"]
    if working_directory is not None:
        command += ["-working-directory", str(working_directory)]
    return command


def compile_ir(command: Sequence[str], *, cwd: Optional[PathLike] = None, timeout: float = COMPILE_TIMEOUT,
               what: str = "") -> bytes:
    """The bitcode an :func:`ir_command` writes; ClangError when clang fails or writes nothing."""
    bitcode = run_clang(command, cwd=cwd, timeout=timeout, what=what).stdout
    if not bitcode:
        raise ClangError(what, "clang wrote no bitcode")
    return bitcode


def _unknown_suffix(path: Path) -> str:
    known = ", ".join(IR_SUFFIXES + tuple(SOURCE_LANGUAGES))
    what = f"'{path.suffix}'" if path.suffix else "no suffix"
    return f"{path}: unknown kind of file ({what}); expected one of {known}"


def _missing(path: Path) -> FileNotFoundError:
    return FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))


def c_to_ir(
    path: PathLike,
    extra_flags: Iterable[str] = (),
    clang: Optional[str] = None,
    timeout: float = COMPILE_TIMEOUT,
) -> bytes:
    """Compile a C or C++ file (by suffix) to bitcode in passlm's IR form.

    Returns the bitcode bytes (``Module.from_string`` parses them). Raises
    FileNotFoundError for a missing source, ValueError for a suffix that is
    neither C nor C++, and CompileError (ClangError) naming the file, with
    clang's first error line (which names the file and line), when clang fails.
    """
    src = Path(path)
    language = language_flags(src)
    if not src.is_file():
        if src.exists():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(src))
        raise _missing(src)
    command = ir_command(src, (*language, *extra_flags), clang=clang)
    return compile_ir(command, timeout=timeout, what=str(src))


def load_module(
    path: PathLike,
    extra_flags: Iterable[str] = (),
    clang: Optional[str] = None,
    verify: bool = True,
) -> Module:
    """A Module from .ll/.bc (parsed) or .c/.cc/.cpp/.cxx (compiled, then parsed).

    A compiled source's module is named after the source path. Unknown
    suffixes raise ValueError; parse, verifier and compile errors raise
    IRParseError, VerifierError and CompileError; a missing file raises
    FileNotFoundError.
    """
    src = Path(path)
    if src.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(src))
    if src.suffix in IR_SUFFIXES:
        return Module.from_file(str(src), verify=verify)
    if src.suffix in SOURCE_LANGUAGES:
        bitcode = c_to_ir(src, extra_flags=extra_flags, clang=clang)
        return Module.from_string(bitcode, name=str(src), verify=verify)
    raise ValueError(_unknown_suffix(src))


__all__ = ["COMPILE_TIMEOUT", "ClangError", "IR_FLAGS", "IR_SUFFIXES", "SOURCE_LANGUAGES", "c_to_ir",
           "clang_environment", "compile_ir", "default_clang", "first_error_line", "ir_command",
           "language_flags", "load_module", "run_clang"]
