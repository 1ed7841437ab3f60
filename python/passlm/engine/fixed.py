"""fixed:P1|P2|... — the same candidates for every module."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from . import Candidate, EngineSpecError, ModuleFacts, up_to_k_trials


@dataclass(frozen=True)
class FixedEngine:
    pipelines: tuple[str, ...]
    needs = frozenset()  # the same answer for every module

    @classmethod
    def from_spec(cls, argument: str) -> "FixedEngine":
        pipelines = tuple(p.strip() for p in argument.split("|") if p.strip())
        if not pipelines:
            raise EngineSpecError("fixed: needs at least one pipeline, e.g. fixed:default<Oz>")
        return cls(pipelines)

    def predict(self, ir_text: str, k: int, facts: Optional[ModuleFacts] = None) -> list[Candidate]:
        return up_to_k_trials([Candidate(p, 1.0 / (rank + 1)) for rank, p in enumerate(self.pipelines)], k)
