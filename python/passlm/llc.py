"""llc-19 from Python: compile IR to assembly, normalize assembly, and the
round-trip check of the text tasks (disassembly, emulation) as LLM Compiler
defines it.

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
"""
from __future__ import annotations

import re
import subprocess
from typing import Iterable, Optional, Sequence

from .paths import llvm_tool

#: llc flags giving clang -Oz's codegen (docs/conventions.md: object size).
DEFAULT_LLC_ARGS = ("-O2", "-relocation-model=pic")

_COMMENT_MARKERS = (("aarch64", "//"), ("arm64", "//"), ("thumb", "@"), ("arm", "@"), ("wasm", ";"))
_DROPPED_DIRECTIVES = (".ident", ".file")
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
