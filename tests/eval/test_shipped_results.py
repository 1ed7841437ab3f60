"""The shipped records: the README's "reproduce our numbers" command works on
this checkout, and every record follows from its own evaluations."""
import json
import sys
from pathlib import Path

import pytest

from passlm.engine import Candidate
from passlm.eval.replay import compare, load_recorded
from passlm.eval.aggregate import aggregate
from passlm.eval.run import FORMAT, Prediction, build_row
from passlm.eval.suite import SuiteModule
from passlm.store import Evaluation
from support import REPO, run

PIPELINE_RECORDS = sorted(p for p in (REPO / "results").glob("*.json")
                          if json.loads(p.read_text()).get("format") == FORMAT)


def test_shipped_record_replays():
    result = run([Path(sys.executable).with_name("passlm"), "eval", "--replay", "results/examples.json"],
                 cwd=REPO, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every number reproduces" in result.stdout


def rebuilt_document(recorded: dict) -> dict:
    """The record with every row made again by ``build_row`` from the row's own
    evaluations (-O0, -Oz, the candidates, the prediction, the autotuner's), and
    the aggregates from those rows: no corpus, no LLVM run, only the rules that
    turn evaluations into figures (the guard's decision among them)."""
    rows = []
    for row in recorded["modules"]:
        h = row["hash"]
        module = SuiteModule(name=row["name"], hash=h, bitcode=b"", group=row["group"], source=row["source"])
        p = row["prediction"]
        candidates = tuple(Candidate(c["pipeline"], c["score"]) for c in row["candidates"])
        prediction = Prediction(candidates, p["status"], p["detail"], p["latency_s"], p.get("condensed"))
        results = {}
        for r in (row["O0"], row["Oz"], *row["candidates"]):
            results.setdefault((h, r["pipeline"]), Evaluation(h, r["pipeline"], r["status"], r["instructions"],
                                                              r["object_size"], r["detail"]))
        rebuilt = build_row(module, prediction, results, row["tuned"])
        if "searched" in row:  # the search's own trials are measurements, kept as recorded (checked below)
            rebuilt["searched"] = row["searched"]
        rows.append(rebuilt)
    return {"manifest": recorded["manifest"], "modules": rows, "aggregates": aggregate(rows)}


@pytest.mark.parametrize("path", PIPELINE_RECORDS, ids=lambda p: p.name)
def test_shipped_records_follow_from_their_evaluations(path):
    """Every shipped record's rows (guarded columns included) and aggregates are
    what today's rules make of its evaluations: the decision the figures were
    made with is the one passlm (and the plugin) applies now."""
    recorded = load_recorded(path)
    rebuilt = rebuilt_document(recorded)
    differences, compared = compare(recorded, rebuilt)
    assert not differences, differences[:10]
    assert compared > 10 * len(recorded["modules"])
    for row in rebuilt["modules"]:  # the search starts from the guard's choice and keeps only what is smaller
        searched, guarded = row.get("searched"), row["best_of_k_guarded"]
        if searched and searched["status"] == "ok" and guarded["status"] == "ok":
            assert searched["object_size"] <= guarded["object_size"], row["name"]
