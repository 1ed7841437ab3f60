"""passlm: predict, with a small language model, the LLVM pass pipeline that
makes each module smallest, and apply it inside opt and clang.

Importing passlm is cheap: the compiled core (and libLLVM) loads on first use
of one of its names, torch only when a model engine is built. The plugin's
embedded Python imports passlm in every compiler process.
"""
from .errors import (
    CodegenError,
    CompileError,
    IRParseError,
    PassLMError,
    PipelineCrash,
    PipelineError,
    VerifierError,
)

__version__ = "0.1.0"

_CORE_NAMES = frozenset({"LLVM_VERSION", "Module", "check_pipeline", "choose_by_guard", "load_pass_plugin",
                         "pass_names"})


def __getattr__(name: str):
    if name in _CORE_NAMES:
        from . import _core

        return getattr(_core, name)
    raise AttributeError(f"module 'passlm' has no attribute {name!r}")


__all__ = [
    "LLVM_VERSION",
    "Module",
    "check_pipeline",
    "choose_by_guard",
    "load_pass_plugin",
    "pass_names",
    "CodegenError",
    "CompileError",
    "IRParseError",
    "PassLMError",
    "PipelineCrash",
    "PipelineError",
    "VerifierError",
]
