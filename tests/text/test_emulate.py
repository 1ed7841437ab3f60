"""passlm emulate: LLM Compiler's emulation of opt, with a tiny random Llama whose
generate is faked (llm-compiler:) and a local completions server (openai:).

What is checked is the plumbing: the prompt's bytes and the input figures in
it, the reading of the answer, the real result (--check) and the errors.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess

import pytest

import passlm
from engine.conftest import CompletionServer, build_tiny_llama, generate_answering
from passlm.text.cli import register_emulate
from passlm.text.emulate import Emulation, actual, compare_ir, emulate, parse_emulation_answer
from passlm.engine import EngineSpecError
from passlm.engine.llm_compiler import CODE_MAX_NEW_TOKENS
from passlm.engine.prompts import emulation_prompt

PASSES = "module(default<Oz>)"
EXAMPLE = "crc32"
SMALL_IR = "define i32 @f(i32 %x) {\n  %y = add i32 %x, 0\n  ret i32 %y\n}\n"


@pytest.fixture(autouse=True)
def no_environment(monkeypatch):
    for name in ("PASSLM_ENGINE", "OPENAI_API_KEY", "PASSLM_OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def example(example_bcs, tmp_path_factory):
    """The example as a .ll file, its text, and its figures before and after PASSES, from passlm.Module."""
    module = passlm.Module.from_file(str(example_bcs[EXAMPLE]))
    path = tmp_path_factory.mktemp("emulate") / f"{EXAMPLE}.ll"
    path.write_text(module.to_text())
    text = path.read_text()
    parsed = passlm.Module.from_string(text, str(path))
    return {"path": path, "text": text, "instructions": parsed.instruction_count,
            "object_size": parsed.object_size(), "optimized": parsed.evaluate(PASSES)}


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """A tiny llm-compiler checkpoint whose context holds a whole example and a code answer."""
    pytest.importorskip("torch")
    corpus = [emulation_prompt(SMALL_IR, PASSES, 3, 52), "The code has instruction count 2 and binary size 4 bytes"]
    return build_tiny_llama(tmp_path_factory.mktemp("llm-compiler-emulate"), corpus, context=1 << 16)


@pytest.fixture
def server():
    s = CompletionServer()
    yield s
    s.close()


def answer_for(ir: str, instructions, object_size) -> str:
    return f"The code has instruction count {instructions} and binary size {object_size} bytes:\n\n<code>{ir}</code>"


def expected_prompt(example) -> str:
    return ("[INST] Give the LLVM-IR for the following code when optimized using opt -p 'module(default<Oz>)':\n\n"
            "<code>" + example["text"] + "</code>\n\n"
            f"The input code has instruction count {example['instructions']} and binary size "
            f"{example['object_size']} bytes. [/INST]")


def fake_llama(monkeypatch, checkpoint, answers):
    """Every LlamaForCausalLM.generate answers ``answers``; returns the list of its calls."""
    from transformers import AutoTokenizer, LlamaForCausalLM

    calls = []
    tokenizer = AutoTokenizer.from_pretrained(str(checkpoint))
    fake = generate_answering(tokenizer, answers, calls)
    monkeypatch.setattr(LlamaForCausalLM, "generate", lambda self, *a, **kw: fake(*a, **kw))
    return calls


# ------------------------------------------------------------------ answers


def test_answer_is_read_into_ir_and_figures():
    emulation = parse_emulation_answer(answer_for(SMALL_IR, 2, 48))
    assert emulation == Emulation(ir=SMALL_IR, instructions=2, object_size=48, answer=answer_for(SMALL_IR, 2, 48))


@pytest.mark.parametrize("text,instructions,object_size", [
    ("Instruction Count: 7, Binary Size is 120 bytes <code>x</code>", 7, 120),
    ("The input code has instruction count 30 and binary size 161 bytes; the result has instruction count 18 "
     "and binary size 65 bytes:<code>x</code>", 18, 65),  # the last figures are the answer's
    ("<code>; instruction count 99 binary size 99\n</code>", None, None),  # inside the code: not read
    ("binary size = 12", None, 12),
    ("no figures at all", None, None),
])
def test_figures_are_read_robustly(text, instructions, object_size):
    emulation = parse_emulation_answer(text)
    assert (emulation.instructions, emulation.object_size) == (instructions, object_size)


def test_answer_without_code_block_is_the_answer_stripped():
    assert parse_emulation_answer("  define void @g() {\n  ret void\n}\n ").ir == "define void @g() {\n  ret void\n}"
    assert parse_emulation_answer("").ir == ""


# ------------------------------------------------------------------ llm-compiler:


def test_llm_compiler_prompt_is_byte_exact_with_the_real_input_figures(example, checkpoint, monkeypatch):
    calls = fake_llama(monkeypatch, checkpoint, [answer_for(SMALL_IR, 2, 48)])
    (prediction,) = emulate(example["text"], PASSES, f"llm-compiler:{checkpoint}", name=str(example["path"]))
    assert calls[-1]["prompt"] == expected_prompt(example)
    assert calls[-1]["max_new_tokens"] == CODE_MAX_NEW_TOKENS and calls[-1]["do_sample"] is False
    assert "num_beams" not in calls[-1]
    assert (prediction.ir, prediction.instructions, prediction.object_size) == (SMALL_IR, 2, 48)


def test_llm_compiler_k_answers_by_beam_search(example, checkpoint, monkeypatch):
    answers = [answer_for(SMALL_IR, 2, 48), "no code, no figures"]
    calls = fake_llama(monkeypatch, checkpoint, answers)
    predictions = emulate(example["text"], PASSES, f"llm-compiler:{checkpoint}", k=2, max_new_tokens=100)
    assert calls[-1]["num_beams"] == 2 and calls[-1]["max_new_tokens"] == 100
    assert [p.answer for p in predictions] == answers
    assert [p.instructions for p in predictions] == [2, None]


def test_ir_cut_to_the_context_is_warned_about(example, checkpoint, monkeypatch, capsys):
    from passlm.engine.llm_compiler import LLMCompilerEngine

    calls = fake_llama(monkeypatch, checkpoint, ["<code></code>"])
    monkeypatch.setattr(LLMCompilerEngine, "context_length", property(lambda self: 1000))
    emulate(example["text"], PASSES, f"llm-compiler:{checkpoint}", name="crc32.ll", max_new_tokens=100)
    head = expected_prompt(example).split("<code>")[0] + "<code>"
    kept = calls[-1]["prompt"][len(head):].split("</code>")[0]
    assert kept and example["text"].startswith(kept) and kept.endswith("\n") and len(kept) < len(example["text"])
    assert "passlm: warning: crc32.ll: the IR was cut to fit the model's context" in capsys.readouterr().err


# ------------------------------------------------------------------ openai:


def test_openai_request_is_the_exact_prompt(example, server):
    server.answer(answer_for(SMALL_IR, 2, 48))
    (prediction,) = emulate(example["text"], PASSES, f"openai:{server.base}")
    body = server.requests[-1]["body"]
    assert body["prompt"] == expected_prompt(example)
    assert body["max_tokens"] == CODE_MAX_NEW_TOKENS and body["temperature"] == 0 and body["n"] == 1
    assert (prediction.ir, prediction.instructions, prediction.object_size, prediction.score) == (SMALL_IR, 2, 48, 1.0)


def test_openai_k_samples_ranked_by_votes(example, server):
    server.answer("first", answer_for(SMALL_IR, 2, 48), answer_for(SMALL_IR, 2, 48))
    predictions = emulate(example["text"], PASSES, f"openai:{server.base}", k=3)
    assert [(p.instructions, p.score) for p in predictions] == [(2, 2 / 3), (2, 2 / 3), (None, 1 / 3)]
    assert server.requests[-1]["body"]["n"] == 3


# ------------------------------------------------------------------ the real result


def test_actual_is_what_the_core_and_opt_make(example, opt, tmp_path):
    real = actual(example["text"], PASSES, name=str(example["path"]))
    assert (real.instructions, real.object_size) == example["optimized"]
    assert real.answer == ""
    # The module passlm optimizes is what clang -Oz compiles: PIC, as opt -relocation-model=pic.
    out = tmp_path / "opt.ll"
    subprocess.run([opt, "-relocation-model=pic", "-S", f"-passes={PASSES}", str(example["path"]), "-o", str(out)],
                   check=True, capture_output=True)
    assert real.ir == out.read_text()


def test_compare_ir():
    assert compare_ir(SMALL_IR + "\n\n", SMALL_IR).exact_match
    assert compare_ir(SMALL_IR, SMALL_IR).bleu == pytest.approx(1.0)
    different = compare_ir(SMALL_IR.replace("add", "sub"), SMALL_IR)
    assert not different.exact_match and 0 < different.bleu < 1


# ------------------------------------------------------------------ command


def run_emulate(argv: list) -> int:
    """``passlm emulate ARGV`` as the passlm command runs it, errors included."""
    from passlm.cli import main

    return main(["emulate", *argv])


def test_check_prints_the_real_figures_beside_the_prediction(example, server, capsys):
    real = actual(example["text"], PASSES, name=str(example["path"]))
    predicted = (real.instructions + 1, real.object_size - 1)
    server.answer(answer_for(real.ir, *predicted))
    assert run_emulate([str(example["path"]), "--passes", PASSES, "--engine", f"openai:{server.base}", "--check"]) == 0
    out, err = capsys.readouterr()
    assert out == real.ir
    rows = {line.split()[0]: line.split()[1:] for line in err.splitlines()[1:]}
    assert rows["input"] == [str(example["instructions"]), str(example["object_size"])]
    assert rows["predicted"] == [str(predicted[0]), str(predicted[1]), "yes", "1.0000"]
    assert rows["actual"] == [str(n) for n in example["optimized"]]


def test_json_and_output_file(example, server, tmp_path, capsys):
    server.answer(answer_for(SMALL_IR, 2, 48))
    out_file = tmp_path / "predicted.ll"
    assert run_emulate([str(example["path"]), "--passes", PASSES, "--engine", f"openai:{server.base}", "--check",
                 "--json", "-o", str(out_file)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert out_file.read_text() == SMALL_IR
    assert document["input"] == {"instructions": example["instructions"], "object_size": example["object_size"]}
    (prediction,) = document["predictions"]
    assert (prediction["ir"], prediction["instructions"], prediction["object_size"]) == (SMALL_IR, 2, 48)
    assert prediction["exact_match"] is False and 0 <= prediction["bleu"] < 1
    assert [document["actual"]["instructions"], document["actual"]["object_size"]] == list(example["optimized"])


def test_register_adds_the_subcommand(example, server, tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="passlm")
    register_emulate(parser.add_subparsers(dest="command"))
    server.answer(answer_for(SMALL_IR, 2, 48))
    args = parser.parse_args(["emulate", str(example["path"]), "--passes", PASSES, "--engine",
                              f"openai:{server.base}", "-o", str(tmp_path / "out.ll")])
    assert args.func(args) == 0
    assert capsys.readouterr().out.splitlines()[1].split() == ["input", str(example["instructions"]),
                                                              str(example["object_size"])]


def test_bitcode_input_is_sent_as_printed_ir(example_bcs, server, capsys):
    server.answer(answer_for(SMALL_IR, 2, 48))
    bc = str(example_bcs[EXAMPLE])
    assert run_emulate([bc, "--passes", PASSES, "--engine", f"openai:{server.base}"]) == 0
    printed = passlm.Module.from_file(bc).to_text()
    assert server.requests[-1]["body"]["prompt"].startswith(
        "[INST] Give the LLVM-IR for the following code when optimized using opt -p 'module(default<Oz>)':\n\n"
        "<code>" + printed + "</code>")


def test_engine_from_environment(example, server, monkeypatch, capsys):
    server.answer(answer_for(SMALL_IR, 2, 48))
    monkeypatch.setenv("PASSLM_ENGINE", f"openai:{server.base}")
    assert run_emulate([str(example["path"]), "--passes", PASSES]) == 0
    assert capsys.readouterr().out == SMALL_IR


# ------------------------------------------------------------------ errors


def test_engines_that_cannot_emulate_are_refused_before_loading(example):
    for spec in ("model:default", "fixed:default<Oz>", "coreset:/nonexistent"):
        with pytest.raises(EngineSpecError, match=rf"engine '{spec}' cannot emulate opt: .*llm-compiler:DIR "
                                                  r"and openai:URL"):
            emulate(example["text"], PASSES, spec)


def one_error_line(capsys) -> str:
    out, err = capsys.readouterr()
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith("passlm: error: ")
    return line[len("passlm: error: "):]


@pytest.mark.parametrize("environment,message", [
    (None, r"emulate needs an engine .*--engine llm-compiler:DIR or --engine openai:URL \(or \$PASSLM_ENGINE"),
    ("model:default", r"engine 'model:default' \(from \$PASSLM_ENGINE\) cannot emulate opt"),
])
def test_no_engine_that_can_emulate(example, monkeypatch, capsys, environment, message):
    if environment:
        monkeypatch.setenv("PASSLM_ENGINE", environment)
    assert run_emulate([str(example["path"]), "--passes", PASSES]) == 1
    assert re.search(message, one_error_line(capsys))


def test_engine_that_cannot_emulate_exits_1(example, capsys):
    assert run_emulate([str(example["path"]), "--passes", PASSES, "--engine", "fixed:default<Oz>"]) == 1
    assert "cannot emulate opt" in one_error_line(capsys)


def test_missing_file_exits_1(tmp_path, capsys):
    missing = tmp_path / "absent.ll"
    assert run_emulate([str(missing), "--passes", PASSES, "--engine", "openai:http://127.0.0.1:9/v1"]) == 1
    assert one_error_line(capsys) == f"{missing}: No such file or directory"


def test_ir_that_does_not_parse_names_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.ll"
    bad.write_text("define i32 @f() {\n  ret i32 %nope\n}\n")
    assert run_emulate([str(bad), "--passes", PASSES, "--engine", "openai:http://127.0.0.1:9/v1"]) == 1
    assert one_error_line(capsys).startswith(f"{bad}:2:")


def test_bad_pipeline_exits_1(example, capsys):
    assert run_emulate([str(example["path"]), "--passes", "notapass", "--engine", "openai:http://127.0.0.1:9/v1"]) == 1
    assert "notapass" in one_error_line(capsys)


def test_unreachable_server_exits_1(example, capsys):
    import socket

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    assert run_emulate([str(example["path"]), "--passes", PASSES, "--engine", f"openai:http://127.0.0.1:{port}/v1"]) == 1
    assert "cannot connect" in one_error_line(capsys)


def test_k_must_be_positive(example, capsys):
    assert run_emulate([str(example["path"]), "--passes", PASSES, "--engine", "openai:http://127.0.0.1:9/v1", "-k", "0"]) == 1
    assert "k must be at least 1" in one_error_line(capsys)
