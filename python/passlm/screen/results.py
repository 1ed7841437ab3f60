"""What screening gives back: a verdict per pipeline and per program, or
ScreenError when it cannot be done."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import List, Optional

from ..errors import PassLMError

# Reasons for a reject.
INVALID = "invalid-pipeline"
COMPILER_CRASH = "compiler-crash"
COMPILER_TIMEOUT = "compiler-timeout"
VERIFIER = "verifier"
LINK_ERROR = "link-error"
OUTPUT = "output"
EXIT_STATUS = "exit-status"
PROGRAM_CRASH = "program-crash"
PROGRAM_TIMEOUT = "program-timeout"

PASS, REJECT = "pass", "reject"


class ScreenError(PassLMError):
    """Screening could not be done (no corpus, csmith missing, a program that does not compile)."""


@dataclass
class ProgramResult:
    program: str
    status: str  # "ok", "skipped" (after an earlier failure) or a reject reason
    detail: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def failed(self) -> bool:
        return self.status not in ("ok", "skipped")


@dataclass
class ScreenResult:
    pipeline: str
    status: str  # "pass" or "reject"
    reason: Optional[str] = None  # why it was rejected (INVALID, COMPILER_CRASH, ..., OUTPUT, ...)
    program: Optional[str] = None  # the first failing program (None: the pipeline itself)
    message: str = ""
    programs: List[ProgramResult] = field(default_factory=list)
    llvm_version: str = ""
    corpus: str = ""  # fingerprint of the corpus it was screened on
    cached: bool = False
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == PASS

    def summary(self) -> str:
        """One line: how many programs, or the first failure and its reason."""
        if self.passed:
            checked = sum(p.ok for p in self.programs)
            return f"{checked} programs ok" if self.programs else "ok"
        where = f"{self.program}: " if self.program else ""
        return f"{where}{self.reason}: {self.message}"

    def to_dict(self) -> dict:
        return asdict(self)
