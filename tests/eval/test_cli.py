"""passlm eval's command line: --json prints the record on stdout, -o writes
it (whole or not at all), and the words move to stderr when stdout is JSON."""
from __future__ import annotations

import json

ENGINE = "fixed:mem2reg,gvn,simplifycfg|default<O1>"


def test_json_prints_the_record_and_nothing_else_on_stdout(tiny_suite, tmp_path, eval_command):
    done = eval_command(tiny_suite, "--engine", ENGINE, "-k", "2", "--json", "--report", tmp_path / "r")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["format"] == "passlm-eval" and len(doc["modules"]) == 3
    assert f"wrote {tmp_path / 'r' / 'report.md'}" in done.stderr
    assert doc["manifest"]["command"][:2] == ["passlm", "eval"] and "--json" in doc["manifest"]["command"]


def test_output_writes_the_record_and_prints_the_table(tiny_suite, tmp_path, eval_command):
    out = tmp_path / "deep" / "e.json"
    done = eval_command(tiny_suite, "--engine", ENGINE, "-k", "2", "-o", out)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(f"wrote {out}") and "best-of-k guarded" in done.stdout  # the table too
    doc = json.loads(out.read_text())
    assert doc["format"] == "passlm-eval"
    assert not list(out.parent.glob("*.partial"))
    both = eval_command(tiny_suite, "--engine", ENGINE, "-k", "2", "-o", tmp_path / "again.json", "--json")
    assert json.loads(both.stdout)["modules"] == json.loads((tmp_path / "again.json").read_text())["modules"]


def test_output_dash_is_stdout(tiny_suite, tmp_path, eval_command):
    done = eval_command(tiny_suite, "--engine", ENGINE, "-o", "-", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["format"] == "passlm-eval"
    assert list(tmp_path.iterdir()) == []  # no file named "-"


def test_replay_json_keeps_stdout_json(tiny_suite, tmp_path, eval_command):
    assert eval_command(tiny_suite, "--engine", ENGINE, "-o", tmp_path / "e.json").returncode == 0
    done = eval_command("--replay", tmp_path / "e.json", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["format"] == "passlm-eval"
    assert "every number reproduces" in done.stderr


def test_a_failed_evaluation_writes_nothing(tmp_path, eval_command):
    (tmp_path / "bad.ll").write_text("define i32 @f( {\n")
    done = eval_command(tmp_path, "-o", tmp_path / "out" / "e.json")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("passlm: error: ") and "bad.ll" in line
    assert not (tmp_path / "out").exists()
