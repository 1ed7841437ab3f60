"""passlm: predict, with a small language model, the LLVM pass pipeline that
makes each module smallest, and apply it inside opt and clang.

Importing passlm is cheap: the compiled core is loaded, torch never is (the
model engine imports it only when used).
"""
from ._core import LLVM_VERSION, Module, check_pipeline, load_pass_plugin, pass_names
from .errors import (
    CodegenError,
    CompileError,
    IRParseError,
    PassLMError,
    PipelineError,
    VerifierError,
)

__version__ = "0.1.0"

__all__ = [
    "LLVM_VERSION",
    "Module",
    "check_pipeline",
    "load_pass_plugin",
    "pass_names",
    "CodegenError",
    "CompileError",
    "IRParseError",
    "PassLMError",
    "PipelineError",
    "VerifierError",
]
