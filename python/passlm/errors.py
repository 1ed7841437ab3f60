"""Exceptions raised by passlm (the compiled core raises these too)."""


class PassLMError(Exception):
    """Base class of passlm's own errors."""


class IRParseError(PassLMError, ValueError):
    """IR that does not parse: where, and LLVM's message."""

    def __init__(self, message: str, file: str, line: int = 0, column: int = 0):
        self.message, self.file, self.line, self.column = message, file, line, column
        where = file + "".join(f":{n}" for n in (line, column) if n)
        super().__init__(f"{where}: {message}")


class VerifierError(PassLMError, ValueError):
    """IR that parses but fails LLVM's verifier."""


class PipelineError(PassLMError, ValueError):
    """A pipeline string LLVM rejects (unknown pass, malformed syntax)."""

    def __init__(self, message: str, pipeline: str):
        self.message, self.pipeline = message, pipeline
        # LLVM's message sometimes quotes the whole pipeline already.
        super().__init__(message if f"'{pipeline}'" in message else f"invalid pipeline '{pipeline}': {message}")


class CodegenError(PassLMError, RuntimeError):
    """The backend could not compile a module to an object."""


class CompileError(PassLMError, RuntimeError):
    """clang could not turn a source file into IR."""
