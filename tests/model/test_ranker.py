"""RankerLM: one forward pass scores the pool; candidates, margin, save and load."""
from __future__ import annotations

from pathlib import Path

import pytest

import passlm
from passlm.defaults import OZ
from passlm.model.ranker import RankerConfig, RankerLM

POOL = ["function(sroa)", "globaldce", "function(gvn),default<Oz>", "cgscc(inline)"]


@pytest.fixture(scope="module")
def ranker(small_tokenizer):
    config = RankerConfig(hidden=32, layers=1, heads=2, intermediate=64, context=256, pool=list(POOL),
                          prior=[0.05, -0.01, -0.02, 0.3])
    return RankerLM.create(small_tokenizer, config, seed=0)


def test_an_untrained_ranker_scores_the_prior(ranker, example_texts):
    scores, = ranker.scores_batch([ranker.encode(example_texts["sort"]).ids])
    assert len(scores) == len(POOL)
    assert scores == pytest.approx(ranker.config.prior, abs=0.02)


def test_candidates_are_best_predicted_first_and_oz_without_confidence(ranker):
    scores = [0.05, -0.01, -0.02, 0.3]  # log ratios: gvn,Oz best, then globaldce
    ranker.config.margin = 0.0
    assert [p for p, _ in ranker.candidates(scores, 3)] == ["function(gvn),default<Oz>", "globaldce", "function(sroa)"]
    ranker.config.margin = 0.05  # a 2 % predicted gain is not enough: -Oz first (no trial), then 2 to try
    assert [p for p, _ in ranker.candidates(scores, 2)] == [OZ, "function(gvn),default<Oz>", "globaldce"]
    assert ranker.candidates(scores, 1) == [(OZ, 0.0), ("function(gvn),default<Oz>", pytest.approx(0.02))]


def test_batched_scores_equal_single_ones(ranker, example_texts):
    ids = [ranker.encode(example_texts[name]).ids for name in ("sort", "rle", "crc32")]
    batched = ranker.scores_batch(ids)
    for one, row in zip(ids, batched):
        assert ranker.scores_batch([one])[0] == pytest.approx(row, abs=1e-4)


def test_save_and_load_through_the_model_engine(ranker, tmp_path, example_texts):
    from passlm.engine import make_engine

    ranker.save(tmp_path / "r")
    assert not any(p.suffix in (".bin", ".pt", ".pkl") for p in (tmp_path / "r").rglob("*"))
    engine = make_engine(f"model:{tmp_path / 'r'}")
    answer = engine.predict(example_texts["sort"], 3)
    trials = {c.pipeline for c in answer} - {OZ}
    assert len(trials) == 3 and len(answer) in (3, 4)
    assert all(c.pipeline in POOL or c.pipeline == OZ for c in answer)
    with pytest.raises(ValueError, match="no such model directory"):
        make_engine(f"model:{tmp_path / 'missing'}")


def test_the_trunk_starts_from_the_shipped_generative_model():
    import torch

    from passlm.model.ranker import shape_of
    from passlm.model.tokenizer import load_tokenizer

    shipped = Path(passlm.__file__).parent / "models" / "default"
    config = RankerConfig(pool=["function(sroa)", "globaldce"], context=256, **shape_of(shipped))
    lm = RankerLM.create(load_tokenizer(str(shipped)), config)
    fresh = lm.model.model.embed_tokens.weight.clone()
    lm.start_trunk_from(shipped)
    from safetensors.torch import load_file

    weights = load_file(str(shipped / "model.safetensors"))
    assert torch.equal(lm.model.model.embed_tokens.weight, weights["model.embed_tokens.weight"])
    assert torch.equal(lm.model.model.layers[3].mlp.down_proj.weight, weights["model.layers.3.mlp.down_proj.weight"])
    assert not torch.equal(fresh, weights["model.embed_tokens.weight"])
    narrow = RankerLM.create(load_tokenizer(str(shipped)), RankerConfig(pool=["globaldce"], hidden=128, heads=4))
    with pytest.raises(ValueError, match="do not fit"):
        narrow.start_trunk_from(shipped)


def test_candidates_after_the_first_cover_the_nearest_training_rows(small_tokenizer, tmp_path):
    import torch

    # Pipelines 0 and 1 are near copies (they win together); 2 wins where they lose.
    rows = torch.tensor([[-0.10, -0.09, 0.05, 0.2]] * 3 + [[0.02, 0.03, -0.08, 0.2]] * 3)
    config = RankerConfig(hidden=32, layers=1, heads=2, intermediate=64, context=256, pool=list(POOL),
                          prior=[0.0] * 4, neighbours=6)
    lm = RankerLM.create(small_tokenizer, config, seed=0)
    lm.rows = rows
    scores = [-0.05, -0.045, -0.01, 0.1]  # predicted order: 0, 1, 2
    assert lm.order(scores, 2) == [0, 2]  # the complement, not the near copy
    lm.config.neighbours = 0
    assert lm.order(scores, 2) == [0, 1]
    lm.config.neighbours, lm.config.margin = 6, 0.06  # nothing predicted to win by 6 %: -Oz first,
    assert lm.order(scores, 2) == [None, 0, 2]  # which costs no trial: k pool pipelines follow it
    assert [p for p, _ in lm.candidates(scores, 3)] == [OZ, POOL[0], POOL[2], POOL[1]]
    lm.save(tmp_path / "r")
    again = RankerLM.load(tmp_path / "r")
    assert torch.equal(again.rows, rows) and again.order(scores, 2) == [None, 0, 2]
    (tmp_path / "r" / "neighbours.safetensors").unlink()
    with pytest.raises(ValueError, match="neighbours=6 needs"):
        RankerLM.load(tmp_path / "r")
