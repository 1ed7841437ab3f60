"""Placeholders: a function's assembly with its names and numbers numbered, and the way back into IR.

A lifter should not spend its effort copying ``yajl_version`` or ``20100``
from the assembly into the IR. ``normalize(asm)`` replaces them with numbered
placeholders, in order of first appearance:

- symbols (``{S0}``, ``{S1}``...): every name that is not a local label
  (``.L...``; but in the ``.LNAME$local`` alias of a dso_local function,
  NAME is): the function's own name in its label and directives
  (``.globl``, ``.hidden``, ``.type``, ``.size``...), and the globals and
  functions its instructions use (``callq {S1}@PLT``, ``{S2}(%rip)``);
- numbers (``{N0}``...): an instruction's immediates (``${N0}``) and
  displacements (``{N1}(%rdi)``), decimal as llc prints them (a scale factor
  stays: it is no constant of the IR);
- strings (``"{T0}"``): the contents of ``.ascii`` and ``.asciz``.

The text is the lines round-trip comparison looks at
(:func:`passlm.llc.normalize_asm`: comments, spacing, ``.file`` and
``.ident`` gone). Two functions that differ only in names and constants have
the same normalized text, and what differs is in their :class:`Bindings`.

``template_ir(ir, bindings)`` puts the placeholders into a function's IR: each
``@name`` that is a bound symbol, each integer constant of an instruction that
equals a bound number (as an integer), each ``c"..."`` string that holds the
bytes of a bound string. ``fill_ir(template, bindings)`` puts other values
back, so ``fill_ir(template_ir(ir, b1), b2)`` is the IR of a function whose
assembly normalizes as ``ir``'s does, with ``b2``'s names and numbers. A
template is a guess: a number that matched by chance is changed with the
rest, and only the round trip decides.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..llc import normalize_asm

#: Instruction prefixes: the word after them is still the mnemonic.
_PREFIXES = frozenset({"rep", "repe", "repz", "repne", "repnz", "lock", "notrack", "data16", "addr32"})
#: Directives whose operands name symbols.
_SYMBOL_DIRECTIVES = frozenset({".globl", ".global", ".hidden", ".protected", ".internal", ".weak", ".local",
                                ".type", ".size", ".comm", ".lcomm", ".quad", ".long", ".set", ".symver",
                                ".weak_definition"})
_STRING_DIRECTIVES = frozenset({".ascii", ".asciz", ".string"})
_SYMBOL = re.compile(r'(?<![\w.$%@{])([A-Za-z_.][\w.$]*)')
_NUMBER = re.compile(r'\$(-?\d+)\b|(?<![\w.$}])(-?\d+)(?=\()')
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_PLACEHOLDER = re.compile(r"\{([SNT])(\d+)([-+]1)?\}")
_IR_SYMBOL = re.compile(r'@(?:"((?:[^"\\]|\\.)*)"|([-\w$.]+))')
_IR_NUMBER = re.compile(r'(?<![\w%#!@.$"+\-{])(-?\d+)(?![\w.:"}])')
_IR_STRING = re.compile(r'c"((?:[^"\\]|\\[0-9A-Fa-f]{2}|\\\\)*)"')
_PLAIN_IR_NAME = re.compile(r"^[-A-Za-z$._][-\w$.]*$")


@dataclass(frozen=True)
class Bindings:
    """What the placeholders of one assembly stand for, by number."""

    symbols: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    strings: tuple[bytes, ...] = ()


class _Numberer:
    def __init__(self) -> None:
        self.symbols: dict[str, int] = {}
        self.numbers: dict[str, int] = {}
        self.strings: dict[bytes, int] = {}

    @staticmethod
    def _index(table: dict, value) -> int:
        return table.setdefault(value, len(table))

    def symbol(self, name: str) -> str:
        if name.startswith(".L") and name.endswith("$local") and len(name) > 8:  # a dso_local function's alias
            return ".L" + self.symbol(name[2:-6]) + "$local"
        if name.startswith(".L") or name in ("function", "object"):
            return name
        return "{S%d}" % self._index(self.symbols, name)

    def number(self, text: str) -> str:
        return "{N%d}" % self._index(self.numbers, str(int(text)))

    def string(self, escaped: str) -> str:
        return '"{T%d}"' % self._index(self.strings, asm_string_bytes(escaped))

    def bindings(self) -> Bindings:
        return Bindings(tuple(self.symbols), tuple(self.numbers), tuple(self.strings))


def asm_string_bytes(escaped: str) -> bytes:
    """The bytes of an assembler string's contents (``\\n``, ``\\"``, ``\\ooo`` octal, ``\\xHH``...)."""
    simple = {"n": 10, "t": 9, "r": 13, "b": 8, "f": 12, "v": 11, "a": 7, '"': 34, "\\": 92, "'": 39}
    out, i = bytearray(), 0
    raw = escaped.encode("utf-8", "surrogateescape")
    while i < len(raw):
        ch = raw[i]
        if ch != 0x5C or i + 1 == len(raw):
            out.append(ch)
            i += 1
            continue
        nxt = chr(raw[i + 1])
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(), 8) & 0xFF)
            i += 1 + len(octal.group())
        elif nxt == "x" and re.match(rb"[0-9A-Fa-f]{1,2}", raw[i + 2:i + 4]):
            digits = re.match(rb"[0-9A-Fa-f]{1,2}", raw[i + 2:i + 4]).group()
            out.append(int(digits, 16))
            i += 2 + len(digits)
        else:
            out.append(simple.get(nxt, raw[i + 1]))
            i += 2
    return bytes(out)


def _ir_string_bytes(escaped: str) -> bytes:
    """The bytes of an IR ``c"..."`` string (``\\XX`` hex, ``\\\\``)."""
    return re.sub(rb"\\([0-9A-Fa-f]{2}|\\)", lambda m: b"\\" if m.group(1) == b"\\" else bytes([int(m.group(1), 16)]),
                  escaped.encode("utf-8", "surrogateescape"))


def _ir_string_text(data: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else "\\%02X" % b for b in data)


def _normalize_line(line: str, numberer: _Numberer) -> str:
    if line.endswith(":") and " " not in line:  # a label
        return numberer.symbol(line[:-1]) + ":"
    words = line.split(" ", 1)
    head, rest = words[0], (words[1] if len(words) > 1 else "")
    if head.startswith("."):
        if head in _STRING_DIRECTIVES:
            return head + " " + _STRING.sub(lambda m: numberer.string(m.group(1)), rest)
        if head in _SYMBOL_DIRECTIVES:
            return head + " " + _SYMBOL.sub(lambda m: numberer.symbol(m.group(1)), rest)
        return line
    if head in _PREFIXES and rest:
        second = rest.split(" ", 1)
        head, rest = head + " " + second[0], (second[1] if len(second) > 1 else "")
    if not rest:
        return head
    # numbers first ("{S0}" has no digits a symbol could take), then symbols
    rest = _NUMBER.sub(lambda m: ("$" + numberer.number(m.group(1))) if m.group(1) is not None
                       else numberer.number(m.group(2)), rest)
    rest = _SYMBOL.sub(lambda m: numberer.symbol(m.group(1)), rest)
    return head + " " + rest


def normalize_lines(asm: str, marker: str = "#") -> tuple[list[str], Bindings]:
    """The compared lines of ``asm`` with placeholders, and what they stand for."""
    numberer = _Numberer()
    lines = [_normalize_line(line, numberer) for line in normalize_asm(asm, marker)]
    return lines, numberer.bindings()


def normalize(asm: str, marker: str = "#") -> tuple[str, Bindings]:
    """``normalize_lines`` as one text (a line each, no newline at the end)."""
    lines, bindings = normalize_lines(asm, marker)
    return "\n".join(lines), bindings


# ------------------------------------------------------------------ the IR side


def _ir_name(name: str) -> str:
    if _PLAIN_IR_NAME.match(name):
        return name
    return '"' + "".join(c if c not in '"\\' and c.isprintable() else "\\%02X" % ord(c) for c in name) + '"'


def _in_body(ir: str):
    """(line, inside a function body) for every line of an IR text."""
    inside = False
    for line in ir.split("\n"):
        if line.startswith("define "):
            yield line, False
            inside = line.rstrip().endswith("{")
            continue
        if inside and line.startswith("}"):
            inside = False
        yield line, inside


def _template_numbers(line: str, index: dict[int, int]) -> str:
    code, sep, comment = line.partition(";") if '"' not in line else (line, "", "")

    def replace(found: re.Match) -> str:
        before, after = code[:found.start()], code[found.end():]
        if before.endswith(("align ", "dereferenceable(", "dereferenceable_or_null(", "[", "<", "addrspace(")):
            return found.group(0)
        if after.startswith(" x "):
            return found.group(0)
        value = int(found.group(1))
        slot = index.get(value)
        if slot is not None:
            return "{N%d}" % slot
        if compares:  # x > 1000 compiles to a compare with 1001, x < 1000 to one with 999
            for offset in (-1, 1):
                slot = index.get(value - offset)
                if slot is not None:
                    return "{N%d%+d}" % (slot, offset)
        return found.group(0)

    compares = " icmp " in code
    return _IR_NUMBER.sub(replace, code) + sep + comment


def template_ir(ir: str, bindings: Bindings) -> str:
    """``ir`` with the placeholders of ``bindings`` in place of the names, numbers and strings they bind."""
    symbols = {name: i for i, name in enumerate(bindings.symbols)}
    numbers = {int(text): i for i, text in reversed(list(enumerate(bindings.numbers)))}
    strings = {data: i for i, data in enumerate(bindings.strings)}

    def symbol(found: re.Match) -> str:
        quoted, plain = found.group(1), found.group(2)
        name = plain if plain is not None else _ir_string_bytes(quoted).decode("utf-8", "surrogateescape")
        slot = symbols.get(name)
        return found.group(0) if slot is None else "@{S%d}" % slot

    def string(found: re.Match) -> str:
        slot = strings.get(_ir_string_bytes(found.group(1)))
        return found.group(0) if slot is None else 'c"{T%d}"' % slot

    out = []
    for line, body in _in_body(ir):
        line = _IR_SYMBOL.sub(symbol, line)
        if strings and not line.startswith(("!", "attributes ")):
            line = _IR_STRING.sub(string, line)
        if body and numbers:
            line = _template_numbers(line, numbers)
        out.append(line)
    return "\n".join(out)


def fill_ir(template: str, bindings: Bindings) -> Optional[str]:
    """The template with ``bindings``' values in its placeholders; None when it has a placeholder they lack."""
    missing = False

    def value(found: re.Match) -> str:
        nonlocal missing
        kind, i = found.group(1), int(found.group(2))
        table = {"S": bindings.symbols, "N": bindings.numbers, "T": bindings.strings}[kind]
        if i >= len(table):
            missing = True
            return found.group(0)
        if kind == "S":
            return _ir_name(table[i])
        if kind == "N":
            return str(int(table[i]) + int(found.group(3) or 0))
        return _ir_string_text(table[i])

    filled = _PLACEHOLDER.sub(value, template)
    return None if missing else filled


def rebind_ir(ir: str, old: Bindings, new: Bindings) -> Optional[str]:
    """``ir``'s names and numbers bound by ``old`` changed into ``new``'s (None if ``new`` has too few)."""
    return fill_ir(template_ir(ir, old), new)


__all__ = ["Bindings", "asm_string_bytes", "fill_ir", "normalize", "normalize_lines", "rebind_ir", "template_ir"]
