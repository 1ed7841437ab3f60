"""propose_ir: LLM Compiler's disassembly prompt sent to an llm-compiler: engine (a tiny
random Llama whose generate is faked) or an openai: engine (a local server)."""
from __future__ import annotations

import pytest

from engine.conftest import CompletionServer, TokenizerSpy, build_tiny_llama, generate_answering
from passlm.text.propose import propose_ir
from passlm.engine import EngineSpecError, make_engine
from passlm.engine.llm_compiler import CODE_MAX_NEW_TOKENS
from passlm.engine.prompts import disassembly_prompt

ASM = "\t.text\n\t.globl\tf\nf:\n\txorl\t%eax, %eax\n\tretq\n"
PROMPT = ("[INST] Disassemble this code to LLVM-IR:\n\n<code>"
          "\t.text\n\t.globl\tf\nf:\n\txorl\t%eax, %eax\n\tretq\n</code> [/INST]")
ANSWER = "<code>define i32 @f() {\n  ret i32 0\n}</code>"
IR = "define i32 @f() {\n  ret i32 0\n}"


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """A tiny llm-compiler checkpoint with room for the prompt and CODE_MAX_NEW_TOKENS."""
    pytest.importorskip("torch")
    return build_tiny_llama(tmp_path_factory.mktemp("llm-compiler-disasm"), [disassembly_prompt(ASM), ANSWER],
                            context=4096)


@pytest.fixture
def engine(checkpoint):
    return make_engine(f"llm-compiler:{checkpoint}")


@pytest.fixture
def server():
    s = CompletionServer()
    yield s
    s.close()


def test_llm_compiler_answer_ir_is_extracted_from_the_exact_prompt(engine):
    calls = []
    engine.model.generate = generate_answering(engine.tokenizer, [ANSWER], calls)
    spy = TokenizerSpy(engine.tokenizer)
    engine.tokenizer = spy
    assert propose_ir(ASM, engine, 1) == [(IR, 1.0)]
    assert spy.texts[-1] == PROMPT
    assert calls[-1]["max_new_tokens"] == CODE_MAX_NEW_TOKENS and "num_beams" not in calls[-1]


def test_llm_compiler_beams_empty_and_repeated_answers_dropped(engine):
    calls = []
    other = "Here it is: <code>define i32 @f() {\n  ret i32 1\n}</code>"
    engine.model.generate = generate_answering(engine.tokenizer, [ANSWER, "<code> \n</code>", ANSWER, other], calls)
    proposals = propose_ir(ASM, engine, 4, max_new_tokens=64)
    assert [ir for ir, _ in proposals] == [IR, "define i32 @f() {\n  ret i32 1\n}"]
    assert [score for _, score in proposals] == [1.0, 0.25]  # no beam scores from the fake: 1/(rank+1)
    assert calls[-1]["num_beams"] == 4 and calls[-1]["max_new_tokens"] == 64


def test_openai_exact_prompt_and_order_kept(server):
    server.answer("", ANSWER, "plain text IR\n", ANSWER)
    proposals = propose_ir(ASM, make_engine(f"openai:{server.base}"), 4)
    assert proposals == [(IR, 0.5), ("plain text IR", 0.25)]
    body = server.requests[-1]["body"]
    assert body["prompt"] == PROMPT and body["max_tokens"] == CODE_MAX_NEW_TOKENS and body["n"] == 4


def test_engine_without_completions_is_refused():
    with pytest.raises(EngineSpecError, match="cannot disassemble"):
        propose_ir(ASM, make_engine("fixed:default<Oz>"), 1)
