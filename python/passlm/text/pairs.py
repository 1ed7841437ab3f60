"""(assembly, IR) pairs, one per function, for the disassembly task.

Disassembly, as LLM Compiler defines it: given the assembly of a function,
predict the LLVM IR that produced it. A prediction is checked by compiling it
back with llc-19 (``textmetrics.round_trips``), so only pairs that a perfect
model could verify are made: each pair's own IR round-trips to its assembly.

From a module to pairs (``function_pairs``)
    For every function the module defines (``defined_functions``: its
    ``define`` lines, except ``available_externally`` ones, which have no code
    of their own here), in the module's order:

    1. ``llvm-extract-19 -S --func=NAME -`` with the module's text on stdin:
       the function alone in a module. NAME is the plain name (a quoted name
       ``@"a b\\22"`` unescaped as LLVM's lexer does: ``\\\\`` and ``\\XX``
       hex), passed as bytes without a shell. llvm-extract keeps declarations
       of what the function uses (global variables lose their initializers),
       drops everything else, and makes an internal function ``hidden``
       external so that llc still emits it. A failure, a name that cannot be
       passed (unnamed ``@0``, a NUL byte), or an output that does not define
       exactly that one function is an *extraction failure*.
    2. The text is cleaned (below).
    3. ``llc-19 -O2 -relocation-model=pic`` (``DEFAULT_LLC_ARGS``: clang -Oz's
       codegen) compiles it; the assembly is kept exactly as llc prints it
       (comments, ``.file`` and ``.ident`` included: the round-trip check
       ignores those). A failure, or an assembly that is not UTF-8 (a symbol
       name that is not), is an *llc failure*.
    4. ``round_trips(ir, asm)`` must hold, else *no round trip*.

Cleaning rules, applied to llvm-extract's output (and nothing else):
    - the ``; ModuleID = '...'`` line is dropped;
    - the ``source_filename = "..."`` line is dropped (rather than set to
      "-"): a file name is no part of a function and no model should have to
      guess it, and without it a function extracted from two modules (a
      static inline function of a header) is one text, which deduplication
      relies on. llc then names the module after its input (``.file
      "<stdin>"``, which round-trip comparison ignores);
    - blank lines at the start and at the end are dropped, and the text ends
      with exactly one newline;
    - every other line is kept byte for byte: target datalayout and triple,
      globals, declarations, ``; Function Attrs:`` comments, attribute groups,
      metadata (TBAA, loops, module flags, ``llvm.ident``). The IR still
      compiles with llc as it stands.

The pairs of a corpus (``build_pairs``)
    The store's modules (of one split or all; the first ``limit`` in store
    order: package, source, hash) are each optimized in-process with
    ``default<Oz>`` and made into pairs, a module per thread. Pairs are
    deduplicated by the sha256 of their IR text; the copy kept names the
    first module in store order that has that text, whichever thread got to
    it first, so the file does not depend on scheduling. With ``max_chars``,
    only pairs with ``len(asm) + len(ir) <= max_chars`` are kept. The checks,
    per function, in order: extraction failure, duplicate (before compiling),
    too long (the IR alone, before compiling), llc failure, too long (IR and
    assembly), no round trip. A module that does not load or optimize is a
    *module failure* (logged).

The pairs are written to a pair file (:mod:`passlm.text.pairfile`).
"""
from __future__ import annotations

import errno
import hashlib
import re
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Callable, Optional, Sequence

from ..defaults import OZ
from ..llc import DEFAULT_LLC_ARGS, compile_ir, round_trips
from ..paths import llvm_tool
from .pairfile import Pair, sort_key, write_pairs

#: One llvm-extract call, at most (seconds); llc's limit is compile_ir's.
EXTRACT_TIMEOUT = 120

# A define line: everything before the name (linkage, attributes, return type; never an '@'), then the
# name, quoted or not, then '('.
_DEFINE = re.compile(r'^define\b([^@\n]*)@(?:"((?:[^"\\\n]|\\.)*)"|([-\w$.]+))\(', re.M)
_AVAILABLE_EXTERNALLY = re.compile(r"\bavailable_externally\b")
_HEX = b"0123456789abcdefABCDEF"


@dataclass
class PairCounts:
    """What became of the functions seen: ``functions`` = ``pairs`` + the drops."""

    modules: int = 0  # modules read
    module_failures: int = 0  # modules that did not load or optimize (their functions are not counted)
    functions: int = 0
    pairs: int = 0  # kept
    extract_failures: int = 0
    llc_failures: int = 0
    no_round_trip: int = 0
    duplicates: int = 0
    too_long: int = 0

    def add(self, other: "PairCounts") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def summary(self) -> str:
        failed = f" ({self.module_failures} failed)" if self.module_failures else ""
        return (f"{self.modules} modules read{failed}, {self.functions} functions, {self.pairs} pairs kept; "
                f"dropped: {self.extract_failures} extraction failures, {self.llc_failures} llc failures, "
                f"{self.no_round_trip} no round trip, {self.duplicates} duplicates, {self.too_long} too long")


# ---------------------------------------------------------------- one module


def _unescape_name(quoted: str) -> str:
    """The name inside @"...", as LLVM's lexer reads it (``\\\\`` and ``\\XX`` hex); bytes that are not
    UTF-8 survive as surrogates (``surrogateescape``)."""
    raw = quoted.encode("utf-8", "surrogateescape")
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == 0x5C and raw[i + 1:i + 2] == b"\\":
            out.append(0x5C)
            i += 2
        elif raw[i] == 0x5C and len(raw[i + 1:i + 3]) == 2 and all(c in _HEX for c in raw[i + 1:i + 3]):
            out.append(int(raw[i + 1:i + 3], 16))
            i += 3
        else:
            out.append(raw[i])
            i += 1
    return out.decode("utf-8", "surrogateescape")


def defined_functions(ir_text: str) -> list[str]:
    """Plain names of the functions an IR text defines with code of its own (not available_externally),
    in order."""
    names = []
    for found in _DEFINE.finditer(ir_text):
        if _AVAILABLE_EXTERNALLY.search(found.group(1)):
            continue
        quoted, plain = found.group(2), found.group(3)
        names.append(_unescape_name(quoted) if quoted is not None else plain)
    return names


def clean_ir(text: str) -> str:
    """llvm-extract's output without its ModuleID and source_filename lines and outer blank lines."""
    lines = [line for line in text.split("\n")
             if not line.startswith("; ModuleID = ") and not line.startswith("source_filename = ")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def extract_function(module_ir: str, name: str, timeout: float = EXTRACT_TIMEOUT) -> Optional[str]:
    """The cleaned IR of one function alone in a module, or None when llvm-extract cannot make it."""
    argument = b"--func=" + name.encode("utf-8", "surrogateescape")
    try:
        done = subprocess.run([llvm_tool("llvm-extract"), "-S", argument, "-", "-o", "-"],
                              input=module_ir.encode("utf-8", "surrogateescape"), capture_output=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    except ValueError:  # a NUL byte in the name: no argv can hold it
        return None
    if done.returncode != 0:
        return None
    try:
        ir = clean_ir(done.stdout.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    return ir if defined_functions(ir) == [name] else None


def _pair_of(module_ir: str, name: str, llc_args: Sequence[str], max_chars: Optional[int],
             claim: Optional[Callable[[str], bool]]) -> tuple[str, Optional[tuple[str, str]]]:
    """(the PairCounts field to count, (ir, asm) when kept)."""
    ir = extract_function(module_ir, name)
    if ir is None:
        return "extract_failures", None
    if claim is not None and not claim(ir):
        return "duplicates", None
    if max_chars is not None and len(ir) > max_chars:
        return "too_long", None
    try:
        asm = compile_ir(ir, llc_args)
    except UnicodeDecodeError:  # llc prints a name that is not UTF-8 as it is: no text to pair
        asm = None
    if asm is None:
        return "llc_failures", None
    if max_chars is not None and len(ir) + len(asm) > max_chars:
        return "too_long", None
    if not round_trips(ir, asm, llc_args):
        return "no_round_trip", None
    return "pairs", (ir, asm)


def function_pairs(module_ir_text: str, llc_args: Sequence[str] = DEFAULT_LLC_ARGS, *,
                   module: Optional[str] = None, package: Optional[str] = None, split: Optional[str] = None,
                   max_chars: Optional[int] = None, counts: Optional[PairCounts] = None,
                   claim: Optional[Callable[[str], bool]] = None) -> list[Pair]:
    """The pairs of every function a module (textual IR, already optimized) defines, in its order.

    ``module`` names the module in the pairs (default: the sha256 of the text). Functions dropped are
    added to ``counts`` by reason. ``claim(ir)`` returning False drops a function as a duplicate before
    it is compiled (``build_pairs`` deduplicates across modules with it).
    """
    module = module if module is not None else hashlib.sha256(module_ir_text.encode("utf-8")).hexdigest()
    counts = counts if counts is not None else PairCounts()
    pairs = []
    for name in defined_functions(module_ir_text):
        counts.functions += 1
        outcome, made = _pair_of(module_ir_text, name, llc_args, max_chars, claim)
        setattr(counts, outcome, getattr(counts, outcome) + 1)
        if made is not None:
            pairs.append(Pair(module, package, split, name, *made))
    return pairs


# ---------------------------------------------------------------- a corpus


class _FirstOwners:
    """Which module owns each IR text: the first claim of a text does the work (compiling, checking), the
    module first in store order gives the kept pair its name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: dict[str, int] = {}  # sha256 of the IR -> smallest module index that has it

    @staticmethod
    def _digest(ir: str) -> str:
        return hashlib.sha256(ir.encode("utf-8", "surrogateescape")).hexdigest()

    def claim(self, ir: str, index: int) -> bool:
        digest = self._digest(ir)
        with self._lock:
            seen = self._owner.get(digest)
            self._owner[digest] = index if seen is None else min(seen, index)
        return seen is None

    def owner(self, ir: str) -> int:
        return self._owner[self._digest(ir)]


def _module_pairs(store, index: int, module_hash: str, owners: _FirstOwners, max_chars: Optional[int],
                  llc_args: Sequence[str], log: Callable[[str], None]) -> tuple[list[Pair], PairCounts]:
    from ..errors import PassLMError

    counts = PairCounts(modules=1)
    try:
        info = store.module_info(module_hash)
        module = store.load_module(module_hash)
        module.run(OZ)
        text = module.to_text()
    except (PassLMError, KeyError) as e:
        counts.module_failures = 1
        log(f"pairs: warning: module {module_hash}: {e}")
        return [], counts
    del module
    pairs = function_pairs(text, llc_args, module=module_hash, package=info["package"], split=info["split"],
                           max_chars=max_chars, counts=counts, claim=lambda ir: owners.claim(ir, index))
    return pairs, counts


class _Progress:
    """A log line every tenth of the modules, or a minute at most apart, and at the end."""

    def __init__(self, total: int, log: Callable[[str], None], every_seconds: float = 60):
        self.total, self.log, self.every = total, log, every_seconds
        self.start = self.last = time.monotonic()
        self.step_size = max(1, total // 10)

    def step(self, done: int, counts: PairCounts) -> None:
        now = time.monotonic()
        if done == self.total or done % self.step_size == 0 or now - self.last >= self.every:
            self.last = now
            self.log(f"pairs: {done}/{self.total} modules, {counts.functions} functions, {counts.pairs} pairs, "
                     f"{counts.duplicates} duplicates, {now - self.start:.0f} s")


def build_pairs(store_path: str | Path, out_path: str | Path, split: Optional[str] = None,
                max_chars: Optional[int] = None, limit: Optional[int] = None, jobs: int = 2,
                log: Callable[[str], None] = print,
                llc_args: Sequence[str] = DEFAULT_LLC_ARGS) -> PairCounts:
    """Writes the deduplicated pairs of a store's modules (optimized with default<Oz>) to a JSON-lines
    file, smallest first (see the module doc); returns what became of the functions."""
    from ..store import Store

    if not Path(store_path).is_file():
        raise FileNotFoundError(errno.ENOENT, "no such store", str(store_path))
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    with Store(store_path) as store:
        hashes = store.module_hashes(split)
        if limit is not None:
            hashes = hashes[:limit]
        log(f"pairs: {len(hashes)} modules{f' of split {split}' if split else ''} from {store_path}, "
            f"{jobs} jobs")
        owners = _FirstOwners()
        progress = _Progress(len(hashes), log)
        total, kept = PairCounts(), []
        pool = ThreadPoolExecutor(max_workers=jobs)
        try:
            results = pool.map(lambda i: _module_pairs(store, i, hashes[i], owners, max_chars, llc_args, log),
                               range(len(hashes)))
            for done, (pairs, counts) in enumerate(results, 1):
                total.add(counts)
                kept.extend(pairs)
                progress.step(done, total)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        names = {}  # module index -> (hash, package, split) of the modules that own a kept pair
        for i in {owners.owner(p.ir) for p in kept}:
            info = store.module_info(hashes[i])
            names[i] = (info["hash"], info["package"], info["split"])
    kept = [replace(p, **dict(zip(("module", "package", "split"), names[owners.owner(p.ir)]))) for p in kept]
    kept.sort(key=sort_key)
    write_pairs(out_path, kept)
    log(f"pairs: wrote {len(kept)} pairs to {out_path}")
    return total


__all__ = ["PairCounts", "build_pairs", "clean_ir", "defined_functions", "extract_function", "function_pairs"]
