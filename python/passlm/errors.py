"""Exceptions raised by passlm (the compiled core raises these too).

Each pickles with its fields (``__reduce__``), so an error raised in a child
process (``Module.evaluate(..., isolated=True)``) is raised again, the same,
in its parent.
"""


class PassLMError(Exception):
    """Base class of passlm's own errors."""


class IRParseError(PassLMError, ValueError):
    """IR that does not parse: where, and LLVM's message."""

    def __init__(self, message: str, file: str, line: int = 0, column: int = 0):
        self.message, self.file, self.line, self.column = message, file, line, column
        where = file + "".join(f":{n}" for n in (line, column) if n)
        super().__init__(f"{where}: {message}")

    def __reduce__(self):
        return type(self), (self.message, self.file, self.line, self.column)


class VerifierError(PassLMError, ValueError):
    """IR that parses but fails LLVM's verifier."""


class PipelineError(PassLMError, ValueError):
    """A pipeline string LLVM rejects (unknown pass, malformed syntax)."""

    def __init__(self, message: str, pipeline: str):
        self.message, self.pipeline = message, pipeline
        # LLVM's message sometimes quotes the whole pipeline already.
        super().__init__(message if f"'{pipeline}'" in message else f"invalid pipeline '{pipeline}': {message}")

    def __reduce__(self):
        return type(self), (self.message, self.pipeline)


class PipelineCrash(PassLMError, RuntimeError):
    """A pipeline that parses but ended the process evaluating it (LLVM's
    report_fatal_error, a signal) or overran its time: raised by
    ``Module.evaluate(..., isolated=True)``, whose child took the blow.
    ``message`` is LLVM's (the child's first error line, without "LLVM
    ERROR: "), ``returncode`` the child's exit status (negative: a signal;
    None: killed at the timeout)."""

    def __init__(self, message: str, pipeline: str, returncode: "int | None" = None):
        self.message, self.pipeline, self.returncode = message, pipeline, returncode
        super().__init__(f"pipeline '{pipeline}' crashed LLVM: {message}")

    def __reduce__(self):
        return type(self), (self.message, self.pipeline, self.returncode)


class CodegenError(PassLMError, RuntimeError):
    """The backend could not compile a module to an object."""


class CompileError(PassLMError, RuntimeError):
    """clang could not turn a source file into IR."""
