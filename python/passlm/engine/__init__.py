"""Engines: what proposes pipelines for a module.

Every engine has ``predict(ir_text, k, facts=None) -> list[Candidate]``,
best first. An engine spec string picks one (``PASSLM_ENGINE``, ``--engine``):

``fixed:P1|P2|...``
    the same pipelines for every module (``|`` separates candidates).
``table:FILE``
    per-module pipelines keyed by the module's content hash
    (``passlm.Module.hash``): replays tuned results in a real build.
``python:FILE.py:FUNCTION``
    your own function ``f(ir_text, k, facts) -> list[str]``.

Engines import nothing heavy until built; this module imports no torch.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Protocol

DEFAULT_ENGINE = "fixed:default<Oz>"


@dataclass(frozen=True)
class Candidate:
    pipeline: str
    score: float = 0.0


@dataclass(frozen=True)
class ModuleFacts:
    """What the plugin knows of a module besides its IR."""

    name: str = ""
    hash: str = ""
    triple: str = ""
    instructions: int = 0


class Engine(Protocol):
    """``needs`` names what predict reads besides k: "ir" (the text) and/or
    "hash" (facts.hash); engines without the attribute get both."""

    needs: frozenset

    def predict(self, ir_text: str, k: int, facts: Optional[ModuleFacts] = None) -> list[Candidate]: ...


class EngineSpecError(ValueError):
    """An engine spec that names no engine, or names one wrongly."""


def make_engine(spec: str) -> Engine:
    kind, sep, argument = spec.partition(":")
    if not sep:
        raise EngineSpecError(f"engine spec '{spec}' has no ':' (e.g. fixed:default<Oz>, table:FILE)")
    if kind == "fixed":
        from .fixed import FixedEngine

        return FixedEngine.from_spec(argument)
    if kind == "table":
        from .table import TableEngine

        return TableEngine.load(argument)
    if kind == "python":
        from .pyfunc import PythonFunctionEngine

        return PythonFunctionEngine.from_spec(argument)
    raise EngineSpecError(f"unknown engine '{kind}' in spec '{spec}' (known: fixed, table, python)")
