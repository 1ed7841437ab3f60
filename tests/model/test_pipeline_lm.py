"""PipelineLM: constrained decoding, determinism, loading errors (on the tiny trained model)."""
from __future__ import annotations

import json
import shutil

import pytest

import passlm
from passlm.model.pipeline_lm import PipelineLM
from passlm.pipelines.space import split_elements


@pytest.fixture(scope="module")
def tiny_lm(tiny_model_dir):
    return PipelineLM.load(tiny_model_dir, "cpu")


@pytest.mark.parametrize("k", [1, 4, 16])
def test_every_candidate_parses_runs_and_verifies(tiny_lm, example_texts, k):
    known = set(tiny_lm.pass_ids.values())
    for name in ("sort", "bits", "interp"):
        answers, _ = tiny_lm.predict(example_texts[name], k)
        assert 1 <= len(answers) <= k
        assert len({p for p, _ in answers}) == len(answers)
        for pipeline, score in answers:
            elements = split_elements(pipeline)
            assert 1 <= len(elements) <= tiny_lm.config.max_answer and set(elements) <= known
            passlm.check_pipeline(pipeline)
            module = passlm.Module.from_string(example_texts[name])
            module.run(pipeline)
            module.verify()
        assert all(s <= 0 for _, s in answers)  # log-probabilities


def test_same_input_same_answer_even_after_reloading(tiny_lm, tiny_model_dir, example_texts):
    first = tiny_lm.predict(example_texts["matrix"], 4)
    assert tiny_lm.predict(example_texts["matrix"], 4) == first
    assert PipelineLM.load(tiny_model_dir, "cpu").predict(example_texts["matrix"], 4)[0] == first[0]


def test_greedy_is_the_best_beam(tiny_lm, example_texts):
    ids = tiny_lm.encode(example_texts["hash"]).ids
    (greedy, greedy_score), = tiny_lm.predict_ids(ids, 1)
    beams = tiny_lm.predict_ids(ids, 8)
    assert beams[0][1] >= greedy_score - 1e-4  # beam search never finds a less likely best
    assert [s for _, s in beams] == sorted((s for _, s in beams), reverse=True)


def test_the_first_candidate_contains_oz_and_the_others_are_alternatives(tiny_lm, example_texts):
    for name, text in example_texts.items():
        ids = tiny_lm.encode(text).ids
        (first, _), = tiny_lm.candidates(ids, 1)
        assert "default<Oz>" in split_elements(first), name
        assert tiny_lm.predict_ids(ids, 1, require_oz=True)[0][0] == first
        several = [p for p, _ in tiny_lm.candidates(ids, 4)]
        assert len(several) == 4 and several[0] == first and "default<Oz>" not in several[1:]
        beams = [p for p, _ in tiny_lm.predict_ids(ids, 5) if p not in ("default<Oz>", first)]
        assert several[1:] == beams[:3]


def test_loading_errors_name_the_problem(tiny_model_dir, tmp_path):
    with pytest.raises(ValueError, match="no such model directory"):
        PipelineLM.load(tmp_path / "nothing")
    copy = tmp_path / "m"
    shutil.copytree(tiny_model_dir, copy, ignore=shutil.ignore_patterns("checkpoint", "*.jsonl"))
    (copy / "model.safetensors").rename(copy / "pytorch_model.bin")
    with pytest.raises(ValueError, match="safetensors"):
        PipelineLM.load(copy)
    (copy / "pytorch_model.bin").rename(copy / "model.safetensors")
    meta = json.loads((copy / "passlm.json").read_text())
    meta["config"]["normalization"] = 999
    (copy / "passlm.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="normalization version 999"):
        PipelineLM.load(copy)
    (copy / "passlm.json").unlink()
    with pytest.raises(ValueError, match="not a passlm model"):
        PipelineLM.load(copy)
