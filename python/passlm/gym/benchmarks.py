"""Benchmarks (one module each) and datasets (a list of them) an episode starts from.

A benchmark spec, as ``reset(options={"benchmark": spec})`` or the
environment's ``benchmark=`` takes it, is one of:

- a path to a ``.c``/``.cc``/``.cpp``/``.cxx`` source (compiled to
  passlm's IR form, the IR at the start of clang's -Oz pipeline), or to
  ``.ll``/``.bc`` IR: a dataset of one;
- a folder: every such file in it (recursively, sorted), a dataset;
- ``store:PATH`` or ``store:PATH#SPLIT``: the modules of a corpus store
  (``passlm.store.Store``), all or one split of them, a dataset;
- a ``Benchmark`` or a ``Dataset``.

``reset`` draws a benchmark of the dataset with the environment's seeded
random generator. With no spec, the dataset is three of the small example
programs installed with passlm (``DEFAULT_PROGRAMS`` of ``paths.examples_dir``).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence, Union

DEFAULT_PROGRAMS = ("crc32.c", "interp.c", "sort.c")
_SOURCES = (".c", ".cc", ".cpp", ".cxx")
_IR = (".ll", ".bc")


@dataclass(frozen=True)
class Benchmark:
    name: str       # a path, or store:PATH#hash
    bitcode: bytes  # passlm's IR form, as bitcode (use-list order kept)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.bitcode).hexdigest()


class Dataset:
    """Named benchmarks, loaded on first use and kept."""

    def __init__(self, name: str, names: Sequence[str], load: Callable[[str], bytes]):
        if not names:
            raise ValueError(f"{name}: no benchmarks")
        self.name, self.names, self._load = name, list(names), load
        self._loaded: dict[str, Benchmark] = {}

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, index: int) -> Benchmark:
        name = self.names[index]
        if name not in self._loaded:
            self._loaded[name] = Benchmark(name, self._load(name))
        return self._loaded[name]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        return f"Dataset({self.name!r}, {len(self)} benchmarks)"


def load_file(path: str) -> bytes:
    """Bitcode of a source or IR file in passlm's IR form."""
    from .. import Module
    from ..compile import c_to_ir

    if Path(path).suffix in _SOURCES:
        return c_to_ir(path)
    return Module.from_file(path).to_bitcode()


def from_folder(folder: Path) -> Dataset:
    files = sorted(str(p) for p in folder.rglob("*") if p.suffix in _SOURCES + _IR and p.is_file())
    return Dataset(str(folder), files, load_file)


def default_dataset() -> Dataset:
    """Three small example programs installed with passlm."""
    from ..paths import examples_dir

    folder = examples_dir()
    return Dataset(str(folder), [str(folder / name) for name in DEFAULT_PROGRAMS], load_file)


def from_store(path: str, split: str | None = None) -> Dataset:
    from ..store import Store

    store = Store(path)
    hashes = store.module_hashes(split=split)
    name = f"store:{path}" + (f"#{split}" if split else "")
    return Dataset(name, hashes, store.bitcode)


def resolve(spec: Union[str, Path, Benchmark, Dataset, None]) -> Dataset:
    """The dataset a spec names (see the module's docstring)."""
    if spec is None:
        return default_dataset()
    if isinstance(spec, Dataset):
        return spec
    if isinstance(spec, Benchmark):
        return Dataset(spec.name, [spec.name], lambda name: spec.bitcode)
    text = str(spec)
    if text.startswith("store:"):
        path, _, split = text[len("store:"):].partition("#")
        return from_store(path, split or None)
    path = Path(text)
    if path.is_dir():
        return from_folder(path)
    if not path.is_file():
        raise FileNotFoundError(f"benchmark {text}: no such file or folder")
    if path.suffix not in _SOURCES + _IR:
        raise ValueError(f"benchmark {text}: not C, C++ or LLVM IR (by its suffix)")
    return Dataset(text, [text], load_file)
