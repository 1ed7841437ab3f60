"""Training a RankerLM on matrix rows: a real tiny run, its files, figures, resume, errors."""
from __future__ import annotations

import json
import math

import pytest

from conftest import TINY_PIPELINES
from passlm.defaults import OZ
from passlm.engine.coreset import Coreset
from passlm.model.ranker import RankerConfig, RankerLM
from passlm.train.rank_loop import RankTrainConfig, split_by_package, train_ranker, validate
from passlm.store import Store

POOL = [p for p in TINY_PIPELINES if p != OZ]


def tiny_config(tiny_corpus, tmp_path, epochs=2, **kw):
    pool = tmp_path / "pool.json"
    Coreset(tuple(POOL)).save(pool)
    model = RankerConfig(hidden=32, layers=1, heads=2, intermediate=64, context=256)
    return RankTrainConfig(db=str(tiny_corpus), pool=str(pool), model=model, vocab_size=400, epochs=epochs,
                           batch_size=4, learning_rate=3e-3, warmup_steps=2, validation_packages=0.25, **kw)


def test_a_tiny_ranker_trains_validates_and_loads(tiny_corpus, tmp_path):
    from passlm.engine import make_engine

    out = tmp_path / "r"
    history = train_ranker(tiny_config(tiny_corpus, tmp_path), out)
    assert [h["epoch"] for h in history] == [1, 2]
    assert history[-1]["loss"] < history[0]["loss"]
    last = history[-1]
    assert last["validation_modules"] == 2  # 2 of the 9 training packages
    for key in ("top1", "best_of_4", "best_of_16", "oracle", "coreset_4", "summary_neighbours_4", "margin",
                "neighbours"):
        assert key in last
    for key in ("best_of_4", "summary_neighbours_4", "summary_neighbours_16"):
        assert 0 <= last[key] <= last["oracle"] + 1e-12  # no chooser beats the oracle of its pool (nor loses: guarded)
    assert last["best_of_4"] >= last["best_of_4_predicted_order"]  # neighbours chosen on best of 4 (0 among them)
    names = {p.name for p in out.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "passlm.json", "train_config.json",
            "history.jsonl", "checkpoint", "neighbours.safetensors"} <= names
    meta = json.loads((out / "passlm.json").read_text())
    assert meta["format"] == "passlm-ranker" and meta["config"]["pool"] == POOL
    assert meta["config"]["margin"] == last["margin"] and meta["config"]["neighbours"] == last["neighbours"]
    engine = make_engine(f"model:{out}")
    answer = engine.predict(_some_ir(tiny_corpus), 3)
    assert len([c for c in answer if c.pipeline != OZ]) == 3 and all(c.pipeline in POOL + [OZ] for c in answer)


def _some_ir(db):
    with Store(db) as store:
        return store.load_module(store.module_hashes(split="test")[0]).to_text()


def test_resume_and_a_changed_configuration_is_refused(tiny_corpus, tmp_path):
    out = tmp_path / "r"
    train_ranker(tiny_config(tiny_corpus, tmp_path, epochs=1), out)
    state = json.loads((out / "checkpoint" / "state.json").read_text())
    assert state["epoch"] == 1
    history = train_ranker(tiny_config(tiny_corpus, tmp_path, epochs=2), out)  # one more epoch
    assert [h["epoch"] for h in history] == [1, 2]
    with pytest.raises(ValueError, match="another configuration"):
        train_ranker(tiny_config(tiny_corpus, tmp_path, epochs=2, temperature=0.5), out)


def test_validation_takes_whole_packages_never_the_held_out_split(tiny_corpus):
    with Store(tiny_corpus) as store:
        modules = store.module_hashes(split="train")
        train, validation = split_by_package(store, modules, 0.25, seed=0)
        packages = {store.module_info(m)["package"] for m in validation}
        assert len(packages) == 2 and not packages & {store.module_info(m)["package"] for m in train}
        assert set(train) | set(validation) == set(modules)
        assert not set(validation) & set(store.module_hashes(split="test"))


def test_a_pool_nobody_measured_is_a_clear_error(tiny_corpus, tmp_path):
    pool = tmp_path / "other.json"
    Coreset(("function(gvn)",)).save(pool)
    config = tiny_config(tiny_corpus, tmp_path)
    config.pool = str(pool)
    with pytest.raises(ValueError, match="no 'train' module has a matrix row"):
        train_ranker(config, tmp_path / "r")


def test_passlm_train_task_rank(tiny_corpus, tmp_path, capsys):
    from passlm.cli import main

    pool = tmp_path / "pool.json"
    Coreset(tuple(POOL)).save(pool)
    out = tmp_path / "r"
    assert main(["train", "--task", "rank", "--db", str(tiny_corpus), "--pool", str(pool), "--out", str(out),
                 "--epochs", "1", "--hidden", "32", "--layers", "1", "--heads", "2", "--intermediate", "64",
                 "--context", "256", "--vocab-size", "400", "--batch-size", "4", "--validation-packages", "0.25"]) == 0
    assert "best_of_4=" in capsys.readouterr().out
    assert json.loads((out / "passlm.json").read_text())["format"] == "passlm-ranker"
    assert json.loads((out / "train_config.json").read_text())["validation_packages"] == 0.25
    assert main(["train", "--task", "rank", "--db", str(tiny_corpus), "--out", str(tmp_path / "x")]) == 2
    assert "needs --pool" in capsys.readouterr().err


def test_a_ranker_started_from_the_shipped_model_takes_its_shape_and_tokenizer(tiny_corpus, tmp_path):
    from pathlib import Path

    import passlm
    from passlm.model.ranker import RankerLM

    shipped = Path(passlm.__file__).parent / "models" / "default"
    out = tmp_path / "r"
    train_ranker(tiny_config(tiny_corpus, tmp_path, epochs=1, init_from=str(shipped)), out)
    lm = RankerLM.load(out)
    assert (lm.config.hidden, lm.config.layers, lm.config.intermediate) == (256, 4, 704)
    assert len(lm.tokenizer) == 4197  # the shipped model's tokenizer, not one trained on the tiny corpus
    assert RankTrainConfig.load(out).init_from == str(shipped)


class _FixedScores(RankerLM):
    """A ranker whose predictions are given: validation's choices without a network."""

    def __init__(self, scores: dict, config: RankerConfig):
        self.config, self.rows, self._scores = config, None, scores

    def scores_batch(self, batch):
        return [self._scores[ids[0]] for ids in batch]


@pytest.mark.parametrize("losses, margin", [(2, 1.0), (1, 0.0)])
def test_top1_leaves_oz_only_when_it_wins_three_modules_per_loss(losses, margin):
    # Predicted: pipeline 0 beats -Oz by 5 % everywhere. Measured: -10 % on 4 - losses modules, +1 % on the others:
    # a positive top-1 either way, but 2 wins per loss is not trusted (margin 1.0: -Oz), 3 per loss is.
    L = math.log
    rows = {f"m{i}": [L(1.01) if i < losses else L(0.9), 0.0] for i in range(4)}
    scores = {i: [L(0.95), 0.0] for i in range(4)}
    lm = _FixedScores(scores, RankerConfig(pool=["function(sroa)", "function(gvn)"]))
    encoded = {f"m{i}": [i] for i in range(4)}
    result = validate(lm, rows, encoded, dict(rows), {m: [1, 2] for m in rows})
    assert result["margin"] == margin and lm.config.margin == margin
    assert (result["top1_wins"], result["top1_losses"]) == ((0, 0) if margin == 1.0 else (3, 1))


def test_a_first_oz_takes_none_of_the_k_places_as_in_the_engine():
    # -Oz first everywhere (nothing wins 3 : 1); -Oz costs no trial, so best of 4 measures the 4 pipelines
    # predicted best after it, the 4th (the only one that gains on m0 and m1) included, as the plugin would.
    L = math.log
    rows = {f"m{i}": [L(1.01), L(1.02), L(1.03), L(0.8), 0.0] if i < 2 else [L(0.9), 0.0, 0.0, 0.0, 0.0]
            for i in range(4)}
    scores = {i: [L(0.95), L(0.96), L(0.97), L(0.98), 0.0] for i in range(4)}
    lm = _FixedScores(scores, RankerConfig(pool=[f"p{j}" for j in range(5)]))
    result = validate(lm, rows, {f"m{i}": [i] for i in range(4)}, dict(rows), {m: [1, 2] for m in rows})
    assert result["margin"] == 1.0 and lm.order(scores[0], 4) == [None, 0, 1, 2, 3]
    assert result["best_of_4_predicted_order"] == pytest.approx(1 - math.exp((2 * L(0.8) + 2 * L(0.9)) / 4))
