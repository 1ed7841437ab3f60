"""table:FILE — per-module pipelines, keyed by module content hash.

The file is JSON::

    {"format": "passlm-table", "version": 1,
     "modules": {"<Module.hash>": ["best pipeline", "second", ...], ...}}

A module missing from the table gets no candidates (the plugin then keeps
default<Oz> and says so).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence

from ..jsonformat import read_document, write_document
from . import Candidate, EngineSpecError, ModuleFacts, up_to_k_trials

FORMAT = "passlm-table"
VERSION = 1


@dataclass(frozen=True)
class TableEngine:
    path: str
    modules: Mapping[str, tuple[str, ...]]
    needs = frozenset({"hash"})

    @classmethod
    def load(cls, path: str) -> "TableEngine":
        if not path:
            raise EngineSpecError("table: needs a file, e.g. table:tuned.json")
        data = read_document(path, FORMAT, VERSION, "table", error=EngineSpecError)
        modules = {}
        for key, value in (data.get("modules") or {}).items():
            pipelines = [value] if isinstance(value, str) else value
            if not isinstance(pipelines, list) or not all(isinstance(p, str) for p in pipelines):
                raise EngineSpecError(f"{path}: entry {key}: expected a pipeline or a list of pipelines")
            modules[key] = tuple(pipelines)
        return cls(path, modules)

    def predict(self, ir_text: str, k: int, facts: Optional[ModuleFacts] = None) -> list[Candidate]:
        key = facts.hash if facts and facts.hash else _hash_of(ir_text)
        pipelines = self.modules.get(key, ())
        return up_to_k_trials([Candidate(p, 1.0 / (rank + 1)) for rank, p in enumerate(pipelines)], k)


def _hash_of(ir_text: str) -> str:
    from .. import Module

    return Module.from_string(ir_text, verify=False).hash


def write_table(path: str | Path, modules: Mapping[str, Sequence[str]]) -> None:
    """Write a table file (module hash -> ranked pipelines)."""
    write_document(path, FORMAT, VERSION, {"modules": {h: list(p) for h, p in sorted(modules.items())}})
