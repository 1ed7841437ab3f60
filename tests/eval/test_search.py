"""passlm eval --search N: the column of what the plugin's search=N keeps, its
aggregate, and its replay."""
from __future__ import annotations

import json

from passlm.eval.aggregate import is_ok

ENGINE = "fixed:function(instcombine<no-verify-fixpoint>),default<Oz>|default<O1>|function(sroa),globalopt"


def test_search_column_is_never_larger_than_the_guard_and_replays(tiny_suite, tmp_path, eval_command):
    out = tmp_path / "e.json"
    done = eval_command(tiny_suite, "--engine", ENGINE, "-k", "3", "--search", "4", "-o", out)
    assert done.returncode == 0, done.stderr
    assert "search=4" in done.stdout and "guarded + search" in done.stdout
    doc = json.loads(out.read_text())
    assert doc["manifest"]["settings"]["search"] == 4
    for row in doc["modules"]:
        searched, guarded = row["searched"], row["best_of_k_guarded"]
        assert is_ok(searched) and searched["object_size"] <= guarded["object_size"], row["name"]
        stats = searched["search"]
        assert stats["trials"] == 4 or stats["exhausted"]
        assert (searched["kept"] == "search") == (stats["improvements"] > 0)
        if searched["kept"] != "search":
            assert searched["pipeline"] == guarded["pipeline"]
    column = doc["aggregates"]["columns"]["searched"]
    assert column["ok"] == 3
    assert column["geomean"] >= doc["aggregates"]["columns"]["best_of_k_guarded"]["geomean"]
    replayed = eval_command("--replay", out)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "every number reproduces" in replayed.stdout


def test_without_search_the_record_has_no_search(tiny_suite, eval_command):
    done = eval_command(tiny_suite, "--engine", ENGINE, "-k", "3", "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert "search" not in doc["manifest"]["settings"]
    assert all("searched" not in row for row in doc["modules"]) and "searched" not in doc["aggregates"]["columns"]


def test_bad_search_values_are_usage_errors(tiny_suite, tmp_path, eval_command):
    done = eval_command(tiny_suite, "--engine", ENGINE, "--search", "-1")
    assert done.returncode == 2 and "must be at least 0" in done.stderr
    replay = eval_command("--replay", tmp_path / "missing.json", "--search", "4")
    assert replay.returncode == 2 and "drop --search" in replay.stderr
