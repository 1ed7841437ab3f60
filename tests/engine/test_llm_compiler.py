"""LLM Compiler's prompts, the reading of its answers, and the llm-compiler: engine.

The engine runs on a tiny randomly initialised Llama built here (no download):
its answers are garbage, so what is checked is the plumbing (prompt bytes,
truncation, determinism, parsing of what generate returns).
"""
from __future__ import annotations

import pytest

import passlm
from engine.conftest import TINY_CONTEXT, TokenizerSpy, build_tiny_llama, generate_answering
from passlm.engine import Candidate, EngineSpecError, make_engine
from passlm.engine.prompts import (
    answers_to_candidates,
    disassembly_prompt,
    emulation_prompt,
    flag_tuning_prompt,
    parse_code_answer,
    parse_pipeline_answer,
)

IR = "define i32 @f(i32 %x) {\nentry:\n  %y = add i32 %x, 1\n  ret i32 %y\n}\n"


# ------------------------------------------------------------------ prompts


def test_flag_tuning_prompt_is_byte_exact():
    assert flag_tuning_prompt(IR) == (
        "[INST] Tell me how to optimize this LLVM-IR for object file size:\n\n<code>"
        "define i32 @f(i32 %x) {\nentry:\n  %y = add i32 %x, 1\n  ret i32 %y\n}\n"
        "</code> [/INST]")


def test_disassembly_prompt_is_byte_exact():
    asm = "f:\n\tleal\t1(%rdi), %eax\n\tretq\n"
    assert disassembly_prompt(asm) == (
        "[INST] Disassemble this code to LLVM-IR:\n\n<code>f:\n\tleal\t1(%rdi), %eax\n\tretq\n</code> [/INST]")


def test_emulation_prompt_is_byte_exact():
    assert emulation_prompt("IR {x}", "module(default<Oz>)", 12, 345) == (
        "[INST] Give the LLVM-IR for the following code when optimized using opt -p 'module(default<Oz>)':\n\n"
        "<code>IR {x}</code>\n\n"
        "The input code has instruction count 12 and binary size 345 bytes. [/INST]")


def test_prompts_keep_braces_and_format_fields_verbatim():
    weird = "{ir} {0} %{x} }{"
    assert flag_tuning_prompt(weird).count(weird) == 1
    assert disassembly_prompt(weird).count(weird) == 1


# ------------------------------------------------------------------ answers

PARSED = [
    ("opt -p 'module(default<Oz>)'", "module(default<Oz>)"),
    ('opt -p "function(sroa),default<Oz>"', "function(sroa),default<Oz>"),
    ("-passes=function(sroa),default<Oz>", "function(sroa),default<Oz>"),
    ("-passes='function(sroa), default<Oz>'", "function(sroa),default<Oz>"),
    ("-p instcombine<no-verify-fixpoint>,simplifycfg", "instcombine<no-verify-fixpoint>,simplifycfg"),
    ("Run passes module(function(instcombine<no-verify-fixpoint>)) to reduce instruction count from 14 to 9",
     "module(function(instcombine<no-verify-fixpoint>))"),
    ("Run passes -reg2mem -sroa -instcombine to reduce instruction count from 14 to 9", "reg2mem,sroa,instcombine"),
    ("Use opt -passes=default<Oz>, then llc.", "default<Oz>"),
    ("function(sroa), gvn,default<Oz>", "function(sroa),gvn,default<Oz>"),
    ("  default<Oz>\n", "default<Oz>"),
    ("<code>function(simplifycfg<bonus-inst-threshold=1;no-forward-switch-cond>)</code>",
     "function(simplifycfg<bonus-inst-threshold=1;no-forward-switch-cond>)"),
]


@pytest.mark.parametrize("answer,pipeline", PARSED)
def test_answers_parse_to_pipelines_llvm_accepts(answer, pipeline):
    assert parse_pipeline_answer(answer) == pipeline
    passlm.check_pipeline(pipeline)  # raises PipelineError if LLVM rejects it


@pytest.mark.parametrize("answer", [
    "", "   \n", "I cannot help with that.", "opt -p", "opt -p ''", "function(sroa", "gvn)(", "12345",
    "Run passes to reduce instruction count", "default<Oz",
])
def test_answers_without_a_pipeline_are_none(answer):
    assert parse_pipeline_answer(answer) is None


def test_parse_code_answer():
    assert parse_code_answer("Here:\n<code>define void @f() {\n  ret void\n}\n</code> done") == \
        "define void @f() {\n  ret void\n}\n"
    assert parse_code_answer("  no code block \n") == "no code block"


def test_answers_to_candidates_drops_none_rejected_and_repeats():
    answers = ["opt -p 'gvn'", "nonsense words", "-passes=gvn", "notapass", "opt -p 'default<Oz>'"]
    assert answers_to_candidates(answers, [-0.1, -0.2, -0.3, -0.4, -0.5]) == [
        Candidate("gvn", -0.1), Candidate("default<Oz>", -0.5)]
    assert answers_to_candidates(answers) == [Candidate("gvn", 1.0), Candidate("default<Oz>", 0.2)]


# ------------------------------------------------------------------ checkpoint directory


def test_spec_without_directory():
    with pytest.raises(EngineSpecError, match="needs a local checkpoint directory"):
        make_engine("llm-compiler:")


def test_missing_directory(tmp_path):
    with pytest.raises(EngineSpecError, match="no such directory"):
        make_engine(f"llm-compiler:{tmp_path / 'absent'}")


def test_directory_without_config(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"")
    with pytest.raises(EngineSpecError, match="no config.json"):
        make_engine(f"llm-compiler:{tmp_path}")


def test_pickle_weights_are_refused(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "pytorch_model.bin").write_bytes(b"not really a pickle")
    with pytest.raises(EngineSpecError, match=r"only pickle weights \(pytorch_model.bin\).*safetensors only"):
        make_engine(f"llm-compiler:{tmp_path}")


def test_directory_without_weights(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(EngineSpecError, match=r"no \*.safetensors weights"):
        make_engine(f"llm-compiler:{tmp_path}")


# ------------------------------------------------------------------ a tiny model

ANSWER = "opt -p 'module(default<Oz>)'"
CONTEXT = TINY_CONTEXT
NEW_TOKENS = 24


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """A random 2-layer Llama and a byte-level BPE tokenizer, saved as safetensors."""
    pytest.importorskip("torch")
    corpus = [flag_tuning_prompt(IR), ANSWER, "Run passes function(sroa),default<Oz> to reduce instruction count"]
    return build_tiny_llama(tmp_path_factory.mktemp("llm-compiler-tiny"), corpus, CONTEXT)


@pytest.fixture
def engine(checkpoint):
    engine = make_engine(f"llm-compiler:{checkpoint}")
    engine.max_new_tokens = NEW_TOKENS  # keeps the random model's rambling short
    return engine


def test_engine_loads_and_reads_ir_only(engine):
    assert engine.needs == frozenset({"ir"})
    assert engine.device in ("cpu", "cuda")
    assert not engine.model.training
    assert engine.context_length == CONTEXT


@pytest.mark.parametrize("k", [1, 3])
def test_predict_returns_checked_candidates(engine, k):
    candidates = engine.predict(IR, k)
    assert isinstance(candidates, list) and len(candidates) <= k
    for candidate in candidates:
        assert isinstance(candidate, Candidate)
        passlm.check_pipeline(candidate.pipeline)
    assert len({c.pipeline for c in candidates}) == len(candidates)


def test_predict_tokenizes_the_exact_prompt(engine):
    spy = TokenizerSpy(engine.tokenizer)
    engine.tokenizer = spy
    engine.predict(IR, 1)
    assert spy.texts[-1] == (
        "[INST] Tell me how to optimize this LLVM-IR for object file size:\n\n<code>"
        "define i32 @f(i32 %x) {\nentry:\n  %y = add i32 %x, 1\n  ret i32 %y\n}\n"
        "</code> [/INST]")
    assert engine.prompt(IR) == spy.texts[-1]


def test_same_seed_same_answer(engine):
    # What the random model says, decoded, not just parsed: garbage is compared too.
    seen = []
    real_generate = engine.model.generate

    def recording_generate(*args, **kwargs):
        output = real_generate(*args, **kwargs)
        seen.append(output.sequences.tolist())
        return output

    engine.model.generate = recording_generate
    engine.set_seed(7)
    first = engine.predict(IR, 2)
    engine.set_seed(7)
    second = engine.predict(IR, 2)
    assert first == second
    assert len(seen) == 2 and seen[0] == seen[1]


def test_too_long_ir_is_cut_at_a_line_boundary(engine):
    body = "".join(f"  %v{i} = add i32 %x, {i}\n" for i in range(400))
    long_ir = "define i32 @f(i32 %x) {\nentry:\n" + body + "  ret i32 %x\n}\n"
    prompt = engine.prompt(long_ir)
    head, tail = "[INST] Tell me how to optimize this LLVM-IR for object file size:\n\n<code>", "</code> [/INST]"
    assert prompt.startswith(head) and prompt.endswith(tail)
    kept = prompt[len(head):-len(tail)]
    assert kept and long_ir.startswith(kept) and kept.endswith("\n") and len(kept) < len(long_ir)
    assert len(engine.tokenizer(prompt)["input_ids"]) <= CONTEXT - NEW_TOKENS
    # One more line would not have fitted.
    next_line = long_ir[len(kept):].splitlines(keepends=True)[0]
    assert len(engine.tokenizer(flag_tuning_prompt(kept + next_line))["input_ids"]) > CONTEXT - NEW_TOKENS
    assert isinstance(engine.predict(long_ir, 2), list)  # and generation does not crash


def test_prompt_that_cannot_fit_says_so(engine):
    engine.max_new_tokens = CONTEXT
    with pytest.raises(RuntimeError, match="does not fit the context"):
        engine.predict(IR, 1)


def test_generated_answer_is_parsed_end_to_end(engine):
    import torch

    answer_ids = engine.tokenizer(ANSWER, add_special_tokens=False)["input_ids"]
    eos = engine.tokenizer.eos_token_id
    calls = []

    def fake_generate(input_ids, attention_mask=None, **kwargs):
        calls.append(kwargs)
        rows = kwargs.get("num_return_sequences", 1)
        prompt = input_ids.repeat(rows, 1)
        # beam 0: the answer; beam 1: an empty answer (no pipeline); beam 2: the answer again
        answers = [answer_ids + [eos], [eos] * (len(answer_ids) + 1), answer_ids + [eos]][:rows]
        return torch.cat([prompt, torch.tensor(answers)], dim=1)

    engine.model.generate = fake_generate
    assert engine.predict(IR, 1) == [Candidate("module(default<Oz>)", 1.0)]
    assert calls[-1]["do_sample"] is False and "num_beams" not in calls[-1]
    assert engine.predict(IR, 3) == [Candidate("module(default<Oz>)", 1.0)]
    assert calls[-1]["num_beams"] == 3 and calls[-1]["num_return_sequences"] == 3
    assert calls[-1]["do_sample"] is False


def test_beam_scores_become_candidate_scores(engine):
    import torch
    from types import SimpleNamespace

    ids = [engine.tokenizer(a, add_special_tokens=False)["input_ids"] for a in ("-passes=gvn", "-passes=sroa")]
    width = max(map(len, ids))
    pad = engine.tokenizer.pad_token_id

    def fake_generate(input_ids, attention_mask=None, **kwargs):
        rows = [row + [pad] * (width - len(row)) for row in ids]
        sequences = torch.cat([input_ids.repeat(2, 1), torch.tensor(rows)], dim=1)
        return SimpleNamespace(sequences=sequences, sequences_scores=torch.tensor([-0.25, -0.5]))

    engine.model.generate = fake_generate
    assert engine.predict(IR, 2) == [Candidate("gvn", -0.25), Candidate("sroa", -0.5)]


# ------------------------------------------------------------------ complete and fit (every task)


def test_complete_answers_any_prompt_as_is(engine):
    calls = []
    engine.model.generate = generate_answering(engine.tokenizer, ["first answer", "second"], calls)
    spy = TokenizerSpy(engine.tokenizer)
    engine.tokenizer = spy
    assert engine.complete("any prompt {x}", 2, max_new_tokens=7) == [("first answer", 1.0), ("second", 0.5)]
    assert spy.texts == ["any prompt {x}"]
    assert calls[-1]["max_new_tokens"] == 7 and calls[-1]["num_beams"] == 2
    assert engine.complete("any prompt", 1) == [("first answer", 1.0)]
    assert calls[-1]["max_new_tokens"] == NEW_TOKENS and "num_beams" not in calls[-1]
    assert engine.complete("any prompt", 0) == []


def test_fit_cuts_the_text_of_any_prompt_for_the_room_asked(engine):
    def build(text):
        return "<<" + text + ">>"

    text = "".join(f"line {i} of some text\n" for i in range(300))
    roomy, tight = engine.fit(build, text), engine.fit(build, text, max_new_tokens=CONTEXT // 2)
    for prompt, room in ((roomy, NEW_TOKENS), (tight, CONTEXT // 2)):
        kept = prompt[2:-2]
        assert prompt == build(kept) and text.startswith(kept) and kept.endswith("\n")
        assert len(engine.tokenizer(prompt)["input_ids"]) <= CONTEXT - room
    assert len(tight) < len(roomy) < len(build(text))
    assert engine.fit(build, "short\n") == "<<short\n>>"


def test_context_error_is_a_passlm_error():
    from passlm.engine.llm_compiler import ContextError

    assert issubclass(ContextError, passlm.PassLMError) and issubclass(ContextError, RuntimeError)
