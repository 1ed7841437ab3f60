"""passlm: predict, with a small language model, the LLVM pass pipeline that
makes each module smallest, and apply it inside opt and clang.

Importing passlm is cheap: the compiled core (and libLLVM) loads on first use
of one of its names, the other entry points (``load_module``,
``make_engine``...) on first use too, and torch only when a model engine is
built. The plugin's embedded Python imports passlm in every compiler process.
Type checkers see the real names (the imports under TYPE_CHECKING).
"""
from typing import TYPE_CHECKING, Any

from .errors import (
    CodegenError,
    CompileError,
    IRParseError,
    PassLMError,
    PipelineCrash,
    PipelineError,
    VerifierError,
)

if TYPE_CHECKING:
    from ._core import LLVM_VERSION, Module, check_pipeline, choose_by_guard, load_pass_plugin, pass_names
    from .compile import c_to_ir, load_module
    from .defaults import DEFAULT_ENGINE, OZ
    from .engine import Candidate, Engine, EngineSpecError, MissingExtraError, ModuleFacts, make_engine
    from .paths import examples_dir, plugin_path

__version__ = "0.1.0"

# name -> the module that defines it, imported on first use (keep in step with
# the imports under TYPE_CHECKING above).
_LAZY_NAMES = {
    **dict.fromkeys(("LLVM_VERSION", "Module", "check_pipeline", "choose_by_guard", "load_pass_plugin",
                     "pass_names"), "._core"),
    **dict.fromkeys(("c_to_ir", "load_module"), ".compile"),
    **dict.fromkeys(("DEFAULT_ENGINE", "OZ"), ".defaults"),
    **dict.fromkeys(("Candidate", "Engine", "EngineSpecError", "MissingExtraError", "ModuleFacts", "make_engine"),
                    ".engine"),
    **dict.fromkeys(("examples_dir", "plugin_path"), ".paths"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'passlm' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module, __name__), name)


def __dir__() -> list:
    return sorted([*globals(), *_LAZY_NAMES])


__all__ = [
    "LLVM_VERSION",
    "Module",
    "check_pipeline",
    "choose_by_guard",
    "load_pass_plugin",
    "pass_names",
    "c_to_ir",
    "load_module",
    "DEFAULT_ENGINE",
    "OZ",
    "Candidate",
    "Engine",
    "EngineSpecError",
    "MissingExtraError",
    "ModuleFacts",
    "make_engine",
    "examples_dir",
    "plugin_path",
    "CodegenError",
    "CompileError",
    "IRParseError",
    "PassLMError",
    "PipelineCrash",
    "PipelineError",
    "VerifierError",
]
