"""The programs screening checks: NAME.c with NAME.expected (its stdout) and
optionally NAME.status (its exit status), from ``examples/`` and
``screening/programs/`` by default; csmith programs are added by
:mod:`passlm.screen.csmith_seeds`."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple, Union

from .. import paths
from .results import ScreenError

PathLike = Union[str, "os.PathLike[str]"]

REPO = Path(__file__).resolve().parents[3]
#: The folders of the default corpus: NAME.c + NAME.expected (+ NAME.status);
#: the checkout's when passlm runs from one, else the copies installed with it.
CORPUS_DIRS = ((REPO / "examples", REPO / "screening" / "programs") if (REPO / "screening" / "programs").is_dir()
               else (paths.examples_dir(), paths.screening_dir()))


def sha(data: Union[bytes, str]) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


@dataclass(frozen=True)
class Program:
    """A C program and what it must print."""

    name: str
    source: Path
    expected: bytes
    status: int = 0
    flags: Tuple[str, ...] = ()  # extra clang flags (csmith's include folder)

    @classmethod
    def from_source(cls, source: PathLike, name: Optional[str] = None) -> "Program":
        """NAME.c with NAME.expected (stdout) and optionally NAME.status (exit status, default 0)."""
        src = Path(source)
        if not src.is_file():
            raise FileNotFoundError(2, "no such program", str(src))
        expected = src.with_suffix(".expected")
        if not expected.is_file():
            raise ScreenError(f"{src}: no expected output ({expected.name})")
        status_file = src.with_suffix(".status")
        status = int(status_file.read_text().strip()) if status_file.is_file() else 0
        return cls(name or src.stem, src, expected.read_bytes(), status)

    @property
    def digest(self) -> str:
        return sha(b"\0".join([self.source.read_bytes(), self.expected, str(self.status).encode(),
                               "\0".join(self.flags).encode()]))


def corpus_programs(dirs: Iterable[PathLike] = CORPUS_DIRS) -> List[Program]:
    """The programs of the given folders (default: examples/ and screening/programs/), in order."""
    programs: List[Program] = []
    for folder in map(Path, dirs):
        if not folder.is_dir():
            raise ScreenError(f"no screening corpus at {folder}")
        programs.extend(Program.from_source(src) for src in sorted(folder.glob("*.c")))
    return programs


def as_programs(items: Iterable[Union[Program, PathLike]]) -> List[Program]:
    """Programs, sources (NAME.c) and folders of them, as one list of programs with distinct names."""
    programs: List[Program] = []
    for item in items:
        if isinstance(item, Program):
            programs.append(item)
        elif Path(item).is_dir():
            programs.extend(corpus_programs([item]))
        else:
            programs.append(Program.from_source(item))
    names = [p.name for p in programs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ScreenError(f"programs with the same name: {', '.join(twice)}")
    return programs


def corpus_fingerprint(programs: Sequence[Program]) -> str:
    return sha("\n".join(f"{p.name} {p.digest}" for p in programs))[:16]
