"""Compiler emulation: LLM Compiler predicts what ``opt -p PIPELINE`` makes of a module.

LLM Compiler's emulation task (:func:`passlm.engine.prompts.emulation_prompt`)
gives the model a module's IR, a pass pipeline, and the module's instruction
count and binary size, and asks for the optimized IR; the answer also states
the optimized module's instruction count and binary size.

What is read and written:

* the input IR text (``.ll`` as is; ``.bc`` printed as ``opt -S`` would);
  the figures stated in the prompt are the input module's own, measured by
  passlm's core as it is, without a pass (``Module.evaluate("")``):
  instructions in function bodies, and object size = Berkeley text + data of
  the object clang -Oz's backend makes of it;
* the prompt goes to the engine's ``complete`` (``llm-compiler:DIR`` or
  ``openai:URL``, the engines that answer LLM Compiler's prompts), fitted to
  the model's context first (``llm-compiler`` cuts the IR at a line
  boundary, with a warning, when it does not fit);
* each answer is read by :func:`parse_emulation_answer` (see there exactly
  what it reads);
* with ``--check``, the real result (:func:`actual`): the pipeline run by the
  core on a copy of the module, its printed IR and figures, compared with the
  prediction by exact match and BLEU (:mod:`passlm.textmetrics`). The
  core optimizes for clang -Oz's target settings, position-independent code
  included, so its IR is ``opt-19 -relocation-model=pic -S -passes=P``'s
  (tested); plain ``opt -p P`` can differ (relative lookup tables, say).

    passlm emulate FILE.ll --passes PIPELINE [--engine SPEC] [-k N] [--check] [--json] [-o OUT]

The predicted IR (the best answer's) goes to stdout, or to ``-o OUT``; a
table of the figures (:func:`format_table`) follows, on stderr when the IR
is on stdout, else on stdout. ``--json`` prints everything as one JSON
object on stdout instead (the command is in :mod:`passlm.text.cli`).
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from ..engine import COMPLETION_ENGINES, EngineSpecError, make_engine
from ..engine.llm_compiler import CODE_MAX_NEW_TOKENS
from ..engine.prompts import emulation_prompt, parse_code_answer

ENGINE_ENV = "PASSLM_ENGINE"
_BITCODE_MAGICS = (b"BC\xc0\xde", b"\xde\xc0\x17\x0b")  # raw bitcode, bitcode wrapper

# The figures an emulation answer states; "instruction count 18", "binary size: 65".
_INSTRUCTION_COUNT = re.compile(r"instruction\s+count\s*(?:of|is|:|=)?\s*(\d+)", re.IGNORECASE)
_BINARY_SIZE = re.compile(r"binary\s+size\s*(?:of|is|:|=)?\s*(\d+)", re.IGNORECASE)


@dataclass
class Emulation:
    """A module's IR and figures: predicted (``answer`` is the model's text), or
    real (:func:`actual`, :func:`measure`: ``answer`` is "")."""

    ir: str
    instructions: Optional[int]
    object_size: Optional[int]
    answer: str
    score: Optional[float] = None  # the engine's score of the answer, best first


@dataclass(frozen=True)
class IRComparison:
    exact_match: bool  # passlm.eval.textmetrics.exact_match
    bleu: float  # passlm.eval.textmetrics.corpus_bleu of the one pair, in [0, 1]


# ------------------------------------------------------------------ answers


def _outside_code(text: str) -> str:
    """``text`` without its ``<code>...</code>`` block (to the end if unclosed)."""
    start = text.find("<code>")
    if start < 0:
        return text
    end = text.find("</code>", start)
    return text[:start] + ("" if end < 0 else text[end + len("</code>"):])


def _last_number(pattern: re.Pattern, text: str) -> Optional[int]:
    found = pattern.findall(text)
    return int(found[-1]) if found else None


def parse_emulation_answer(text: str) -> Emulation:
    """The optimized IR and figures an emulation answer states.

    * ``ir``: the text inside ``<code>...</code>``, else the whole answer
      stripped (:func:`passlm.engine.prompts.parse_code_answer`); "" for an
      empty answer.
    * ``instructions``: the number after "instruction count", and
      ``object_size`` the number after "binary size" (case-insensitive, any
      spaces, optionally "of", "is", ":" or "=" between), read in the answer
      outside its code block; the last such number when there are several
      (an answer that restates the input's figures first). None when absent.
    """
    prose = _outside_code(text)
    return Emulation(ir=parse_code_answer(text), instructions=_last_number(_INSTRUCTION_COUNT, prose),
                     object_size=_last_number(_BINARY_SIZE, prose), answer=text)


# ------------------------------------------------------------------ engines


def check_completion_spec(spec: str, task: str, origin: str = "") -> None:
    """EngineSpecError unless ``spec`` names an engine that answers LLM Compiler's prompts."""
    kind = spec.partition(":")[0]
    if kind not in COMPLETION_ENGINES:
        source = f" (from ${ENGINE_ENV})" if origin == "env" else ""
        raise EngineSpecError(
            f"engine '{spec}'{source} cannot {task}: only the engines that answer LLM Compiler's prompts can, "
            f"llm-compiler:DIR and openai:URL")


# ------------------------------------------------------------------ emulation


def _parse(data, name: str):
    """A Module from IR text or bitcode bytes; IRParseError names ``name``."""
    import passlm

    return passlm.Module.from_string(data, name)


def measure(ir_text: str, *, name: str = "<input>") -> Emulation:
    """The module as it is, without a pass: its text, instruction count and
    object size (``Module.evaluate("")``), the figures the prompt states."""
    instructions, object_size = _parse(ir_text, name).evaluate("")
    return Emulation(ir=ir_text, instructions=instructions, object_size=object_size, answer="")


def emulate(ir_text: str, passes: str, engine_spec: str, k: int = 1, *, name: str = "<input>",
            max_new_tokens: int = CODE_MAX_NEW_TOKENS) -> list[Emulation]:
    """The engine's k predictions (best first) of what ``opt -p passes`` makes of ``ir_text``.

    The prompt is ``emulation_prompt(ir_text, passes, instructions, size)``
    with the input module's real figures. ``name`` is the IR's file name in
    parse errors (IRParseError: name:line:column). Raises EngineSpecError for
    an engine that cannot emulate (before anything is loaded), PipelineError
    for a pipeline LLVM rejects.
    """
    import passlm

    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    check_completion_spec(engine_spec, "emulate opt")
    source = measure(ir_text, name=name)
    passlm.check_pipeline(passes)
    engine = make_engine(engine_spec)

    def build(text: str) -> str:
        return emulation_prompt(text, passes, source.instructions, source.object_size)

    prompt = engine.fit(build, ir_text, max_new_tokens)
    if prompt != build(ir_text):
        print(f"passlm: warning: {name}: the IR was cut to fit the model's context; "
              "the answer emulates its first lines only", file=sys.stderr)
    answers = engine.complete(prompt, k, max_new_tokens)
    predictions = []
    for text, score in answers:
        prediction = parse_emulation_answer(text)
        prediction.score = score
        predictions.append(prediction)
    return predictions


def actual(ir_text: str, passes: str, *, name: str = "<input>") -> Emulation:
    """What ``opt -p passes`` really makes of ``ir_text``: passlm's core runs the
    pipeline on a copy of the module (made from its bitcode, as
    ``Module.evaluate`` works, so the figures are ``evaluate(passes)``'s);
    the copy's printed IR, instruction count and object size."""
    optimized = _parse(ir_text, name).clone()
    optimized.run(passes)
    instructions, object_size = optimized.evaluate("")
    return Emulation(ir=optimized.to_text(), instructions=instructions, object_size=object_size, answer="")


def compare_ir(predicted: str, real: str) -> IRComparison:
    """Exact match and BLEU of a predicted IR against the real one."""
    from ..textmetrics import corpus_bleu, exact_match

    return IRComparison(exact_match(predicted, real), corpus_bleu([predicted], [real]))


# ------------------------------------------------------------------ reading and showing


def read_ir_file(path: str) -> str:
    """The IR text of a file: textual IR as is, bitcode printed (opt -S)."""
    data = Path(path).read_bytes()
    if data.startswith(_BITCODE_MAGICS):
        return _parse(data, path).to_text()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: neither bitcode nor UTF-8 text") from None


def engine_spec_for(requested: Optional[str]) -> str:
    """``--engine``, else ``$PASSLM_ENGINE`` if it names an engine that can emulate."""
    if requested:
        return requested
    spec = os.environ.get(ENGINE_ENV)
    if not spec:
        raise EngineSpecError(
            f"emulate needs an engine that answers LLM Compiler's prompts: --engine llm-compiler:DIR "
            f"or --engine openai:URL (or ${ENGINE_ENV} set to one)")
    check_completion_spec(spec, "emulate opt", origin="env")
    return spec


def _cell(value) -> str:
    return "?" if value is None else str(value)


def format_table(source: Emulation, predictions: Sequence[Emulation], real: Optional[Emulation]) -> str:
    """Instruction count and object size of the input, each prediction and (with --check) the real result."""
    header = ["", "instructions", "object size"] + (["exact match", "BLEU"] if real else [])
    lines = [header, ["input", _cell(source.instructions), _cell(source.object_size)] + ([""] * 2 if real else [])]
    for rank, prediction in enumerate(predictions, 1):
        label = "predicted" if len(predictions) == 1 else f"predicted {rank}"
        row = [label, _cell(prediction.instructions), _cell(prediction.object_size)]
        if real:
            comparison = compare_ir(prediction.ir, real.ir)
            row += ["yes" if comparison.exact_match else "no", f"{comparison.bleu:.4f}"]
        lines.append(row)
    if real:
        lines.append(["actual", _cell(real.instructions), _cell(real.object_size), "", ""])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(line)).rstrip()
        for line in lines)
