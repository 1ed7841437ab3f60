"""passlm train: a real (tiny) training run, its files, resuming, and errors."""
from __future__ import annotations

import json

import pytest

from conftest import TINY_MODEL_ARGS
from passlm.store import Store
from passlm.train.config import TrainConfig
from passlm.train.data import best_screened
from passlm import cli


def main(argv):
    return cli.main(["train", *argv])


def test_examples_are_the_best_screened_pipelines(tiny_corpus):
    with Store(tiny_corpus) as store:
        modules = store.module_hashes(split="train")
        examples = best_screened(store, modules)
        assert len(examples) == len(modules) == 9
        for e in examples:
            sizes = {ev.pipeline: ev.object_size for ev in store.evaluations(e.module)}
            assert e.oz == sizes["default<Oz>"]
            assert e.best == min(sizes.values())
            assert all(sizes[t] == e.best for t in e.targets)
            if e.best == e.oz:
                assert e.targets == ("default<Oz>",)


def test_unscreened_pipelines_are_not_targets(tiny_corpus, tmp_path):
    import shutil

    db = tmp_path / "c.db"
    shutil.copy(tiny_corpus, db)
    with Store(db) as store:
        store.record_screening("function(sroa)", "reject", "{}", "19")
        examples = best_screened(store, store.module_hashes(split="train"))
    assert not any("function(sroa)" in e.targets for e in examples)


def test_training_writes_a_loadable_model_and_its_config(tiny_model_dir):
    from passlm.model.pipeline_lm import PipelineLM

    names = {p.name for p in tiny_model_dir.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "passlm.json", "train_config.json",
            "history.jsonl", "checkpoint"} <= names
    assert not any(p.suffix in (".bin", ".pt", ".pkl") for p in tiny_model_dir.rglob("*"))
    config = TrainConfig.load(tiny_model_dir)
    assert config.model.hidden == 32 and config.epochs == 2
    history = [json.loads(line) for line in (tiny_model_dir / "history.jsonl").read_text().splitlines()]
    assert [h["epoch"] for h in history] == [1, 2]
    assert history[-1]["loss"] < history[0]["loss"]
    assert history[-1]["heldout_modules"] == 3 and "heldout_best_of_4" in history[-1]
    assert PipelineLM.load(tiny_model_dir, "cpu").config.hidden == 32


def test_resume_goes_on_from_the_checkpoint(tiny_corpus, tmp_path, capsys):
    out = tmp_path / "m"
    assert main(["--db", str(tiny_corpus), "--out", str(out), "--epochs", "1", "--no-eval"] + TINY_MODEL_ARGS) == 0
    state = json.loads((out / "checkpoint" / "state.json").read_text())
    assert state["epoch"] == 1 and state["step"] > 0
    first = (out / "model.safetensors").read_bytes()
    assert main(["--db", str(tiny_corpus), "--out", str(out), "--epochs", "2", "--no-eval"] + TINY_MODEL_ARGS) == 0
    assert "resuming at epoch 2" in capsys.readouterr().err
    again = json.loads((out / "checkpoint" / "state.json").read_text())
    assert again["epoch"] == 2 and again["step"] == 2 * state["step"]
    assert (out / "model.safetensors").read_bytes() != first
    assert len((out / "history.jsonl").read_text().splitlines()) == 2


def test_another_configuration_in_the_same_directory_is_refused(tiny_corpus, tmp_path, capsys):
    out = tmp_path / "m"
    assert main(["--db", str(tiny_corpus), "--out", str(out), "--epochs", "1", "--no-eval"] + TINY_MODEL_ARGS) == 0
    changed = [a if a != "32" else "48" for a in TINY_MODEL_ARGS]
    assert main(["--db", str(tiny_corpus), "--out", str(out), "--epochs", "1", "--no-eval"] + changed) == 1
    assert "another configuration" in capsys.readouterr().err


@pytest.mark.parametrize("problem", ["no-db", "empty-split"])
def test_user_errors_exit_1(tiny_corpus, tmp_path, capsys, problem):
    db = str(tmp_path / "missing.db") if problem == "no-db" else str(tiny_corpus)
    extra = ["--train-split", "nosuchsplit"] if problem == "empty-split" else []
    assert main(["--db", db, "--out", str(tmp_path / "m"), "--no-eval"] + extra + TINY_MODEL_ARGS) == 1
    assert capsys.readouterr().err.startswith("passlm: error: ")
    assert not (tmp_path / "m").exists()  # a failed run leaves no model folder
