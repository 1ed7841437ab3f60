"""Lifting assembly to LLVM-IR, verified by round trip.

``lift_assembly(asm)`` asks an engine for k candidate IRs of the assembly
and checks every one: compile it with llc-19 at the settings that produced
the assembly (``llc_args``, by default clang -Oz's codegen: ``-O2
-relocation-model=pic``, and the target ``triple``) and compare with the
input, both normalized as ``passlm.eval.textmetrics.normalize_asm`` says
(comments, spacing, ``.file`` and ``.ident`` ignored; nothing else). The
result is the first candidate that round-trips, marked verified; else the
closest one, marked NOT verified, closeness being the BLEU of its recompiled
assembly against the input (0 when llc rejects it).

Engines (``--engine``): ``lifter:default`` (the default, shipped) or
``lifter:DIR``, the retrieval lifter learned from training pairs
(:mod:`passlm.text.lifter`), checked and repaired by
:mod:`passlm.text.retrieval`, which stops at the first candidate that
round-trips; ``model:DIR`` a disassembly model ``passlm train --task disasm``
wrote (none is shipped: the one trained here does not round-trip yet, see the
README); ``llm-compiler:DIR`` and ``openai:URL`` with LLM Compiler's exact
disassembly prompt (``passlm.engine.prompts.disassembly_prompt``).

The input is checked first with llvm-mc-19 for the triple: assembly that does
not assemble, or a triple LLVM does not know, is a ``ValueError`` naming the
file, line and problem.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..llc import DEFAULT_LLC_ARGS, comment_marker, compile_ir_or_error, normalize_asm
from ..textmetrics import corpus_bleu
from ..paths import llvm_tool

DEFAULT_TRIPLE = "x86_64-pc-linux-gnu"
#: What lifts when no engine is named: the retrieval lifter shipped in the package.
DEFAULT_DISASM_ENGINE = "lifter:default"


@dataclass
class Checked:
    """One candidate IR and what its round trip gave."""

    ir: str
    score: float
    round_trips: bool = False
    bleu: float = 0.0            # of its recompiled assembly against the input
    error: str = ""              # why llc rejected it, first line


@dataclass
class Lifted:
    ir: str                      # the chosen IR ("" when the engine gave nothing)
    verified: bool               # it round-trips
    chosen: int                  # index in candidates (-1: none)
    candidates: list[Checked] = field(default_factory=list)

    def marked_ir(self) -> str:
        """The IR, with a first comment line saying plainly when it is not verified."""
        if self.verified or not self.ir:
            return self.ir
        bleu = self.candidates[self.chosen].bleu
        return (f"; passlm: NOT VERIFIED: llc-19 does not compile this IR back to the input assembly "
                f"(closest of {len(self.candidates)} candidates, BLEU {bleu:.2f})\n" + self.ir)


def check_assembly(asm: str, triple: str = DEFAULT_TRIPLE, name: str = "<assembly>") -> None:
    """ValueError ('FILE:LINE: what') unless llvm-mc-19 assembles ``asm`` for ``triple``."""
    if not asm.strip():
        raise ValueError(f"{name}: empty assembly")
    done = subprocess.run([llvm_tool("llvm-mc"), f"-triple={triple}", "-filetype=null", "-"], input=asm,
                          capture_output=True, text=True, timeout=120)
    if done.returncode == 0:
        return
    if "unable to get target" in done.stderr:
        raise ValueError(f"unknown target triple '{triple}' (llvm-mc-19 --version lists the targets)")
    found = re.search(r"^<stdin>:(\d+):(\d+): error: (.*)$", done.stderr, re.M)
    if found:
        raise ValueError(f"{name}:{found.group(1)}:{found.group(2)}: {found.group(3)}")
    raise ValueError(f"{name}: llvm-mc-19 rejects it: {done.stderr.strip().splitlines()[0] if done.stderr else ''}")


def recompile(ir: str, asm: str, llc_args: Sequence[str], triple: str) -> tuple[Checked, Optional[str]]:
    """The round trip of one candidate (score 0: the caller's), and llc's assembly of it (None if rejected)."""
    args = list(llc_args) + ([f"-mtriple={triple}"] if triple and not any("mtriple" in a for a in llc_args) else [])
    compiled, error = compile_ir_or_error(ir, args)
    if compiled is None:
        return Checked(ir, 0.0, error=error), None
    marker = comment_marker(triple)
    got, want = normalize_asm(compiled, marker), normalize_asm(asm, marker)
    return Checked(ir, 0.0, round_trips=got == want, bleu=corpus_bleu(["\n".join(got)], ["\n".join(want)])), compiled


def check_candidate(ir: str, asm: str, llc_args: Sequence[str], triple: str) -> Checked:
    """Round trip of one candidate (the score is filled in by the caller)."""
    return recompile(ir, asm, llc_args, triple)[0]


def propose(asm: str, engine_spec: str, k: int) -> list[tuple[str, float]]:
    """The engine's k candidate IRs for ``asm``, best first."""
    from ..engine import COMPLETION_ENGINES, EngineSpecError

    kind, _, argument = engine_spec.partition(":")
    if kind == "model":
        from ..model.text_lm import TextLM, is_text_model

        if not is_text_model(argument):
            raise EngineSpecError(f"{engine_spec}: not a disassembly model (passlm train --task disasm makes one)")
        return TextLM.load(argument).lift(asm, k)
    if kind in COMPLETION_ENGINES:
        from ..engine import make_engine
        from .propose import propose_ir

        return propose_ir(asm, make_engine(engine_spec), k)
    raise EngineSpecError(f"engine '{engine_spec}' cannot disassemble "
                          "(lifter:default, lifter:DIR, model:DIR, llm-compiler:DIR or openai:URL can)")


def lift_assembly(asm: str, engine: Optional[str] = None, k: int = 4, triple: str = DEFAULT_TRIPLE,
                  llc_args: Sequence[str] = DEFAULT_LLC_ARGS, name: str = "<assembly>",
                  candidates: Optional[list[tuple[str, float]]] = None) -> Lifted:
    """Lift ``asm`` (see the module doc); ``candidates`` skips the engine (for checking given IRs)."""
    check_assembly(asm, triple, name)
    engine = engine or DEFAULT_DISASM_ENGINE
    if candidates is None and engine.partition(":")[0] == "lifter":
        from .lifter import load_lifter
        from .retrieval import lift_by_retrieval

        return _choose(lift_by_retrieval(asm, load_lifter(engine.partition(":")[2]), k, llc_args, triple))
    proposed = candidates if candidates is not None else propose(asm, engine, k)
    checked = []
    for ir, score in proposed:
        result = check_candidate(ir, asm, llc_args, triple)
        result.score = score
        checked.append(result)
    return _choose(checked)


def _choose(checked: list[Checked]) -> Lifted:
    """The first candidate that round-trips, else the closest (best BLEU of its assembly), else none."""
    if not checked:
        return Lifted("", False, -1, [])
    verified = [i for i, c in enumerate(checked) if c.round_trips]
    if verified:
        return Lifted(checked[verified[0]].ir, True, verified[0], checked)
    best = max(range(len(checked)), key=lambda i: (checked[i].bleu, -i))
    return Lifted(checked[best].ir, False, best, checked)
