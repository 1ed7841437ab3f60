"""Engines: what proposes pipelines for a module.

Every engine has ``predict(ir_text, k, facts=None) -> list[Candidate]``,
best first: k pipelines to try, and -Oz where the engine ranks it (the guard
measures -Oz anyway, so it is not one of the k; ``up_to_k_trials``). An
engine spec string picks one (``PASSLM_ENGINE``, ``--engine``):

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
``coreset:FILE`` / ``coreset:default``
    the k pipelines that together cover a training corpus best (greedy set
    cover over the label store). Shipped in the package, covers of passlm's
    screened pool: ``coreset:default``, the default engine, weighs each
    pipeline's gain against the square root of its trial's cost (best on the
    held-out packages at the default k, with cold builds within 2.5x);
    ``coreset:cover`` by gain alone, ``coreset:per-second`` by gain per
    second of trial. None needs a model.

Another package adds an engine kind through the entry-point group
``passlm.engines``: the entry point's name is the kind, its object a callable
taking the spec's argument (the text after ``kind:``) and returning an engine,
e.g. in its pyproject.toml::

    [project.entry-points."passlm.engines"]
    mykind = "mypackage.engine:MyEngine.from_spec"

The built-in kinds win over a registered one of the same name.

Engines import nothing heavy until built; this module imports no torch. The
model engines need the ``[model]`` extra (torch, transformers): without it,
asking for one raises MissingExtraError, which names it.
"""
from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Callable, Optional, Protocol

from ..defaults import DEFAULT_ENGINE  # noqa: F401  (re-exported)
from ..defaults import OZ


@dataclass(frozen=True)
class Candidate:
    pipeline: str
    score: float = 0.0


def up_to_k_trials(candidates, k: int) -> list[Candidate]:
    """The first candidates, best first, up to k trials: the guard measures -Oz
    anyway, so a candidate that is -Oz costs no trial and takes none of the k places."""
    kept, trials = [], 0
    for candidate in candidates:
        if trials == k:
            break
        kept.append(candidate)
        trials += candidate.pipeline != OZ
    return kept


def plugin_candidates(candidates, k: int) -> list[dict]:
    """An engine's answer as the plugin is sent it ({pipeline, score} dicts), up
    to k trials: the plugin measures every candidate it gets, and an engine of
    another package may return more than k (the bridge and the server send this)."""
    return [{"pipeline": c.pipeline, "score": c.score} for c in up_to_k_trials(candidates, k)]


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


class MissingExtraError(EngineSpecError):
    """An engine whose packages are not installed: names the extra that has them."""


from ..defaults import EXTRAS, NEEDS_EXTRA, missing_extra  # noqa: F401  (EXTRAS, NEEDS_EXTRA: public here too)

#: The group other packages register engine kinds in (see above).
ENTRY_POINT_GROUP = "passlm.engines"

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


def registered_engines() -> dict:
    """The engine kinds other packages register: kind -> entry point (not loaded)."""
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name not in _ENGINES}


def _constructor(kind: str, spec: str) -> Callable[[str], Engine]:
    if kind in _ENGINES:
        module, cls, constructor = _ENGINES[kind]
        return getattr(getattr(importlib.import_module(module, __package__), cls), constructor)
    registered = registered_engines()
    if kind not in registered:
        known = ", ".join([*_ENGINES, *sorted(registered)])
        raise EngineSpecError(f"unknown engine '{kind}' in spec '{spec}' (known: {known})")
    return registered[kind].load()


def make_engine(spec: str) -> Engine:
    """The engine SPEC names (``kind:argument``), built."""
    kind, sep, argument = spec.partition(":")
    if not sep:
        raise EngineSpecError(f"engine spec '{spec}' has no ':' (e.g. model:default, fixed:default<Oz>)")
    missing = missing_extra(kind)
    if missing:
        extra, module = missing
        raise MissingExtraError(
            f"engine '{kind}' needs the [{extra}] extra (no module named '{module}'): "
            f"pip install 'passlm[{extra}]' (CPU torch first: pip install torch "
            "--index-url https://download.pytorch.org/whl/cpu)")
    return _constructor(kind, spec)(argument)
