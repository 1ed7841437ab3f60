"""passlm eval end to end, as a user runs it: figures against a hand
computation, the JSON document, failing engines, store suites, the report and
the error paths."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import passlm
from passlm.store import Evaluation, Provenance, Store

from passlm.defaults import OZ
TOP1, SECOND = "mem2reg,gvn,simplifycfg", "default<O1>"  # on the tiny suite: larger, smaller, larger than -Oz
ENGINE = f"fixed:{TOP1}|{SECOND}"
COLUMNS = ("O0", "Oz", "top1", "top1_guarded", "best_of_k", "best_of_k_guarded", "tuned")
RESULT_KEYS = {"pipeline", "status", "instructions", "object_size", "detail"}
ROW_KEYS = {"name", "hash", "group", "source", "prediction", "candidates", *COLUMNS}
MANIFEST_KEYS = {"passlm_version", "git_commit", "llvm_version", "engine", "settings", "suite", "tuned", "machine",
                 "command", "started", "finished", "seconds"}
AGGREGATE_KEYS = {"label", "modules", "ok", "by_status", "geomean", "total", "wins", "ties", "losses",
                  "instructions_geomean", "tuned_modules", "fraction_of_tuned"}


def ok(done):
    assert done.returncode == 0, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def user_error(done, *expected):
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    assert any(line.startswith("passlm: error: ") for line in done.stderr.splitlines()), done.stderr
    for text in expected:
        assert text in done.stderr, (text, done.stderr)


def geomean_improvement(sizes, oz):
    """1 - geomean(size / -Oz), computed the long way."""
    product = 1.0
    for s, o in zip(sizes, oz):
        product *= s / o
    return 1.0 - product ** (1.0 / len(sizes))


def make_store(path: Path, suite: Path, splits: dict, tuned_factor: dict) -> dict:
    """A store holding the suite's modules (package = file stem); tuned results for some."""
    hashes = {}
    with Store(path) as store:
        for ll in sorted(suite.glob("*.ll")):
            m = passlm.Module.from_file(str(ll))
            hashes[ll.stem] = m.hash
            store.add_module(m.hash, m.to_bitcode(), Provenance(source=f"src/{ll.stem}.c", origin="files",
                                                                 llvm_version=passlm.LLVM_VERSION, package=ll.stem),
                             instructions=m.instruction_count)
            if ll.stem in splits:
                store.set_split(m.hash, splits[ll.stem])
            if ll.stem in tuned_factor:
                instructions, oz = m.evaluate(OZ)
                store.record_evaluation(Evaluation(m.hash, OZ, "ok", instructions, oz))
                store.record_evaluation(Evaluation(m.hash, "tuned,pipeline", "ok", instructions - 1,
                                                   int(oz * tuned_factor[ll.stem])))
                store.record_evaluation(Evaluation(m.hash, "bad", "crash"))
                # Smaller still, but not a reference: never screened, rejected, nondeterministic.
                for pipeline, factor in (("unscreened", 0.5), ("rejected", 0.6), ("gvn-sink", 0.7)):
                    store.record_evaluation(Evaluation(m.hash, pipeline, "ok", 1, int(oz * factor)))
        store.record_screening("tuned,pipeline", "pass", "{}", passlm.LLVM_VERSION)
        store.record_screening("rejected", "reject", "{}", passlm.LLVM_VERSION)
        store.record_screening("gvn-sink", "pass", "{}", passlm.LLVM_VERSION)
    return hashes


def test_aggregates_match_a_hand_computation(tiny_suite, tmp_path, eval_command):
    tuned_factor = {"alpha": 0.9, "beta": 0.95}  # gamma: no autotuner result
    make_store(tmp_path / "tuned.db", tiny_suite, {}, tuned_factor)
    out = tmp_path / "e.json"
    done = ok(eval_command(tiny_suite, "--engine", ENGINE, "-k", "2", "--tuned", tmp_path / "tuned.db",
                           "-o", out))
    doc = json.loads(out.read_text())

    names = ["alpha", "beta", "gamma"]
    modules = {n: passlm.Module.from_file(str(tiny_suite / f"{n}.ll")) for n in names}
    oz = [modules[n].evaluate(OZ)[1] for n in names]
    top1 = [modules[n].evaluate(TOP1)[1] for n in names]
    second = [modules[n].evaluate(SECOND)[1] for n in names]
    o0 = [modules[n].evaluate("")[1] for n in names]
    best = [min(a, b) for a, b in zip(top1, second)]
    assert len({s < o for s, o in zip(top1, oz)}) == 2, "the tiny suite should have top-1 wins and losses"
    expected = {
        "O0": o0,
        "top1": top1,
        "top1_guarded": [min(a, o) for a, o in zip(top1, oz)],
        "best_of_k": best,
        "best_of_k_guarded": [min(b, o) for b, o in zip(best, oz)],
    }
    rows = {r["name"]: r for r in doc["modules"]}
    assert list(rows) == [f"{n}.ll" for n in names]
    for i, n in enumerate(names):
        row = rows[f"{n}.ll"]
        assert row["Oz"]["object_size"] == oz[i]
        assert [c["pipeline"] for c in row["candidates"]] == [TOP1, SECOND]
        for column, sizes in expected.items():
            assert row[column]["object_size"] == sizes[i], (n, column)
        assert row["best_of_k"]["rank"] == (1 if top1[i] <= second[i] else 2)
    assert rows["gamma.ll"]["tuned"] is None
    assert rows["alpha.ll"]["tuned"]["object_size"] == int(oz[0] * 0.9)
    assert rows["alpha.ll"]["tuned"]["pipeline"] == "tuned,pipeline"

    columns = doc["aggregates"]["columns"]
    for column, sizes in expected.items():
        a = columns[column]
        assert a["ok"] == a["modules"] == 3
        assert a["geomean"] == pytest.approx(geomean_improvement(sizes, oz), abs=1e-12), column
        assert a["total"] == pytest.approx(1 - sum(sizes) / sum(oz), abs=1e-12), column
        assert (a["wins"], a["ties"], a["losses"]) == (
            sum(s < o for s, o in zip(sizes, oz)), sum(s == o for s, o in zip(sizes, oz)),
            sum(s > o for s, o in zip(sizes, oz)))
    tuned = [int(o * f) for o, f in zip(oz, tuned_factor.values())]
    assert columns["tuned"]["ok"] == 2 and columns["tuned"]["by_status"] == {"missing": 1, "ok": 2}
    assert columns["tuned"]["geomean"] == pytest.approx(geomean_improvement(tuned, oz[:2]), abs=1e-12)
    # The fraction of the autotuner's improvement, on the two modules it has.
    guarded = expected["best_of_k_guarded"][:2]
    assert columns["best_of_k_guarded"]["tuned_modules"] == 2
    assert columns["best_of_k_guarded"]["fraction_of_tuned"] == pytest.approx(
        geomean_improvement(guarded, oz[:2]) / geomean_improvement(tuned, oz[:2]), abs=1e-12)
    assert columns["tuned"]["fraction_of_tuned"] == pytest.approx(1.0)

    # The terminal table: one row per module, one line per aggregate column.
    lines = done.stdout.splitlines()
    assert any(line.startswith("alpha.ll ") and f" {oz[0]} " in line for line in lines), done.stdout
    headline = next(line for line in lines if line.startswith("best-of-k guarded "))
    assert f"{columns['best_of_k_guarded']['geomean'] * 100:+.2f}%" in headline
    assert "2/3" in next(line for line in lines if line.startswith("autotuner "))


def test_a_candidate_that_is_oz_is_no_trial_so_k_others_follow_it(tiny_suite, tmp_path, eval_command):
    out = tmp_path / "e.json"
    ok(eval_command(tiny_suite, "--engine", f"fixed:{OZ}|{TOP1}|{SECOND}", "-k", "2", "-o", out))
    for row in json.loads(out.read_text())["modules"]:
        assert [c["pipeline"] for c in row["candidates"]] == [OZ, TOP1, SECOND]  # 2 trials, as the plugin measures
        assert row["top1"]["object_size"] == row["Oz"]["object_size"]
        sizes = [row["Oz"]["object_size"]] + [c["object_size"] for c in row["candidates"][1:]]
        assert row["best_of_k_guarded"]["object_size"] == min(sizes)


def test_json_is_complete(tiny_suite, tmp_path, eval_command):
    out = tmp_path / "sub" / "e.json"
    ok(eval_command(tiny_suite, "--engine", ENGINE, "-k", "2", "--seed", "7", "-o", out))
    doc = json.loads(out.read_text())
    assert doc["format"] == "passlm-eval" and doc["version"] == 1
    m = doc["manifest"]
    assert set(m) == MANIFEST_KEYS
    assert m["passlm_version"] == passlm.__version__ and m["llvm_version"] == passlm.LLVM_VERSION
    assert m["git_commit"] is None or len(m["git_commit"]) == 40
    assert m["engine"] == {"spec": ENGINE, "resolved": ENGINE, "model_hash": None}
    assert m["settings"] == {"k": 2, "seed": 7, "jobs": 2, "timeout": 60.0}
    assert m["suite"]["kind"] == "dir" and m["suite"]["resolved"] == str(tiny_suite.resolve())
    assert m["suite"]["modules"] == [r["hash"] for r in doc["modules"]] and len(doc["modules"]) == 3
    assert m["tuned"] is None
    assert {"platform", "cpu_count"} <= set(m["machine"]) and m["machine"]["cpu_count"] >= 1
    assert m["started"] <= m["finished"] and m["seconds"] > 0
    for row in doc["modules"]:
        assert set(row) == ROW_KEYS, row["name"]
        for column in COLUMNS[:-1]:
            assert RESULT_KEYS <= set(row[column]), (row["name"], column)
        assert row["top1_guarded"]["kept"] in ("candidate", "-Oz")
        assert "rank" in row["best_of_k"]
        assert set(row["prediction"]) == {"status", "detail", "latency_s", "candidates", "condensed"}
        assert row["prediction"]["latency_s"] >= 0
        for c in row["candidates"]:
            assert set(c) == {"rank", "pipeline", "score", *RESULT_KEYS - {"pipeline"}}
        assert row["O0"]["pipeline"] == "" and row["Oz"]["pipeline"] == OZ
        assert row["hash"] == passlm.Module.from_file(row["source"]).hash
    a = doc["aggregates"]
    assert set(a) == {"modules", "usable_modules", "excluded", "columns", "predictions", "candidates", "latency",
                      "condensed"}
    assert set(a["columns"]) == set(COLUMNS) - {"Oz"}
    for column in a["columns"].values():
        assert set(column) == AGGREGATE_KEYS
    assert a["candidates"] == {"evaluated": 6, "by_status": {"ok": 6}}


def test_model_hash_of_an_engine_file(tiny_suite, tmp_path, eval_command, python_engine):
    import hashlib

    spec = python_engine("return ['default<Oz>']")
    out = tmp_path / "e.json"
    ok(eval_command(tiny_suite, "--engine", spec, "-k", "1", "-o", out))
    engine = json.loads(out.read_text())["manifest"]["engine"]
    path = spec.split(":")[1]
    assert engine["model_hash"] == hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_model_hash_of_a_folder_counts_files_not_docs(tmp_path):
    from passlm.engine.identity import model_hash

    (tmp_path / "model.safetensors").write_bytes(b"weights")
    (tmp_path / "config.json").write_text("{}")
    first = model_hash(f"model:{tmp_path}")
    (tmp_path / "MODEL_CARD.md").write_text("results: ...")
    assert model_hash(f"model:{tmp_path}") == first
    (tmp_path / "model.safetensors").write_bytes(b"other weights")
    assert model_hash(f"model:{tmp_path}") != first
    assert model_hash("model:default") is not None and model_hash("fixed:default<Oz>") is None


def test_failed_predictions_are_failures_not_oz(tiny_suite, tmp_path, eval_command, python_engine):
    # alpha: a pipeline that kills LLVM, then garbage; beta: the engine raises;
    # gamma: a crash first, then a pipeline that works.
    spec = python_engine("""
        if facts.name.endswith("alpha.ll"):
            return ["mem2reg,loop(licm)", "not a pass!"]
        if facts.name.endswith("beta.ll"):
            raise RuntimeError("the model fell over")
        return ["mem2reg,loop(licm)", "default<O1>"]
    """)
    out = tmp_path / "e.json"
    done = ok(eval_command(tiny_suite, "--engine", spec, "-k", "2", "-o", out))
    doc = json.loads(out.read_text())
    rows = {r["name"]: r for r in doc["modules"]}
    alpha, beta, gamma = rows["alpha.ll"], rows["beta.ll"], rows["gamma.ll"]

    assert [c["status"] for c in alpha["candidates"]] == ["crash", "invalid"]
    assert "LICM requires MemorySSA" in alpha["candidates"][0]["detail"]
    assert alpha["top1"]["status"] == "crash" and alpha["top1"]["object_size"] is None
    assert alpha["best_of_k"]["status"] == "no-ok-candidate" and alpha["best_of_k"]["object_size"] is None
    assert alpha["best_of_k_guarded"]["object_size"] == alpha["Oz"]["object_size"]
    assert alpha["best_of_k_guarded"]["kept"] == "-Oz"

    assert beta["prediction"]["status"] == "engine-error"
    assert "the model fell over" in beta["prediction"]["detail"]
    assert beta["candidates"] == [] and beta["top1"]["status"] == "engine-error"
    assert beta["top1"]["object_size"] is None and beta["best_of_k"]["status"] == "engine-error"

    assert gamma["top1"]["status"] == "crash"
    assert gamma["best_of_k"]["status"] == "ok" and gamma["best_of_k"]["rank"] == 2
    assert gamma["best_of_k"]["pipeline"] == "default<O1>"

    columns = doc["aggregates"]["columns"]
    top1 = columns["top1"]
    assert (top1["ok"], top1["modules"], top1["geomean"]) == (0, 3, None)
    assert top1["by_status"] == {"crash": 2, "engine-error": 1}
    assert columns["top1_guarded"]["ok"] == 3 and columns["top1_guarded"]["geomean"] == 0.0
    assert columns["top1_guarded"]["ties"] == 3
    assert columns["best_of_k"]["ok"] == 1
    assert columns["best_of_k"]["by_status"] == {"engine-error": 1, "no-ok-candidate": 1, "ok": 1}
    assert doc["aggregates"]["candidates"]["by_status"] == {"crash": 2, "invalid": 1, "ok": 1}
    assert doc["aggregates"]["predictions"] == {"engine-error": 1, "ok": 2}

    row = next(line for line in done.stdout.splitlines() if line.startswith("alpha.ll "))
    assert "crash" in row and "no-ok-candidate" in row
    top1_line = next(line for line in done.stdout.splitlines() if line.startswith("top-1 "))
    assert "0/3" in top1_line and "crash 2" in top1_line and "engine-error 1" in top1_line


def test_engine_with_no_candidates(tiny_suite, eval_command, python_engine, tmp_path):
    out = tmp_path / "e.json"
    ok(eval_command(tiny_suite, "--engine", python_engine("return []"), "-o", out))
    doc = json.loads(out.read_text())
    assert {r["top1"]["status"] for r in doc["modules"]} == {"no-candidates"}
    assert doc["aggregates"]["columns"]["best_of_k"]["by_status"] == {"no-candidates": 3}


def test_store_split_suite(tiny_suite, tmp_path, eval_command):
    db = tmp_path / "corpus.db"
    hashes = make_store(db, tiny_suite, {"alpha": "test", "gamma": "test", "beta": "train"}, {"gamma": 0.9})
    out = tmp_path / "e.json"
    done = ok(eval_command(f"{db}:test", "--engine", ENGINE, "-k", "2", "--tuned", db, "-o", out,
                           "--report", tmp_path / "report"))
    doc = json.loads(out.read_text())
    assert [r["hash"] for r in doc["modules"]] == [hashes["alpha"], hashes["gamma"]]
    assert [r["name"] for r in doc["modules"]] == ["src/alpha.c", "src/gamma.c"]
    assert [r["group"] for r in doc["modules"]] == ["alpha", "gamma"]
    assert doc["manifest"]["suite"]["kind"] == "store"
    assert doc["manifest"]["suite"]["resolved"] == f"{db.resolve()}:test"
    gamma = doc["modules"][1]
    assert gamma["tuned"]["pipeline"] == "tuned,pipeline"
    assert gamma["tuned"]["oz_object_size"] == gamma["Oz"]["object_size"]
    assert doc["modules"][0]["tuned"] is None
    assert "store split" in done.stdout
    assert "by package" in (tmp_path / "report" / "report.md").read_text()


def test_report_has_markdown_and_plots(tiny_suite, tmp_path, eval_command, python_engine):
    spec = python_engine("return ['mem2reg,loop(licm)', 'default<O1>'][:k]")
    report = tmp_path / "report"
    done = ok(eval_command(tiny_suite, "--engine", spec, "-k", "2", "--report", report,
                           "-o", tmp_path / "e.json"))
    assert f"wrote {report / 'report.md'}" in done.stdout
    text = (report / "report.md").read_text()
    for name in ("improvement_hist.png", "groups.png", "aggregates.png"):
        data = (report / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 5000, name
        assert f"]({name})" in text
    for heading in ("## Improvement over -Oz", "## Per module", "## Pipelines", "## Failed predictions",
                    "## Reproduce", "by file"):
        assert heading in text
    assert "LICM requires MemorySSA" in text
    assert f"passlm eval --replay {tmp_path / 'e.json'}" in text


@pytest.mark.parametrize("args,message", [
    (["/nonexistent/suite"], "no such suite"),
    (["/nonexistent/corpus.db:test"], "no such suite"),
    (["{suite}", "--engine", "magic:x"], "unknown engine 'magic'"),
    (["{suite}", "--engine", "fixed:"], "at least one pipeline"),
    (["{suite}", "--tuned", "/nonexistent/t.db"], "no such store"),
    (["{tmp}"], "no modules in this directory"),
    (["{tmp}/empty.db:test"], "no modules in split 'test'"),
    (["{tmp}/notes.txt"], "not a suite"),
    (["{tmp}/notes.txt:test"], "not a passlm store"),
    (["--replay", "/nonexistent/e.json"], "/nonexistent/e.json: no such evaluation file"),
    (["--replay", "{tmp}/notes.txt"], "not JSON"),
    (["--replay", "{tmp}/other.json"], "not a passlm evaluation"),
])
def test_user_errors(args, message, tiny_suite, tmp_path, eval_command):
    Store(tmp_path / "empty.db").close()
    (tmp_path / "notes.txt").write_text("not a store\n")
    (tmp_path / "other.json").write_text('{"format": "passlm-table"}\n')
    args = [a.format(suite=tiny_suite, tmp=tmp_path) for a in args]
    user_error(eval_command(*args), message)


@pytest.mark.parametrize("args,message", [
    ([], "SUITE"),
    (["{suite}", "-k", "0"], "at least 1"),
    (["{suite}", "--replay", "{tmp}/other.json"], "drop SUITE"),
    (["{suite}", "--task", "disasm", "--perplexity"], "needs --engine"),
])
def test_usage_errors_exit_2(args, message, tiny_suite, tmp_path, eval_command):
    args = [a.format(suite=tiny_suite, tmp=tmp_path) for a in args]
    done = eval_command(*args, "-o", tmp_path / "never.json")
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and message in done.stderr
    assert not (tmp_path / "never.json").exists()


def test_bad_module_is_a_user_error(tmp_path, eval_command):
    (tmp_path / "bad.ll").write_text("define i32 @f( {\n")
    user_error(eval_command(tmp_path), "bad.ll")


def test_one_file_suite_and_relative_paths(tiny_suite, tmp_path, eval_command, python_engine):
    python_engine("return ['default<O1>']")  # tmp_path/engine.py
    (tmp_path / "alpha.ll").write_text((tiny_suite / "alpha.ll").read_text())
    done = ok(eval_command("alpha.ll", "--engine", "python:engine.py:predict", "-o", "e.json", cwd=tmp_path))
    assert "wrote e.json" in done.stdout
    doc = json.loads((tmp_path / "e.json").read_text())
    m = doc["manifest"]
    assert m["suite"]["kind"] == "file" and len(doc["modules"]) == 1
    assert m["suite"]["resolved"] == str(tmp_path.resolve() / "alpha.ll")
    assert m["engine"]["spec"] == "python:engine.py:predict"
    assert m["engine"]["resolved"] == f"python:{tmp_path.resolve() / 'engine.py'}:predict"
    row = doc["modules"][0]
    assert math.isclose(doc["aggregates"]["columns"]["top1"]["geomean"],
                        1 - row["top1"]["object_size"] / row["Oz"]["object_size"])


def test_register_adds_eval_to_passlms_parser(capsys, tmp_path):
    from passlm import cli

    assert cli.main(["eval", str(tmp_path / "missing")]) == 1
    assert capsys.readouterr().err.startswith("passlm: error: ")
    assert cli.main(["eval", "--help"]) == 0
    assert "DB:SPLIT" in capsys.readouterr().out
