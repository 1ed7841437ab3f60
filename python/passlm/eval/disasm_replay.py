"""Replaying a disassembly record: ``passlm eval --replay results/heldout-disasm-k8.json``.

A record of ``passlm eval --task disasm`` names its pairs file by its name
and sha256 only (``suite``: no machine path), and its lifter by the sha256
of the lifter's files (``lifter_sha256``). The replay finds the pairs file
by that name, in the current folder or next to the record, checks its
sha256, lifts the same pairs with the same engine and k again, and compares
every figure and every row as the flag-tuning replay does
(:func:`passlm.eval.replay.diff`), times excepted (``seconds``,
``median_seconds``).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Optional

from .suite import EvalError

#: Measurements of time: never compared.
TIMES = frozenset({"seconds", "median_seconds"})


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def suite_of(path: str | Path, limit: Optional[int]) -> dict:
    """What a record says of its pairs file: name, sha256, how many pairs were read from its start."""
    return {"file": Path(path).name, "sha256": file_sha256(path), "limit": limit}


def lifter_sha256(engine: str) -> Optional[str]:
    """The sha256 of a lifter engine's files (None for other engines)."""
    kind, _, argument = engine.partition(":")
    if kind != "lifter":
        return None
    from ..text.lifter import INDEX_FILE, INFO_FILE, default_dir

    folder = default_dir() if argument in ("", "default") else Path(argument)
    return hashlib.sha256("".join(file_sha256(folder / name) for name in (INFO_FILE, INDEX_FILE)).encode()).hexdigest()


def is_disasm_record(path: str | Path) -> bool:
    try:
        return json.loads(Path(path).read_text()).get("task") == "disasm"
    except (OSError, ValueError, AttributeError):
        return False


def _find_pairs(record: Path, name: str) -> Path:
    for folder in (Path.cwd(), record.parent):
        if (folder / name).is_file():
            return folder / name
    raise EvalError(f"{record}: its pairs file {name} is neither here nor next to the record "
                    "(passlm data pairs makes it; see the README)")


def _without_times(value):
    if isinstance(value, dict):
        return {key: _without_times(item) for key, item in value.items() if key not in TIMES}
    if isinstance(value, list):
        return [_without_times(item) for item in value]
    return value


def replay_disasm(path: str | Path, progress=None) -> tuple[dict, list[str], int]:
    """Re-run a disassembly record: (fresh document, differences, figures compared)."""
    from ..text.pairfile import read_pairs
    from .cli import _train_lifter
    from .replay import diff
    from .text_eval import eval_disasm

    record = Path(path)
    recorded = json.loads(record.read_text())
    suite = recorded.get("suite")
    if not isinstance(suite, dict) or "file" not in suite:
        raise EvalError(f"{record}: a disassembly record without its suite (made before records named it)")
    pairs_file = _find_pairs(record, suite["file"])
    fresh_suite = suite_of(pairs_file, suite.get("limit"))
    pairs = read_pairs(pairs_file)[:suite.get("limit")]
    engine, k = recorded["engine"], recorded["k"]
    fresh = eval_disasm(pairs, engine, k, progress=progress, train_lifter=_train_lifter(engine))
    fresh["suite"], fresh["lifter_sha256"] = fresh_suite, lifter_sha256(engine)
    differences: list[str] = []
    count = diff(_without_times(recorded), _without_times(fresh), "record", differences)
    return fresh, differences, count


__all__ = ["is_disasm_record", "lifter_sha256", "replay_disasm", "suite_of"]
