"""The disassembly lifter: IR for an assembly text from the training pairs most like it.

What it is, plainly: a nearest-neighbour (retrieval) model, learned from
(assembly, IR) training pairs and nothing else; there is no neural network in
it yet. Building it (``build_index``) normalizes every training pair's
assembly with placeholders (:mod:`passlm.text.placeholders`: names, numbers
and strings numbered) and keeps, for each distinct normalized text, the IR
templates seen with it (the pair's IR with the same placeholders), how often
each was seen, and the values they were seen with.

Proposing (``Lifter.propose``) for an assembly:

1. exact: the templates stored under the assembly's own normalized text,
   filled with the assembly's own names and numbers; first those seen with
   the most of the same names (then numbers) as the assembly has, since the
   same callees and globals point to the same source function, then the most
   frequent;
2. nearest: then the entries whose normalized lines are most alike
   (Jaccard similarity of their sets of lines and pairs of adjacent lines),
   each entry's most frequent template filled with the assembly's values where
   it has them and with the training pair's own values elsewhere.

Nothing here is checked: the round trip and the repair of names and numbers
are :mod:`passlm.text.retrieval`'s.

On disk (a folder): ``lifter.json`` (format, counts, where the pairs came
from) and ``index.jsonl.xz``, one JSON object per normalized text::

    {"asm": "<normalized lines>", "irs": [["<IR template>", count, {"symbols": [...], "numbers": [...]}], ...]}

plain data, no pickle. ``lifter:default`` is the one shipped in the package
(``passlm/models/disasm``).
"""
from __future__ import annotations

import json
import lzma
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from .placeholders import Bindings, fill_ir, normalize, template_ir

INDEX_FILE = "index.jsonl.xz"
INFO_FILE = "lifter.json"
FORMAT = "passlm-lifter-1"


def default_dir() -> Path:
    """The lifter shipped in the package."""
    return Path(__file__).resolve().parent.parent / "models" / "disasm"


def features(text: str) -> frozenset:
    """What similarity compares: the normalized lines and each pair of adjacent lines (hashed)."""
    lines = [line for line in text.split("\n") if not line.startswith(".cfi_")]
    return frozenset([hash(line) for line in lines] + [hash((a, b)) for a, b in zip(lines, lines[1:])])


@dataclass
class Template:
    ir: str
    count: int
    symbols: tuple[str, ...]
    numbers: tuple[str, ...]

    def fill(self, bindings: Bindings) -> Optional[str]:
        """The template with ``bindings``' values, the training pair's own values where they run out."""
        merged = Bindings(tuple(bindings.symbols) + self.symbols[len(bindings.symbols):],
                          tuple(bindings.numbers) + self.numbers[len(bindings.numbers):], bindings.strings)
        return fill_ir(self.ir, merged)


@dataclass
class Entry:
    asm: str
    templates: list[Template]
    features: frozenset = frozenset()


class Lifter:
    """A retrieval lifter loaded from its folder (see the module doc)."""

    def __init__(self, entries: list[Entry], info: dict):
        self.entries, self.info = entries, info
        self.by_text = {entry.asm: entry for entry in entries}

    @classmethod
    def from_pairs(cls, pairs: Sequence) -> "Lifter":
        """A lifter learned from pairs in memory (what ``build_index`` writes, not written)."""
        return cls([_entry(obj) for obj in _entries_of(pairs)], {"format": FORMAT, "pairs": len(pairs)})

    @classmethod
    def load(cls, folder: str | Path) -> "Lifter":
        folder = Path(folder)
        info = json.loads((folder / INFO_FILE).read_text())
        if info.get("format") != FORMAT:
            raise ValueError(f"{folder}: not a lifter (format {info.get('format')!r}, expected {FORMAT!r})")
        with lzma.open(folder / INDEX_FILE, "rt", encoding="utf-8") as f:
            return cls([_entry(json.loads(line)) for line in f], info)

    def exact(self, text: str) -> Optional[Entry]:
        return self.by_text.get(text)

    def nearest(self, text: str, n: int, skip_exact: bool = True) -> list[tuple[float, Entry]]:
        """The n entries most alike ``text`` (Jaccard similarity of features), best first."""
        wanted = features(text)
        if not wanted:
            return []
        scored = []
        for entry in self.entries:
            if skip_exact and entry.asm == text:
                continue
            shared = len(wanted & entry.features)
            if shared:
                scored.append((shared / (len(wanted) + len(entry.features) - shared), entry))
        scored.sort(key=lambda item: -item[0])
        return scored[:n]

    def similarity(self, text: str) -> float:
        """How alike the nearest training text is: 1.0 for the same normalized text."""
        if text in self.by_text:
            return 1.0
        best = self.nearest(text, 1)
        return best[0][0] if best else 0.0

    def propose(self, text: str, bindings: Bindings, k: int) -> list[tuple[str, float]]:
        """Up to k (IR, similarity) for an assembly normalized as ``text`` with ``bindings``, best first."""
        proposals: list[tuple[str, float]] = []
        seen: set[str] = set()

        def add(template: Template, score: float) -> None:
            ir = template.fill(bindings)
            if ir is not None and ir not in seen and len(proposals) < k:
                seen.add(ir)
                proposals.append((ir if ir.endswith("\n") else ir + "\n", score))

        entry = self.exact(text)
        if entry is not None:
            for template in sorted(entry.templates, key=lambda t: tuple(-n for n in _overlap(t, bindings)) + (-t.count,)):
                add(template, 1.0)
        if len(proposals) < k:
            for score, near in self.nearest(text, k - len(proposals)):
                add(near.templates[0], score)
        return proposals


def _entry(obj: dict) -> Entry:
    """An entry from its JSON object (a line of the index)."""
    templates = [Template(ir, count, tuple(values["symbols"]), tuple(values["numbers"]))
                 for ir, count, values in obj["irs"]]
    return Entry(obj["asm"], templates, features(obj["asm"]))


def _overlap(template: Template, bindings: Bindings) -> tuple[int, int]:
    """How many names, then numbers, a template was seen with that the assembly has too: the same
    callees and globals point to the same source function."""
    return (len(set(template.symbols) & set(bindings.symbols)), len(set(template.numbers) & set(bindings.numbers)))


def _entries_of(pairs: Iterable) -> list[dict]:
    groups: dict[str, Counter] = {}
    values: dict[tuple[str, str], dict] = {}
    for pair in pairs:
        text, bindings = normalize(pair.asm)
        template = template_ir(pair.ir, bindings)
        groups.setdefault(text, Counter())[template] += 1
        values.setdefault((text, template), {"symbols": list(bindings.symbols), "numbers": list(bindings.numbers)})
    return [{"asm": text, "irs": [[template, count, values[(text, template)]]
                                  for template, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]}
            for text, counter in sorted(groups.items())]


def build_index(pairs: Sequence, out_dir: str | Path, source: str = "",
                log: Callable[[str], None] = print) -> dict:
    """Writes a lifter folder learned from training pairs; returns its info."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    entries = _entries_of(pairs)
    temporary = out / (INDEX_FILE + ".tmp")
    with lzma.open(temporary, "wt", encoding="utf-8", preset=9) as f:
        for entry in entries:
            f.write(json.dumps(entry) + "\n")
    os.replace(temporary, out / INDEX_FILE)
    info = {"format": FORMAT, "kind": "retrieval over placeholder-normalized assembly",
            "pairs": len(pairs), "texts": len(entries), "templates": sum(len(e["irs"]) for e in entries),
            "packages": len({p.package for p in pairs}), "source": source,
            "bytes": (out / INDEX_FILE).stat().st_size}
    (out / INFO_FILE).write_text(json.dumps(info, indent=1) + "\n")
    log(f"lifter: {info['pairs']} pairs, {info['texts']} normalized texts, {info['templates']} templates, "
        f"{info['bytes']} bytes in {out / INDEX_FILE}")
    return info


_loaded: dict[str, Lifter] = {}


def load_lifter(argument: str) -> Lifter:
    """``default`` (shipped) or a folder; loaded once per process."""
    folder = default_dir() if argument in ("", "default") else Path(argument)
    key = str(folder.resolve())
    if key not in _loaded:
        if not (folder / INFO_FILE).is_file():
            from ..engine import EngineSpecError

            raise EngineSpecError(f"lifter:{argument}: no lifter there ({INFO_FILE} missing; "
                                  "passlm data lifter --pairs TRAIN.jsonl --out DIR makes one)")
        _loaded[key] = Lifter.load(folder)
    return _loaded[key]


__all__ = ["Lifter", "Template", "build_index", "default_dir", "features", "load_lifter"]
