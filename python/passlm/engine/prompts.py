"""The prompts of Meta's LLM Compiler, and readers of its answers.

LLM Compiler (Cummins et al. 2024, "Meta Large Language Model Compiler:
Foundation Models of Compiler Optimization"; checkpoints
facebook/llm-compiler-{7b,13b}[-ftd]) was fine-tuned on three instruction
formats, reproduced here byte for byte (the spacing matters: the model saw
nothing else), and is queried at temperature 0:

flag tuning (the one passlm uses)::

    [INST] Tell me how to optimize this LLVM-IR for object file size:\\n\\n<code>{ir}</code> [/INST]

disassembly::

    [INST] Disassemble this code to LLVM-IR:\\n\\n<code>{asm}</code> [/INST]

emulation of opt::

    [INST] Give the LLVM-IR for the following code when optimized using opt -p '{passes}':\\n\\n<code>{ir}</code>\\n\\nThe input code has instruction count {ir_count} and binary size {bin_size} bytes. [/INST]

The prompts are built by plain concatenation (never ``str.format``), so braces
in the IR are safe.

The exact wording of the model's flag-tuning answer is not confirmed here
from a primary source, so :func:`parse_pipeline_answer` reads it robustly
(``opt -p '...'``, ``-passes=...``, ``Run passes ...``, a bare pipeline) and
says ``None`` rather than guess. :func:`answers_to_candidates` turns a list of
answers into the candidates both LLM Compiler engines return.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional, Sequence

from . import Candidate

__all__ = [
    "flag_tuning_prompt",
    "disassembly_prompt",
    "emulation_prompt",
    "parse_pipeline_answer",
    "parse_code_answer",
    "answers_to_candidates",
]


# ------------------------------------------------------------------ prompts


def flag_tuning_prompt(ir: str) -> str:
    """Ask for the pass list that makes ``ir`` smallest as an object file."""
    return "[INST] Tell me how to optimize this LLVM-IR for object file size:\n\n<code>" + ir + "</code> [/INST]"


def disassembly_prompt(asm: str) -> str:
    """Ask for the LLVM-IR of assembly ``asm``."""
    return "[INST] Disassemble this code to LLVM-IR:\n\n<code>" + asm + "</code> [/INST]"


def emulation_prompt(ir: str, passes: str, ir_count: int, bin_size: int) -> str:
    """Ask for the IR ``opt -p 'passes'`` would make of ``ir``."""
    return (
        "[INST] Give the LLVM-IR for the following code when optimized using opt -p '" + passes + "':\n\n"
        "<code>" + ir + "</code>\n\n"
        "The input code has instruction count " + str(ir_count)
        + " and binary size " + str(bin_size) + " bytes. [/INST]"
    )


# ------------------------------------------------------------------ answers

# Characters a new-PM pipeline string is made of (no spaces: those around
# commas are removed first).
_PIPELINE = re.compile(r"[A-Za-z0-9_\-,()<>;=.]+")
# A pipeline at the start of a text, possibly with spaces around its commas.
_PIPELINE_PREFIX = re.compile(r"[A-Za-z0-9_\-()<>;=.]+(?:\s*,\s*[A-Za-z0-9_\-()<>;=.]+)*")
# opt's pipeline flag: -p X, -p=X, -passes=X, --passes X; quoted or not.
_PASSES_FLAG = re.compile(
    r"""(?:^|[\s`'"(])--?(?:p|passes)(?:=|\s+)(?:'([^'\n]*)'|"([^"\n]*)"|([^\s'"`]+))""")
# "Run passes X ..." (X up to the end of the line).
_RUN_PASSES = re.compile(r"\brun\s+passes\s*:?\s*(.*)", re.IGNORECASE)
# Legacy-style flags: "-reg2mem -sroa -instcombine".
_LEGACY_FLAGS = re.compile(r"-[A-Za-z][\w\-]*(?:<[^<>\s]*>)?(?:\s+-[A-Za-z][\w\-]*(?:<[^<>\s]*>)?)*")
_QUOTES = "`'\""


def _normalise(candidate: str) -> Optional[str]:
    """``candidate`` as a pipeline string, or None if it cannot be one."""
    text = candidate.strip().strip(_QUOTES).strip()
    text = text.rstrip(".:;").strip(_QUOTES).strip()  # sentence punctuation after the pipeline
    text = re.sub(r"\s*,\s*", ",", text)
    if not text or not _PIPELINE.fullmatch(text):
        return None
    if not any(c.isalpha() for c in text) or text[0] in ",;=.)>" or text[-1] in ",;=(<":
        return None
    depth = 0
    for c in text:  # parentheses and angle brackets must balance
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth < 0:
            return None
    if depth or text.count("<") != text.count(">"):
        return None
    return text


def parse_pipeline_answer(text: str) -> Optional[str]:
    """The pipeline in a flag-tuning answer, or None if there is none.

    Read, in this order: an opt pipeline flag anywhere in the answer
    (``opt -p 'P'``, ``opt -p "P"``, ``-passes=P``, ``-passes='P'``,
    ``-p P``); a pass list after "Run passes" (``Run passes P to reduce
    ...``, or legacy flags ``Run passes -sroa -gvn ...`` read as ``sroa,gvn``);
    an answer that is itself a bare pipeline (spaces allowed around commas
    only). A ``module(...)`` wrapper is kept: it is a valid pipeline as is.
    The result is syntactic only; ``passlm.check_pipeline`` says whether LLVM
    accepts it.
    """
    if not text or not text.strip():
        return None
    match = _PASSES_FLAG.search(text)
    if match:
        # Quoted, the value may have spaces after its commas; unquoted, it
        # ends at the first space, as in a shell (a trailing "," or "." is
        # the sentence's).
        value = next(g for g in match.groups() if g is not None)
        return _normalise(value if match.group(3) is None else value.rstrip(",.;:"))
    match = _RUN_PASSES.search(text)
    if match:
        # The list ends where the sentence goes on ("... to reduce instruction count").
        rest = re.split(r"(?:^|\s)to\s", match.group(1).strip(), maxsplit=1)[0].strip().strip(_QUOTES)
        legacy = _LEGACY_FLAGS.match(rest)
        if legacy:
            return _normalise(",".join(flag[1:] for flag in legacy.group(0).split()))
        prefix = _PIPELINE_PREFIX.match(rest)
        return _normalise(prefix.group(0)) if prefix else None
    return _normalise(parse_code_answer(text))


def parse_code_answer(text: str) -> str:
    """The text inside ``<code>...</code>`` of an answer, else the answer stripped."""
    start = text.find("<code>")
    if start >= 0:
        end = text.find("</code>", start + len("<code>"))
        return text[start + len("<code>"):end if end >= 0 else len(text)]
    return text.strip()


def answers_to_candidates(answers: Sequence[str], scores: Optional[Iterable[float]] = None) -> list[Candidate]:
    """Candidates from a model's answers, in the order given (best first).

    Each answer is parsed with :func:`parse_pipeline_answer`; answers with no
    pipeline, pipelines LLVM rejects (``passlm.check_pipeline``) and repeats
    are dropped. ``scores`` (one per answer) default to ``1/(rank+1)``.
    """
    from .. import check_pipeline
    from ..errors import PipelineError

    score_list = list(scores) if scores is not None else [1.0 / (rank + 1) for rank in range(len(answers))]
    candidates: list[Candidate] = []
    seen: set[str] = set()
    for answer, score in zip(answers, score_list):
        pipeline = parse_pipeline_answer(answer)
        if pipeline is None or pipeline in seen:
            continue
        try:
            check_pipeline(pipeline)
        except PipelineError:
            continue
        seen.add(pipeline)
        candidates.append(Candidate(pipeline, float(score)))
    return candidates
