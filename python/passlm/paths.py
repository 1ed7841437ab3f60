"""Where passlm's installed pieces and the LLVM tools are."""
from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path

from . import _build_info

PLUGIN_NAME = "libpasslm.so"


def package_lib_dir() -> Path:
    """The folder holding the compiled parts (_core, the plugin, the bridge).

    In an editable install the Python sources stay in the checkout while the
    compiled parts live in site-packages, so ask where the extension is, not
    __file__ (found without loading it: no libLLVM for a path).
    """
    spec = importlib.util.find_spec("passlm._core")
    if spec is None or not spec.origin:
        raise ImportError("passlm's compiled core (passlm._core) is not installed")
    return Path(spec.origin).resolve().parent


def install_id() -> str:
    """This installation, as 12 hex digits: the start of the SHA-256 of the real
    path of its compiled parts' folder (what the plugin computes from its own
    location, cpp/plugin/PythonLocation.h's pluginDirectory)."""
    return hashlib.sha256(str(package_lib_dir()).encode()).hexdigest()[:12]


def plugin_path() -> Path:
    """Absolute path of the pass plugin, for -fpass-plugin= and -load-pass-plugin=."""
    return package_lib_dir() / PLUGIN_NAME


def examples_dir() -> Path:
    """The example programs installed with the package (NAME.c and NAME.expected)."""
    return package_lib_dir() / "examples"


def screening_dir() -> Path:
    """The screening programs installed with the package (a checkout's screening/programs)."""
    return package_lib_dir() / "screening"


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
