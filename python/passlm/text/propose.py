"""Candidate IRs for an assembly text from the engines that answer LLM Compiler's prompts.

``propose_ir(asm, engine, k)`` sends LLM Compiler's exact disassembly prompt
(:func:`passlm.engine.prompts.disassembly_prompt`) to an ``llm-compiler:DIR``
or ``openai:URL`` engine (an LLMCompilerEngine or OpenAIEngine instance):
fitted to the model's context first (``llm-compiler`` cuts the assembly at a
line boundary when it does not fit), then k answers from the engine's
``complete``, with ``max_new_tokens`` of room each (a whole function of IR).
Each answer's IR is the text inside its ``<code>...</code>``, else the
answer stripped (:func:`passlm.engine.prompts.parse_code_answer`); empty IRs
and repeats are dropped, the engine's order (best first) and scores kept.
Nothing is checked here: round-tripping is :mod:`passlm.text.lift`'s work.
"""
from __future__ import annotations

from ..engine import EngineSpecError
from ..engine.llm_compiler import CODE_MAX_NEW_TOKENS
from ..engine.prompts import disassembly_prompt, parse_code_answer


def propose_ir(asm_text: str, engine, k: int, max_new_tokens: int = CODE_MAX_NEW_TOKENS) -> list[tuple[str, float]]:
    """Up to k (IR, score) for ``asm_text``, best first (see the module docstring)."""
    if not (hasattr(engine, "fit") and hasattr(engine, "complete")):
        raise EngineSpecError(f"{engine!r} cannot disassemble: only llm-compiler:DIR and openai:URL engines "
                              "answer LLM Compiler's prompts")
    prompt = engine.fit(disassembly_prompt, asm_text, max_new_tokens)
    proposals: list[tuple[str, float]] = []
    seen: set[str] = set()
    for answer, score in engine.complete(prompt, k, max_new_tokens):
        ir = parse_code_answer(answer)
        if not ir.strip() or ir in seen:
            continue
        seen.add(ir)
        proposals.append((ir, score))
    return proposals
