"""Metrics of the text tasks (disassembly, compiler emulation), as LLM Compiler
defines them.

``round_trips(predicted_ir, reference_asm, llc_args)``
    a predicted IR round-trips if compiling it back with llc-19 gives exactly
    the input assembly. Both assemblies are compared after ``normalize_asm``,
    which, and only which:

    1. removes comments: from the target's comment marker (``#`` on x86,
       RISC-V, PowerPC, MIPS and by default; ``//`` on AArch64; ``@`` on
       ARM/Thumb; ``;`` on wasm) to the end of the line, when the marker is
       outside a double-quoted string literal (escapes ``\\"`` honoured);
    2. removes leading and trailing whitespace of every line, and replaces
       each run of spaces and tabs outside string literals with one space;
    3. drops the lines left empty;
    4. drops ``.ident`` directives (the compiler's version string) and
       ``.file`` directives (the source file name, ``.file "x.c"``, and the
       DWARF file table, ``.file 1 "dir" "x.c" md5 ...``).

    Nothing else: labels, other directives, ``.section`` lines and the order
    of lines all count. An IR that does not parse or that llc rejects does not
    round-trip.
``exact_match(predicted_ir, reference_ir)``
    character-identical after removing the trailing whitespace of every line
    and the blank lines at the end of the text.
``corpus_bleu(candidates, references)``
    corpus BLEU-4 (Papineni et al., 2002) with one reference per candidate:
    clipped n-gram precisions p1..p4 pooled over the corpus, their geometric
    mean with uniform weights, times the brevity penalty
    BP = 1 if c > r else exp(1 - r / c) (c, r: total candidate and
    reference lengths in tokens). No smoothing: a corpus with no matching
    4-gram scores 0. Tokens (``tokenize``) are maximal runs of word
    characters (letters, digits, ``_``) and every other non-space character
    on its own: ``%1 = add i32 %0, 1`` is
    ``% 1 = add i32 % 0 , 1``.
"""
from __future__ import annotations

import math
import re
import subprocess
from collections import Counter
from typing import Iterable, Optional, Sequence

from ..paths import llvm_tool

#: llc flags giving clang -Oz's codegen (DESIGN.md: object size reference).
DEFAULT_LLC_ARGS = ("-O2", "-relocation-model=pic")

_COMMENT_MARKERS = (("aarch64", "//"), ("arm64", "//"), ("thumb", "@"), ("arm", "@"), ("wasm", ";"))
_DROPPED_DIRECTIVES = (".ident", ".file")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_TRIPLE_ARG = re.compile(r"^--?mtriple=(\S+)$")
_TRIPLE_IR = re.compile(r'^target triple\s*=\s*"([^"]*)"', re.M)


def comment_marker(triple: str) -> str:
    """The assembly comment marker of a target triple ('#' unless known otherwise)."""
    arch = triple.split("-", 1)[0].lower()
    for prefix, marker in _COMMENT_MARKERS:
        if arch.startswith(prefix):
            return marker
    return "#"


def _normalize_line(line: str, marker: str) -> str:
    out = []
    in_string = escaped = False
    i = 0
    while i < len(line):
        ch = line[i]
        if in_string:
            out.append(ch)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif line.startswith(marker, i):
            break
        elif ch == '"':
            in_string = True
            out.append(ch)
        elif ch in " \t":
            if out and out[-1] != " ":
                out.append(" ")
        else:
            out.append(ch)
        i += 1
    return "".join(out).strip()


def normalize_asm(text: str, marker: str = "#") -> list[str]:
    """The lines of an assembly text that round-trip comparison looks at (see the module doc)."""
    lines = []
    for raw in text.splitlines():
        line = _normalize_line(raw, marker)
        if not line:
            continue
        directive = line.split(" ", 1)[0]
        if directive in _DROPPED_DIRECTIVES:
            continue
        lines.append(line)
    return lines


def _triple(ir: str, llc_args: Sequence[str]) -> str:
    for arg in llc_args:
        found = _TRIPLE_ARG.match(arg)
        if found:
            return found.group(1)
    found = _TRIPLE_IR.search(ir)
    return found.group(1) if found else ""


def compile_ir(ir: str, llc_args: Sequence[str] = DEFAULT_LLC_ARGS, timeout: float = 120) -> Optional[str]:
    """Assembly llc-19 makes of textual IR, or None when llc fails."""
    return compile_ir_or_error(ir, llc_args, timeout)[0]


def compile_ir_or_error(ir: str, llc_args: Sequence[str] = DEFAULT_LLC_ARGS,
                        timeout: float = 120) -> tuple[Optional[str], str]:
    """(assembly, "") or (None, llc's first error line)."""
    try:
        done = subprocess.run([llvm_tool("llc"), *llc_args, "-", "-o", "-"], input=ir, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"llc-19 took more than {timeout:g} s"
    if done.returncode == 0:
        return done.stdout, ""
    lines = [line for line in done.stderr.splitlines() if "error" in line] or done.stderr.splitlines() or [""]
    return None, lines[0].strip()


def round_trips(predicted_ir: str, reference_asm: str, llc_args: Sequence[str] = DEFAULT_LLC_ARGS) -> bool:
    """Does llc-19 compile the predicted IR back to the reference assembly (normalized)?"""
    asm = compile_ir(predicted_ir, llc_args)
    if asm is None:
        return False
    marker = comment_marker(_triple(predicted_ir, llc_args))
    return normalize_asm(asm, marker) == normalize_asm(reference_asm, marker)


def round_trip_rate(pairs: Iterable[tuple[str, str]], llc_args: Sequence[str] = DEFAULT_LLC_ARGS) -> float:
    """Fraction of (predicted IR, reference assembly) pairs that round-trip."""
    results = [round_trips(ir, asm, llc_args) for ir, asm in pairs]
    return sum(results) / len(results) if results else 0.0


def _strip_trailing(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()).rstrip("\n")


def exact_match(predicted: str, reference: str) -> bool:
    """Character-identical after stripping each line's trailing whitespace and trailing blank lines."""
    return _strip_trailing(predicted) == _strip_trailing(reference)


def exact_match_rate(pairs: Iterable[tuple[str, str]]) -> float:
    results = [exact_match(p, r) for p, r in pairs]
    return sum(results) / len(results) if results else 0.0


def tokenize(text: str) -> list[str]:
    """Runs of word characters, and each other non-space character alone."""
    return _TOKEN.findall(text)


def _ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def corpus_bleu(candidates: Sequence[str], references: Sequence[str], max_n: int = 4) -> float:
    """Corpus BLEU-max_n in [0, 1], one reference per candidate (see the module doc)."""
    if len(candidates) != len(references):
        raise ValueError("need one reference per candidate")
    matches, totals = [0] * max_n, [0] * max_n
    c_len = r_len = 0
    for candidate, reference in zip(candidates, references):
        c_tokens, r_tokens = tokenize(candidate), tokenize(reference)
        c_len, r_len = c_len + len(c_tokens), r_len + len(r_tokens)
        for n in range(1, max_n + 1):
            c_grams, r_grams = _ngrams(c_tokens, n), _ngrams(r_tokens, n)
            matches[n - 1] += sum(min(count, r_grams[gram]) for gram, count in c_grams.items())
            totals[n - 1] += sum(c_grams.values())
    if c_len == 0 or any(m == 0 for m in matches):
        return 0.0
    log_precision = sum(math.log(m / t) for m, t in zip(matches, totals)) / max_n
    brevity = 1.0 if c_len > r_len else math.exp(1 - r_len / c_len)
    return brevity * math.exp(log_precision)
