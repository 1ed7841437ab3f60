"""Where passlm's installed pieces and the LLVM tools are."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from . import _build_info

PLUGIN_NAME = "libpasslm.so"


def package_lib_dir() -> Path:
    """The folder holding the compiled parts (_core, the plugin, the bridge).

    In an editable install the Python sources stay in the checkout while the
    compiled parts live in site-packages, so ask the extension, not __file__.
    """
    from . import _core

    return Path(_core.__file__).resolve().parent


def plugin_path() -> Path:
    """Absolute path of the pass plugin, for -fpass-plugin= and -load-pass-plugin=."""
    return package_lib_dir() / PLUGIN_NAME


def examples_dir() -> Path:
    """The example programs installed with the package (NAME.c and NAME.expected)."""
    return package_lib_dir() / "examples"


def llvm_tool(name: str) -> str:
    """Path of an LLVM 19 tool (clang, opt, llc, llvm-size...).

    The folder recorded at build time first, then NAME-19 and NAME on PATH.
    """
    candidate = Path(_build_info.LLVM_BINDIR) / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    for guess in (f"{name}-19", name):
        found = shutil.which(guess)
        if found:
            return found
    raise FileNotFoundError(
        f"LLVM 19 tool '{name}' not found in {_build_info.LLVM_BINDIR} or on PATH "
        "(apt-get install llvm-19-tools clang-19)"
    )
