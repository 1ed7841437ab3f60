"""The pair file of the disassembly task: (assembly, IR) pairs as JSON lines.

The pair file (JSON lines; ASCII, non-ASCII escaped): one object per pair,
these keys in this order, sorted smallest first by ``len(asm) + len(ir)``,
then by function name, then by module::

    {"module": "<store hash>", "package": "zlib" or null, "split": "train" or null,
     "function": "<plain name>", "ir": "<cleaned IR>", "asm": "<llc's assembly>"}

It is written to ``FILE.tmp`` and renamed at the end, so a killed run leaves
the previous file (or none), never part of one. ``read_pairs`` reads it back
and rejects a bad line with ``FILE:LINE: what is wrong`` (ValueError).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

#: The keys of a pair object in the file, in the order written.
PAIR_KEYS = ("module", "package", "split", "function", "ir", "asm")


@dataclass(frozen=True)
class Pair:
    """One function: its IR alone in a module (cleaned) and the assembly llc-19 makes of it."""

    module: str
    package: Optional[str]
    split: Optional[str]
    function: str
    ir: str
    asm: str

    @property
    def ir_chars(self) -> int:
        return len(self.ir)

    @property
    def asm_chars(self) -> int:
        return len(self.asm)

    @property
    def chars(self) -> int:
        """The size the file is sorted and ``max_chars`` filters by: assembly and IR."""
        return len(self.asm) + len(self.ir)

    def to_json(self) -> dict:
        return {key: getattr(self, key) for key in PAIR_KEYS}


def sort_key(pair: Pair) -> tuple:
    """Smallest first; ties by function name, then module."""
    return (pair.chars, pair.function, pair.module)


def write_pairs(path: str | Path, pairs: Sequence[Pair]) -> None:
    """One JSON object per line, in the order given; written whole or not at all (temporary file, rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="ascii") as f:
        for pair in pairs:
            f.write(json.dumps(pair.to_json()) + "\n")
    os.replace(temporary, path)


def _pair_from_line(raw: bytes, where: str) -> Pair:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"{where}: not UTF-8 (byte {e.start + 1})") from None
    if not line.strip():
        raise ValueError(f"{where}: empty line, expected a JSON object")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise ValueError(f"{where}: not JSON: {e.msg} (column {e.colno})") from None
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    missing = [k for k in PAIR_KEYS if k not in obj]
    unknown = sorted(k for k in obj if k not in PAIR_KEYS)
    if missing or unknown:
        problems = ([f"missing {', '.join(map(repr, missing))}"] if missing else []) + \
                   ([f"unknown {', '.join(map(repr, unknown))}"] if unknown else [])
        raise ValueError(f"{where}: {'; '.join(problems)} (keys: {', '.join(PAIR_KEYS)})")
    for key in PAIR_KEYS:
        nullable = key in ("package", "split")
        if not (isinstance(obj[key], str) or (nullable and obj[key] is None)):
            wanted = "a string or null" if nullable else "a string"
            raise ValueError(f"{where}: '{key}' must be {wanted}, not {json.dumps(obj[key])[:40]}")
    return Pair(**obj)


def read_pairs(path: str | Path) -> list[Pair]:
    """The pairs of a file written by ``build_pairs``; a bad line raises ValueError('FILE:LINE: ...')."""
    with open(path, "rb") as f:
        return [_pair_from_line(raw, f"{path}:{number}") for number, raw in enumerate(f, 1)]


def exclude_pairs(path: str | Path, other: str | Path) -> int:
    """Remove from the file ``path`` the pairs whose IR is also in ``other``
    (a held-out split must not hold a header function the train split has);
    returns how many were removed."""
    seen = {p.ir for p in read_pairs(other)}
    pairs = read_pairs(path)
    kept = [p for p in pairs if p.ir not in seen]
    write_pairs(path, kept)
    return len(pairs) - len(kept)


__all__ = ["PAIR_KEYS", "Pair", "exclude_pairs", "read_pairs", "sort_key", "write_pairs"]
