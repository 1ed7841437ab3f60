"""From a module's IR to the model's input ids, within a token budget.

The input is ``<s>``, a one-line summary, the module's globals and
declarations, its functions, then ``<answer>``; the pipeline follows (in
training) or is generated (in prediction).

The summary (``functions F internal N instructions I globals G`` and a
line of opcode counts, ``alloca 12 load 40 ...``) is computed on the whole
module, before any cut, so the model knows a module's size and make-up even
when it sees only a part of it (most corpus modules are longer than the
context: the median normalized module is about 5,000 tokens).

Context-overflow strategy (modules longer than the budget, counted as
``cut`` by the engine and in eval): the IR is normalized, then split into
chunks (the top-level lines, and one chunk per function). When all of it
does not fit, the top-level chunk gets at most an eighth of the budget and
the functions share the rest equally, a function shorter than its share
giving the remainder back to the others (water-filling). Each chunk keeps
its first tokens (a function's signature and entry block) and ends in
``<cut>`` when cut. When the functions are so many that a share would be
under ``MIN_SHARE`` tokens, only the first functions that fit get one. It
never fails: any module yields at most ``budget`` ids.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .normalize import normalize_ir
from .tokenizer import ANSWER, BOS, CUT

MIN_SHARE = 24
CHARS_PER_TOKEN_CAP = 8  # a BPE token of normalized IR is 2-4 characters on average


@dataclass(frozen=True)
class Encoded:
    ids: list[int]   # <s> summary globals functions <answer>
    cut: bool        # the module did not fit and was condensed


def split_chunks(normalized: str) -> tuple[str, list[str]]:
    """(top-level lines, [function text, ...]) of normalized IR."""
    top, functions, current = [], [], None
    for line in normalized.splitlines(keepends=True):
        if current is None:
            if line.startswith("define "):
                current = [line]
            else:
                top.append(line)
        else:
            current.append(line)
            if line.startswith("}"):
                functions.append("".join(current))
                current = None
    if current:
        functions.append("".join(current))
    return "".join(top), functions


#: Opcodes counted in the summary, in this order (absent ones are left out).
OPCODES = ("alloca", "load", "store", "getelementptr", "call", "br", "switch", "icmp", "select", "phi",
           "ret", "add", "sub", "mul", "sdiv", "udiv", "and", "or", "xor", "shl", "lshr", "ashr", "sext",
           "zext", "trunc", "fadd", "fmul", "fcmp", "memcpy", "memset", "unreachable", "invoke")
_OPCODE = re.compile(r"^ (?:%[^ ]+ = )?(?:tail |musttail |notail )?(\w+)")


def module_counts(top: str, functions: list[str]) -> dict[str, int]:
    """What the summary line says: ``functions``, ``internal``, ``instructions``,
    ``globals`` and each of ``OPCODES`` (0 when absent)."""
    counts: Counter = Counter()
    for f in functions:
        for line in f.splitlines()[1:]:
            match = _OPCODE.match(line)
            if match:
                counts[match.group(1)] += 1
                if match.group(1) == "call" and "@llvm.mem" in line:
                    counts["memcpy" if "memcpy" in line or "memmove" in line else "memset"] += 1
    return {"functions": len(functions),
            "internal": sum(1 for f in functions if f.startswith(("define internal", "define private"))),
            "instructions": sum(counts.values()),
            "globals": sum(1 for line in top.splitlines() if line.startswith("@")),
            **{op: counts[op] for op in OPCODES}}


def summary_line(top: str, functions: list[str]) -> str:
    c = module_counts(top, functions)
    opcodes = " ".join(f"{op} {c[op]}" for op in OPCODES if c[op])
    return (f"functions {c['functions']} internal {c['internal']} instructions {c['instructions']}"
            f" globals {c['globals']}\n{opcodes}\n")


def summary_features(ir_text: str) -> list[int]:
    """``module_counts`` of a module's IR as a vector (a fixed order): the numbers the
    model reads first, for choosers that read nothing else."""
    return list(module_counts(*split_chunks(normalize_ir(ir_text))).values())


def _shares(lengths: list[int], budget: int) -> list[int]:
    """Water-filling: equal shares, short chunks give back what they do not use."""
    shares = [0] * len(lengths)
    left, open_ = budget, sorted(range(len(lengths)), key=lambda i: lengths[i])
    while open_:
        share = left // len(open_)
        i = open_[0]
        if lengths[i] <= share:
            shares[i] = lengths[i]
            left -= lengths[i]
            open_.pop(0)
        else:
            for j in open_:
                shares[j] = share
            break
    return shares


def encode_module(ir_text: str, tokenizer, budget: int) -> Encoded:
    """Input ids (``<s>`` ... ``<answer>``) of at most ``budget`` tokens."""
    top, functions = split_chunks(normalize_ir(ir_text))
    bos, answer, cut_id = (tokenizer.convert_tokens_to_ids(t) for t in (BOS, ANSWER, CUT))
    head = tokenizer(summary_line(top, functions), add_special_tokens=False)["input_ids"][:max(0, budget - 2)]
    # No chunk can keep more than the budget: tokenize only a prefix of long ones
    # (prediction latency), marking them as cut.
    limit = CHARS_PER_TOKEN_CAP * budget
    chunks = [top] + functions
    capped = [len(c) > limit for c in chunks]
    pieces = tokenizer([c[:limit] for c in chunks], add_special_tokens=False)["input_ids"]
    room = max(0, budget - 2 - len(head))
    total = sum(len(p) for p in pieces)
    if total <= room and not any(capped):
        return Encoded([bos] + head + [i for p in pieces for i in p] + [answer], False)

    # Condense: one id of each cut chunk goes to its <cut> marker.
    top_ids, function_ids = pieces[0], pieces[1:]
    top_room = min(len(top_ids), room // 8)
    rest = room - top_room
    if function_ids and rest // len(function_ids) < MIN_SHARE:
        function_ids = function_ids[:max(1, rest // MIN_SHARE)]
    shares = _shares([len(f) for f in function_ids], rest)
    body = _keep(top_ids, top_room, cut_id)
    for ids, share in zip(function_ids, shares):
        body += _keep(ids, share, cut_id)
    return Encoded([bos] + head + body[:room] + [answer], True)


def _keep(ids: list[int], room: int, cut_id: int) -> list[int]:
    if len(ids) <= room:
        return list(ids)
    return list(ids[:max(0, room - 1)]) + [cut_id] if room > 0 else []
