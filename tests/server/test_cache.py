"""The prediction cache: keys, persistence, stats and clear."""
from __future__ import annotations

from passlm.server.cache import PredictionCache, default_cache_path


def test_predictions_are_keyed_by_engine_text_and_k(tmp_path):
    path = tmp_path / "c.sqlite3"
    with PredictionCache(path) as cache:
        cache.put("model-a", "ir-1", 4, [{"pipeline": "default<Oz>", "score": -0.1}])
        assert cache.get("model-a", "ir-1", 4) == [{"pipeline": "default<Oz>", "score": -0.1}]
        assert cache.get("model-a", "ir-1", 1) is None
        assert cache.get("model-b", "ir-1", 4) is None
        assert cache.get("model-a", "ir-2", 4) is None
        cache.put_verdict("v", "function(sroa)", 100, 120)
    with PredictionCache(path) as cache:  # persisted
        assert cache.get("model-a", "ir-1", 4)[0]["pipeline"] == "default<Oz>"
        assert cache.get_verdict("v") == {"pipeline": "function(sroa)", "size": 100, "baseline": 120}
        stats = cache.stats()
        assert (stats["predictions"], stats["prediction_hits"], stats["verdicts"], stats["verdict_hits"]) == (1, 2, 1, 1)
        assert cache.clear()["predictions"] == 1
        assert cache.stats()["predictions"] == 0 and cache.get_verdict("v") is None


def test_default_path(monkeypatch, tmp_path):
    monkeypatch.delenv("PASSLM_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_path() == tmp_path / "passlm" / "cache.sqlite3"
    monkeypatch.setenv("PASSLM_CACHE", str(tmp_path / "mine.db"))
    assert default_cache_path() == tmp_path / "mine.db"


def test_cache_command(tmp_path, passlm_exe):
    import json
    import subprocess

    path = tmp_path / "c.sqlite3"
    run = lambda *args: subprocess.run([str(passlm_exe), "cache", *args, "--cache", str(path)],  # noqa: E731
                                       capture_output=True, text=True, check=True).stdout
    assert json.loads(run("stats", "--json"))["predictions"] == 0  # no file yet: nothing, and none made
    assert not path.exists()
    with PredictionCache(path) as cache:
        cache.put("e", "t", 4, [])
        cache.put_verdict("v", "p", 1, 2)
    assert "predictions: 1 (1 engines)" in run("stats")
    assert run("clear").startswith(f"cleared {path}: 1 predictions, 1 verdicts")
    assert json.loads(run("stats", "--json"))["verdicts"] == 0
