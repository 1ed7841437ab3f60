"""passlm train --task disasm: a real tiny disassembly model, its files, resume, and its evaluation."""
from __future__ import annotations

import json

import pytest

from passlm import cli


def train_main(argv):
    return cli.main(["train", *argv])

TINY = ["--hidden", "32", "--layers", "1", "--heads", "2", "--intermediate", "64", "--context", "2048",
        "--vocab-size", "400", "--batch-size", "4"]


def test_the_model_directory(tiny_disasm_model):
    from passlm.model.text_lm import TextLM

    meta = json.loads((tiny_disasm_model / "passlm.json").read_text())
    assert meta["format"] == "passlm-text-model" and meta["config"]["task"] == "disasm"
    assert json.loads((tiny_disasm_model / "train_config.json").read_text())["task"] == "disasm"
    assert (tiny_disasm_model / "model.safetensors").is_file() and not list(tiny_disasm_model.glob("*.bin"))
    lm = TextLM.load(tiny_disasm_model)
    assert lm.config.context == 2048 and lm.tokenizer.convert_tokens_to_ids("<ir>") == lm.ir_id


def test_loss_falls_resume_and_refusal(tmp_path, tiny_pairs, capsys):
    out = tmp_path / "m"
    args = ["--task", "disasm", "--pairs", str(tiny_pairs), "--eval-pairs", str(tiny_pairs), "--eval-modules", "1",
            "--out", str(out), *TINY]
    assert train_main(args + ["--epochs", "1"]) == 0
    assert train_main(args + ["--epochs", "2"]) == 0  # resumes at epoch 2
    history = [json.loads(line) for line in (out / "history.jsonl").read_text().splitlines()]
    assert [h["epoch"] for h in history] == [1, 2]
    assert history[-1]["loss"] < history[0]["loss"]
    assert history[0]["heldout_pairs"] == 1 and 0 <= history[0]["heldout_round_trip"] <= 1
    capsys.readouterr()
    assert train_main(args + ["--epochs", "2", "--learning-rate", "0.1"]) == 1
    assert "another configuration" in capsys.readouterr().err


def test_user_errors(tmp_path, capsys):
    assert train_main(["--task", "disasm", "--out", str(tmp_path / "m")]) == 2  # a usage error
    assert "needs --pairs" in capsys.readouterr().err
    assert train_main(["--task", "disasm", "--pairs", str(tmp_path / "none.jsonl"), "--out", str(tmp_path)]) == 1
    assert "no such file" in capsys.readouterr().err


def test_eval_disasm_and_perplexities(tiny_disasm_model, tiny_pairs, tiny_model_dir, tiny_corpus, tmp_path, capsys):
    out = tmp_path / "d.json"
    assert cli.main(["eval", "--task", "disasm", str(tiny_pairs), "--engine", f"model:{tiny_disasm_model}",
                     "-k", "1", "--limit", "1", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "round trip, first candidate:" in printed and "exact match, first:" in printed
    doc = json.loads(out.read_text())
    assert doc["pairs"] == 1 and 0 <= doc["round_trip_top1"] <= doc["round_trip_best_of_1"] <= 1
    assert cli.main(["eval", "--task", "disasm", str(tiny_pairs), "--engine", f"model:{tiny_disasm_model}",
                     "--perplexity"]) == 0
    printed = capsys.readouterr().out
    assert "assembly" in printed and "IR given the assembly" in printed
    assert cli.main(["eval", f"{tiny_corpus}:test", "--engine", f"model:{tiny_model_dir}", "--perplexity"]) == 0
    line = capsys.readouterr().out
    assert "on the IR of 3 modules" in line and float(line.split(": ")[1].split()[0]) > 1.0
    assert cli.main(["eval", f"{tiny_corpus}:test", "--engine", "fixed:default<Oz>", "--perplexity"]) == 1
    assert "needs a passlm model engine" in capsys.readouterr().err
