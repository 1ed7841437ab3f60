"""The actions: pipeline elements, the same vocabulary tune and the model use.

``default_actions()`` is ``passlm.pipelines.space.candidate_elements()``
(every pass the LLVM in use registers, filtered, the nondeterministic ones
left out, ``default<Oz>`` one element) *admitted* as the tuner admits them:
each element run alone, in crash-isolated workers, on sample modules (the
default dataset's example programs), and dropped when it fails on one. Admission
takes a few seconds once; its result is kept in the user's cache folder
(``$XDG_CACHE_HOME/passlm``), keyed by the LLVM version and the candidates.

An admitted element may still abort LLVM on some other module: the
environment survives it (the episode ends, see ``env``).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Sequence

#: The optional action that ends an episode (``end_action=True``).
END = "end"


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "passlm" / "gym"


def admit_elements(elements: Sequence[str], samples: Sequence[tuple[str, bytes]], jobs: int = 2,
                   timeout: float = 60.0) -> list[str]:
    """The elements that evaluate without error, alone, on every sample (name, bitcode)."""
    from ..pipelines.workers import Job, WorkerPool

    rejected = set()
    with WorkerPool(jobs=jobs, timeout=timeout) as pool:
        work = (Job(name, bitcode, element) for name, bitcode in samples for element in elements)
        for evaluation in pool.evaluate_many(work):
            if not evaluation.ok:
                rejected.add(evaluation.pipeline)
    return [e for e in elements if e not in rejected]


def default_actions() -> list[str]:
    """The admitted vocabulary (sorted), from the cache when it has it."""
    from .. import LLVM_VERSION
    from ..pipelines.space import candidate_elements
    from .benchmarks import resolve

    candidates = candidate_elements()
    samples = [(b.digest, b.bitcode) for b in resolve(None)]
    key = hashlib.sha256(json.dumps([LLVM_VERSION, candidates, [d for d, _ in samples]]).encode()).hexdigest()
    path = cache_folder() / f"actions-{LLVM_VERSION}-{key[:16]}.json"
    try:
        return json.loads(path.read_text())["actions"]
    except (OSError, ValueError, KeyError):
        pass
    actions = admit_elements(candidates, samples)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps({"llvm": LLVM_VERSION, "actions": actions}, indent=1) + "\n")
    partial.replace(path)  # atomic: vector environments may admit at the same time
    return actions
