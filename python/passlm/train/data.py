"""Training examples from the label store: (module IR, its best screened pipeline).

For every module of a split, the targets are the pipelines that passed
miscompile screening, are deterministic (``pipelines.space.is_deterministic``) and reach the smallest object size measured for the
module (ties all count; at most ``MAX_TIES`` of the shortest), if that size
is below -Oz's; otherwise the target is ``default<Oz>``. An epoch draws one
target per module. Every pipeline element must be a pass token of the
tokenizer; pipelines with other elements are left out (and counted).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Sequence

from ..defaults import OZ
from ..store import Store
from ..pipelines.space import is_deterministic, split_elements

MAX_TIES = 4


@dataclass(frozen=True)
class Example:
    module: str
    targets: tuple[str, ...]  # equally good pipelines, shortest first
    oz: int                   # -Oz object size
    best: int                 # the targets' object size


def best_screened(store: Store, modules: Sequence[str]) -> list[Example]:
    """One Example per module with an ok, non-empty -Oz evaluation."""
    wanted = set(modules)
    sizes: dict[str, dict[str, int]] = {}
    for module, pipeline, size in store.iter_ok("size"):
        if module in wanted:
            sizes.setdefault(module, {})[pipeline] = size
    passed: dict[str, bool] = {}

    def screened(pipeline: str) -> bool:
        if pipeline not in passed:
            s = store.screening(pipeline)
            passed[pipeline] = bool(s) and s["status"] == "pass"
        return passed[pipeline]

    examples = []
    for module in modules:
        measured = sizes.get(module, {})
        oz = measured.get(OZ)
        if not oz:
            continue
        better = [(size, p) for p, size in measured.items()
                  if size < oz and p != OZ and is_deterministic(p) and screened(p)]
        if not better:
            examples.append(Example(module, (OZ,), oz, oz))
            continue
        best = min(size for size, _ in better)
        ties = sorted((p for size, p in better if size == best), key=lambda p: (len(split_elements(p)), p))
        examples.append(Example(module, tuple(ties[:MAX_TIES]), oz, best))
    return examples


def draw_targets(examples: Sequence[Example], epoch: int, seed: int) -> list[str]:
    rng = random.Random(f"{seed}:{epoch}")
    return [rng.choice(e.targets) for e in examples]


def batches(order: Sequence[int], lengths: Sequence[int], batch_size: int, epoch: int,
            seed: int) -> list[list[int]]:
    """Batches of similar lengths (little padding), in a seeded random order."""
    rng = random.Random(f"batches:{seed}:{epoch}")
    shuffled = list(order)
    rng.shuffle(shuffled)
    # Sort within windows of 32 batches: similar lengths together, still shuffled overall.
    window = batch_size * 32
    result = []
    for start in range(0, len(shuffled), window):
        chunk = sorted(shuffled[start:start + window], key=lambda i: lengths[i])
        result += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(result)
    return result

