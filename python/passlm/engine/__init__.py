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
``model:DIR`` / ``model:default``
    passlm's own IR language model (transformers, local directory,
    safetensors only); ``model:default`` is the one shipped in the package.
``llm-compiler:DIR``
    Meta's LLM Compiler FTD checkpoints (local directory), with their exact
    flag-tuning prompt; the answers are parsed into pipelines.
``openai:URL``
    the same prompt sent to an OpenAI-compatible completions endpoint.
``coreset:FILE``
    the k pipelines that together cover a training corpus best (greedy set
    cover over the label store): the no-model baseline.

Engines import nothing heavy until built; this module imports no torch.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Protocol

from ..defaults import DEFAULT_ENGINE  # noqa: F401  (re-exported)


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


#: The engine kinds that answer LLM Compiler's prompts (``fit`` and ``complete``):
#: what disassembly and emulation can ask.
COMPLETION_ENGINES = ("llm-compiler", "openai")


class EngineSpecError(ValueError):
    """An engine spec that names no engine, or names one wrongly."""


# kind -> (module, class, constructor taking the spec's argument); imported only when used.
_ENGINES = {
    "fixed": (".fixed", "FixedEngine", "from_spec"),
    "table": (".table", "TableEngine", "load"),
    "python": (".pyfunc", "PythonFunctionEngine", "from_spec"),
    "model": (".model", "ModelEngine", "load"),
    "llm-compiler": (".llm_compiler", "LLMCompilerEngine", "load"),
    "openai": (".openai", "OpenAIEngine", "from_spec"),
    "coreset": (".coreset", "CoresetEngine", "load"),
}


def make_engine(spec: str) -> Engine:
    import importlib

    kind, sep, argument = spec.partition(":")
    if not sep:
        raise EngineSpecError(f"engine spec '{spec}' has no ':' (e.g. model:default, fixed:default<Oz>)")
    if kind not in _ENGINES:
        raise EngineSpecError(f"unknown engine '{kind}' in spec '{spec}' (known: {', '.join(_ENGINES)})")
    module, cls, constructor = _ENGINES[kind]
    return getattr(getattr(importlib.import_module(module, __package__), cls), constructor)(argument)
