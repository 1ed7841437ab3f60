"""From source files to passlm modules.

The IR passlm works on is the IR at the start of clang's -Oz pipeline
(DESIGN.md, "IR conventions"):

    clang-19 -Oz -Xclang -disable-llvm-passes -emit-llvm -c SRC -o -

It keeps the ``minsize optsize`` attributes, TBAA and lifetime markers that
the -Oz pipeline (and a predicted one) would see inside clang.
"""
from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path
from typing import Iterable, Optional, Union

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

#: The flags that give the IR form of DESIGN.md (before SRC and -o).
IR_FLAGS = ("-Oz", "-Xclang", "-disable-llvm-passes", "-emit-llvm", "-c")

#: How many lines of clang's diagnostics a CompileError keeps.
MAX_DIAGNOSTIC_LINES = 20


def default_clang() -> str:
    """The clang passlm was built against (recorded at build time), else clang-19 on PATH."""
    recorded = Path(_build_info.CLANG)
    if recorded.is_file() and os.access(recorded, os.X_OK):
        return str(recorded)
    return paths.llvm_tool("clang")


def _language(path: Path) -> str:
    try:
        return SOURCE_LANGUAGES[path.suffix]
    except KeyError:
        raise ValueError(_unknown_suffix(path)) from None


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
) -> bytes:
    """Compile a C or C++ file (by suffix) to bitcode in passlm's IR form.

    Returns the bitcode bytes (``Module.from_string`` parses them). Raises
    FileNotFoundError for a missing source, ValueError for a suffix that is
    neither C nor C++, and CompileError with clang's first diagnostic lines
    (which name the file and line) when clang fails.
    """
    src = Path(path)
    language = _language(src)
    if not src.is_file():
        if src.exists():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(src))
        raise _missing(src)
    compiler = clang or default_clang()
    command = [compiler, "-x", language, *IR_FLAGS, *extra_flags, str(src), "-o", "-"]
    try:
        done = subprocess.run(
            command, stdin=subprocess.DEVNULL, capture_output=True, check=False
        )
    except OSError as e:
        raise CompileError(f"{src}: cannot run {compiler}: {e.strerror or e}") from e
    if done.returncode != 0 or not done.stdout:
        diagnostics = done.stderr.decode("utf-8", "replace").splitlines()
        shown = diagnostics[:MAX_DIAGNOSTIC_LINES]
        if len(diagnostics) > len(shown):
            shown.append(f"... ({len(diagnostics) - len(shown)} more lines)")
        how = (
            f"exit status {done.returncode}"
            if done.returncode >= 0
            else f"killed by signal {-done.returncode}"
        )
        detail = "\n".join(shown) if shown else "(no diagnostics)"
        raise CompileError(f"{src}: clang failed ({how}):\n{detail}")
    return done.stdout


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


__all__ = ["c_to_ir", "load_module", "default_clang", "SOURCE_LANGUAGES", "IR_SUFFIXES"]
