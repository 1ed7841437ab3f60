"""Lifting with the retrieval lifter: candidates, each checked by round trip and repaired by its diff.

``lift_by_retrieval(asm, lifter, k)`` takes the lifter's candidates for the
assembly (:class:`passlm.text.lifter.Lifter`: training IRs whose assembly
normalizes alike, with the assembly's names and numbers put in) and checks
them in order with llc-19, as :mod:`passlm.text.lift` checks any candidate.
It stops at the first that round-trips: k bounds the candidates tried.

Repair, guided by the round-trip diff, one step at a time (up to
``REPAIR_ROUNDS``), each step kept only if its assembly is no further from the
input (BLEU):

- when a candidate's recompiled assembly normalizes to the same text as the
  input (:mod:`passlm.text.placeholders`) but with other names or numbers,
  each differing name and number of the IR is changed to the input's
  (``rebind_ir``);
- when the input has a ``.hidden`` line for the function and the candidate's
  assembly has not (or the other way round), the ``define`` is made hidden
  (or dso_local).

The repaired IR replaces the candidate; it counts as the same candidate, and
it is marked verified only if its own round trip holds.
"""
from __future__ import annotations

from typing import Optional, Sequence

from ..llc import comment_marker
from .lift import recompile
from .placeholders import Bindings, normalize, rebind_ir

#: Repair steps per candidate.
REPAIR_ROUNDS = 3


def _flip_visibility(ir: str, want_hidden: bool) -> Optional[str]:
    """The function's ``define`` made hidden (or dso_local): the one edit behind a missing or extra
    ``.hidden`` line of the function's own name."""
    old, new = ("define dso_local ", "define hidden ") if want_hidden else ("define hidden ", "define dso_local ")
    return ir.replace(old, new, 1) if old in ir else None


def _repair(ir: str, got_text: str, got: Bindings, want_text: str, want: Bindings) -> Optional[str]:
    """One repair step from the diff of the recompiled assembly with the input, or None."""
    if got_text == want_text:
        return rebind_ir(ir, got, want) if got != want else None
    hidden = ".hidden {S0}"
    want_hidden = hidden in want_text.split("\n")
    if want_hidden != (hidden in got_text.split("\n")):
        return _flip_visibility(ir, want_hidden)
    return None


def check_with_repair(ir: str, asm: str, llc_args: Sequence[str], triple: str, rounds: int = REPAIR_ROUNDS):
    """The round trip of ``ir``, repaired step by step from the diff while each step brings its assembly
    closer to the input (see the module doc)."""
    marker = comment_marker(triple)
    want_text, want = normalize(asm, marker)
    checked, compiled = recompile(ir, asm, llc_args, triple)
    for _ in range(rounds):
        if checked.round_trips or compiled is None:
            break
        got_text, got = normalize(compiled, marker)
        repaired = _repair(ir, got_text, got, want_text, want)
        if repaired is None or repaired == ir:
            break
        again, again_compiled = recompile(repaired, asm, llc_args, triple)
        if again.bleu < checked.bleu and not again.round_trips:
            break
        ir, checked, compiled = repaired, again, again_compiled
    return checked


def lift_by_retrieval(asm: str, lifter, k: int, llc_args: Sequence[str], triple: str) -> list:
    """The checked candidates, in order, up to the first that round-trips (at most k)."""
    text, bindings = normalize(asm, comment_marker(triple))
    checked = []
    for ir, score in lifter.propose(text, bindings, k):
        result = check_with_repair(ir, asm, llc_args, triple)
        result.score = score
        checked.append(result)
        if result.round_trips:
            break
    return checked


__all__ = ["REPAIR_ROUNDS", "check_with_repair", "lift_by_retrieval"]
