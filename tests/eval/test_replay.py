"""passlm eval --replay: a recorded evaluation reproduces, and any number
changed in the record (or in the suite) is found."""
from __future__ import annotations

import json
import shutil

from passlm.eval.replay import compare

# Random, so that only the per-module seeding makes it reproducible.
RANDOM_ENGINE = """
    pool = ["default<Oz>", "default<O1>", "mem2reg,gvn,simplifycfg", "mem2reg,loop(licm)", "default<O2>"]
    return random.sample(pool, k)
"""


def record(eval_command, python_engine, tiny_suite, tmp_path, *extra):
    suite = tmp_path / "suite"
    shutil.copytree(tiny_suite, suite)
    python_engine(RANDOM_ENGINE)  # tmp_path/engine.py, named relatively below
    done = eval_command("suite", "--engine", "python:engine.py:predict", "-k", "3", "--seed", "11",
                        "-o", "e.json", *extra, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return tmp_path / "e.json", suite


def test_replay_reproduces(eval_command, python_engine, tiny_suite, tmp_path):
    recorded, _ = record(eval_command, python_engine, tiny_suite, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = eval_command("--replay", recorded, "-o", "again.json", cwd=elsewhere)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert "every number reproduces" in done.stdout
    again = json.loads((elsewhere / "again.json").read_text())
    first = json.loads(recorded.read_text())
    assert [[c["pipeline"] for c in r["candidates"]] for r in again["modules"]] == \
        [[c["pipeline"] for c in r["candidates"]] for r in first["modules"]]


def test_replay_detects_a_tampered_record(eval_command, python_engine, tiny_suite, tmp_path):
    recorded, _ = record(eval_command, python_engine, tiny_suite, tmp_path)
    doc = json.loads(recorded.read_text())
    doc["modules"][0]["Oz"]["object_size"] += 1
    doc["modules"][1]["candidates"][0]["pipeline"] = "default<O3>"
    doc["aggregates"]["columns"]["best_of_k_guarded"]["geomean"] += 0.001
    doc["manifest"]["settings"]["k"] = 3  # unchanged: not a difference
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(doc))
    done = eval_command("--replay", tampered)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    out = done.stdout
    first, second = doc["modules"][0]["name"], doc["modules"][1]["name"]
    assert f"modules[{first}].Oz.object_size: recorded {doc['modules'][0]['Oz']['object_size']}" in out
    assert f"modules[{second}].candidates[0].pipeline: recorded 'default<O3>'" in out
    assert "aggregates.columns.best_of_k_guarded.geomean" in out
    assert "3 of" in out and "numbers differ" in out


def test_replay_detects_a_changed_suite(eval_command, python_engine, tiny_suite, tmp_path):
    recorded, suite = record(eval_command, python_engine, tiny_suite, tmp_path)
    (suite / "gamma.ll").write_text((tiny_suite / "alpha.ll").read_text())
    done = eval_command("--replay", recorded)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "manifest.suite.modules[2]" in done.stdout
    assert "modules[gamma.ll].hash" in done.stdout


def test_replay_with_a_store(eval_command, python_engine, tiny_suite, tmp_path):
    import passlm
    from passlm.store import Evaluation, Store

    m = passlm.Module.from_file(str(tiny_suite / "beta.ll"))
    with Store(tmp_path / "tuned.db") as store:  # the reference is a screened winner, against -Oz's own
        store.record_evaluation(Evaluation(m.hash, "default<Oz>", "ok", 1, 120))
        for pipeline in ("x", "y"):
            store.record_screening(pipeline, "pass", "{}", passlm.LLVM_VERSION)
        store.record_evaluation(Evaluation(m.hash, "x", "ok", 1, 100))
    recorded, _ = record(eval_command, python_engine, tiny_suite, tmp_path, "--tuned", "tuned.db")
    assert json.loads(recorded.read_text())["modules"][1]["tuned"]["object_size"] == 100
    done = eval_command("--replay", recorded)
    assert done.returncode == 0, (done.stdout, done.stderr)
    with Store(tmp_path / "tuned.db") as store:
        store.record_evaluation(Evaluation(m.hash, "y", "ok", 1, 90))
    done = eval_command("--replay", recorded)
    assert done.returncode == 1
    assert "modules[beta.ll].tuned.object_size: recorded 100, now 90" in done.stdout


def test_compare_ignores_times_and_messages():
    row = {"name": "a", "prediction": {"status": "ok", "latency_s": 0.1, "detail": None},
           "top1": {"object_size": 10, "detail": "worker died (exit code None)"}}
    doc = {"manifest": {"llvm_version": "19", "engine": {"model_hash": None}, "settings": {"k": 1, "seed": 0},
                        "suite": {"modules": ["h"]}, "seconds": 1.0},
           "modules": [row], "aggregates": {"columns": {"top1": {"geomean": 0.1}}, "latency": {"mean_s": 0.1}}}
    other = json.loads(json.dumps(doc))
    other["modules"][0]["prediction"]["latency_s"] = 9.0
    other["modules"][0]["top1"]["detail"] = "worker died (exit code -6)"
    other["aggregates"]["latency"]["mean_s"] = 9.0
    other["aggregates"]["columns"]["top1"]["geomean"] = 0.1 + 1e-16
    other["manifest"]["seconds"] = 5.0
    assert compare(doc, other)[0] == []
    other["modules"][0]["top1"]["object_size"] = 11
    other["manifest"]["llvm_version"] = "20"
    differences, count = compare(doc, other)
    assert differences == ["manifest.llvm_version: recorded '19', now '20'",
                           "modules[a].top1.object_size: recorded 10, now 11"]
    assert count == 9
