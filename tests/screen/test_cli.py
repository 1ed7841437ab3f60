"""passlm screen: one line per pipeline, exit status 0 or 1, --json, and errors by passlm.command's rules."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from passlm.cli import main
from screen.conftest import REPO


def run_cli(*args: str, env_extra=None) -> subprocess.CompletedProcess:
    """``passlm screen ARGS`` in a child process, as a user runs it."""
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "passlm", "screen", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_cli_exit_status_and_lines(screen_cache, tmp_path):
    db = tmp_path / "cli.db"
    crc = str(REPO / "examples" / "crc32.c")
    env = {"PASSLM_SCREEN_CACHE": str(screen_cache)}
    done = run_cli("default<Oz>", "instcombine,simplifycfg", "--csmith", "0", "--programs", crc, "--db", str(db),
                   env_extra=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [["pass", "default<Oz>"], ["pass", "instcombine,simplifycfg"]]

    done = run_cli("default<Oz>", "licm(", "mem2reg,loop(licm)", "--csmith", "0", "--programs", crc,
                   "--db", str(db), env_extra=env)
    assert done.returncode == 1
    assert done.stderr == ""  # a reject is an answer, not an error: no traceback
    lines = done.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("pass    default<Oz>") and lines[0].endswith("(cached)")
    assert lines[1].startswith("reject  licm(  invalid-pipeline: invalid pipeline 'licm('")
    assert lines[2].startswith("reject  mem2reg,loop(licm)  crc32: compiler-crash: LICM requires MemorySSA")


def test_cli_json_and_errors(screen_cache, tmp_path, capsys):
    crc = str(REPO / "examples" / "crc32.c")
    assert main(["screen", "nosuchpass", "default<Oz>", "--csmith", "0", "--programs", crc, "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert [(r["pipeline"], r["status"], r["reason"]) for r in rows] == [
        ("nosuchpass", "reject", "invalid-pipeline"), ("default<Oz>", "pass", None)]
    assert rows[1]["programs"][0]["program"] == "crc32"
    # A missing program or plugin is a user error (exit 1, one message), not a reject.
    assert main(["screen", "default<Oz>", "--csmith", "0", "--programs", str(tmp_path / "nope.c")]) == 1
    assert "nope" in capsys.readouterr().err
    assert main(["screen", "default<Oz>", "--csmith", "0", "--plugin", str(tmp_path / "nope.so")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("passlm: error:") and "nope.so" in err


def test_register_adds_the_screen_command():
    import argparse

    parser = argparse.ArgumentParser()
    from passlm.screen.cli import cmd_screen, register

    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["screen", "default<Oz>", "gvn", "--db", "x.db", "--csmith", "3", "--json"])
    assert (args.pipelines, args.db, args.csmith, args.json, args.jobs) == (["default<Oz>", "gvn"], "x.db", 3, True, 2)
    assert args.func is cmd_screen


def test_cli_usage_errors_exit_2(capsys):
    for args, message in ((["--csmith", "-1"], "--csmith takes a count >= 0, not -1"),
                          (["-j", "0"], "must be at least 1, not 0"),
                          (["--timeout", "0"], "--timeout must be positive, not 0")):
        assert main(["screen", "default<Oz>", "--programs", str(REPO / "examples" / "crc32.c"), *args]) == 2
        assert message in capsys.readouterr().err
