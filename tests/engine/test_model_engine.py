"""model:default (the shipped model) and model:DIR, through make_engine as users call it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import passlm
from passlm.compile import c_to_ir
from passlm.engine import Candidate, EngineSpecError, make_engine, up_to_k_trials
from passlm.defaults import OZ
from passlm.engine.model import DEFAULT_MODEL_DIR
from passlm.pipelines.space import is_deterministic
from support import REPO


@pytest.fixture(scope="module")
def shipped():
    return make_engine("model:default")


@pytest.fixture(scope="module")
def example_irs(example_bcs) -> dict:
    return {name: passlm.Module.from_file(str(bc)).to_text() for name, bc in example_bcs.items()}


def test_the_shipped_model_is_safetensors_small_and_documented():
    files = {p.name: p.stat().st_size for p in DEFAULT_MODEL_DIR.iterdir()}
    assert "model.safetensors" in files and "MODEL_CARD.md" in files and "passlm.json" in files
    assert not any(name.endswith((".bin", ".pt", ".pth", ".pkl", ".ckpt")) for name in files)
    assert sum(files.values()) <= 30 * 1024 * 1024
    config = json.loads((DEFAULT_MODEL_DIR / "config.json").read_text())
    assert config["architectures"] == ["LlamaForCausalLM"]


@pytest.mark.parametrize("k", [1, 4, 16])
def test_every_candidate_parses_runs_and_verifies(shipped, example_irs, k):
    for name, text in example_irs.items():
        candidates = shipped.predict(text, k)
        assert 1 <= len(candidates) <= k, name
        assert all(isinstance(c, Candidate) for c in candidates)
        assert len({c.pipeline for c in candidates}) == len(candidates)
        for c in candidates:
            assert is_deterministic(c.pipeline), c.pipeline  # never gvn-sink, though the model knows it
            passlm.check_pipeline(c.pipeline)
            module = passlm.Module.from_string(text)
            module.run(c.pipeline)
            module.verify()


def test_same_module_same_answer_in_a_new_process(shipped, example_irs, example_bcs):
    mine = [c.pipeline for c in shipped.predict(example_irs["interp"], 4)]
    assert [c.pipeline for c in shipped.predict(example_irs["interp"], 4)] == mine
    code = ("import sys, passlm; from passlm.engine import make_engine; "
            "text = passlm.Module.from_file(sys.argv[1]).to_text(); "
            "print('|'.join(c.pipeline for c in make_engine('model:default').predict(text, 4)))")
    other = subprocess.run([sys.executable, "-c", code, str(example_bcs["interp"])], capture_output=True,
                           text=True, check=True).stdout.strip()
    assert other.split("|") == mine


def test_a_module_longer_than_the_context_is_condensed_not_fatal(shipped):
    lua = c_to_ir(REPO / "bench" / "data" / "lua5.4_lvm.c")
    text = passlm.Module.from_string(lua).to_text()
    before = shipped.stats["cut"]
    candidates = shipped.predict(text, 4)
    assert shipped.stats["cut"] == before + 1
    assert candidates and all(passlm.check_pipeline(c.pipeline) is None for c in candidates)


def test_the_default_engine_is_the_shipped_coreset():
    from passlm.engine import DEFAULT_ENGINE

    assert DEFAULT_ENGINE == "coreset:default"


@pytest.mark.parametrize("spec,message", [
    ("model:", "needs a directory"),
    ("model:/nonexistent/model", "no such model directory"),
])
def test_bad_model_specs_say_what_is_wrong(spec, message):
    with pytest.raises(EngineSpecError, match=message):
        make_engine(spec)


def test_a_trained_directory_is_an_engine(tiny_model_dir, example_irs):
    engine = make_engine(f"model:{tiny_model_dir}")
    assert engine.needs == frozenset({"ir"})
    assert engine.predict(example_irs["sort"], 2)


def test_a_shipped_model_is_named_by_its_bare_name(tmp_path, monkeypatch):
    from passlm.engine import identity, model

    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "passlm.json").write_text("{}")
    monkeypatch.setattr(model, "SHIPPED_MODELS", tmp_path)
    assert model.model_dir("mine") == tmp_path / "mine"
    assert model.model_dir("./mine") == Path("./mine")  # a folder here, written as a path
    assert model.model_dir("other") == Path("other")  # not shipped: a path
    assert identity.resolve_engine_spec("model:mine") == "model:mine"  # a name stays a name in records
    assert identity.model_hash("model:mine") is not None


@pytest.mark.parametrize("k", [1, 4])
def test_the_shipped_ranker_proposes_k_trials_besides_oz(example_irs, k):
    ranker = make_engine("model:ranker")
    for name, text in example_irs.items():
        pipelines = [c.pipeline for c in ranker.predict(text, k)]
        assert len([p for p in pipelines if p != OZ]) == k, name  # -Oz costs the guard no trial
        assert OZ not in pipelines[1:] and len(set(pipelines)) == len(pipelines), name


def test_an_answer_that_is_oz_takes_none_of_the_k_places():
    answers = [Candidate(p) for p in (OZ, "function(sroa)", "function(gvn)", "globaldce")]
    assert [c.pipeline for c in up_to_k_trials(answers, 2)] == [OZ, "function(sroa)", "function(gvn)"]
    assert [c.pipeline for c in up_to_k_trials(answers[1:], 2)] == ["function(sroa)", "function(gvn)"]
    assert up_to_k_trials(answers, 0) == []
