"""python:FILE.py:FUNCTION — a user's own function as the engine.

The function is called as ``f(ir_text, k, facts)`` and returns pipelines
(strings, best first) or ``(pipeline, score)`` pairs.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Callable, Optional

from . import Candidate, EngineSpecError, ModuleFacts, up_to_k_trials


@dataclass(frozen=True)
class PythonFunctionEngine:
    function: Callable

    @classmethod
    def from_spec(cls, argument: str) -> "PythonFunctionEngine":
        path, sep, name = argument.rpartition(":")
        if not sep or not path or not name:
            raise EngineSpecError(f"python: expects FILE.py:FUNCTION, got '{argument}'")
        spec = importlib.util.spec_from_file_location("passlm_user_engine", path)
        if spec is None or spec.loader is None:
            raise EngineSpecError(f"python: cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        function = getattr(module, name, None)
        if not callable(function):
            raise EngineSpecError(f"python: {path} has no function '{name}'")
        return cls(function)

    def predict(self, ir_text: str, k: int, facts: Optional[ModuleFacts] = None) -> list[Candidate]:
        answer = self.function(ir_text, k, facts)
        if not isinstance(answer, (list, tuple)):
            raise TypeError(f"engine function returned {type(answer).__name__}, expected a list of pipelines")
        candidates = []
        for rank, item in enumerate(answer):
            pipeline, score = (item, 1.0 / (rank + 1)) if isinstance(item, str) else item
            if not isinstance(pipeline, str):
                raise TypeError(f"engine function returned a non-string pipeline {pipeline!r}")
            candidates.append(Candidate(pipeline, float(score)))
        return up_to_k_trials(candidates, k)
