"""Defaults that light modules (the plugin's bridge, the server client) share
with the engines, without importing them."""
from __future__ import annotations

import importlib.util
from typing import Optional

#: The engine a request without one gets: a coreset of the screened pool
#: shipped in the package (engine/coreset.py), which measured best on the
#: held-out packages at the plugin's default k of the engines whose cold
#: builds stay within 2.5x plain clang's time, and needs neither torch nor a
#: model load. (C++: passlm::DefaultEngineSpec in cpp/plugin/ServerClient.h.)
DEFAULT_ENGINE = "coreset:default"

#: The candidates the plugin asks of the engine (PASSLM_K) and ``passlm eval``
#: measures by default: with the default engine, cold builds stay within 2.5x
#: plain clang's time (bench/bench_build.py). (C++: passlm::Options::K.)
DEFAULT_K = 3

#: The baseline pipeline, clang -Oz's middle end: what every figure is
#: measured against, what the guard keeps when nothing is smaller, and the
#: fallback when anything fails. (C++: passlm::BaselinePipeline in Core.h.)
OZ = "default<Oz>"

#: The extras of passlm's pyproject.toml that engine kinds need, with the modules they install.
EXTRAS = {"model": ("torch", "transformers", "tokenizers", "safetensors")}
#: kind -> the extra it needs.
NEEDS_EXTRA = {"model": "model", "llm-compiler": "model"}


def missing_extra(kind: str) -> Optional[tuple[str, str]]:
    """(extra, first missing module) when an engine kind's extra is not installed, else None.
    Nothing is imported: a server client asks before starting a server for nothing."""
    extra = NEEDS_EXTRA.get(kind)
    missing = [m for m in (EXTRAS[extra] if extra else ()) if importlib.util.find_spec(m) is None]
    return (extra, missing[0]) if extra and missing else None
