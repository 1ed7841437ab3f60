"""The dataset builder: a corpus of unique IR modules, with provenance, from
real C/C++ code.

Sources come from a directory (``passlm.data.sources``), a
``compile_commands.json`` (``passlm.data.compile_commands``), Debian source
packages (``passlm.data.debian``) or csmith (``passlm.data.csmith``). Each is
turned into :class:`Job` s (one source, its flags, where to compile it) that
:class:`Builder` compiles to the IR form of docs/conventions.md in a small pool and
stores in a :class:`passlm.store.Store`: duplicates (same content hash) once,
failures with clang's first error line, resumable after a kill.
``passlm.data.split`` holds out whole packages; ``passlm.data.recipe``
rebuilds the shipped corpus from ``data/recipe.json``; ``passlm data ...`` is
the command (``passlm.data.cli``).
"""
from __future__ import annotations

from .build import Builder, BuildCounts, DataError, Job

__all__ = ["Builder", "BuildCounts", "DataError", "Job"]
