"""``passlm coreset``: its file, its table, its options and its errors (exit 1 and 2)."""
from __future__ import annotations

import argparse

import pytest

from coreset_stores import A, B, C, CHEAP, DEAR, E, geomean_improvement, store, timed_store  # noqa: F401 (store: a fixture)
from passlm import cli
from passlm.engine.coreset import Coreset
from passlm.engine.coreset_cli import register


def main(argv):
    return cli.main(["coreset", *argv])


def test_command_writes_the_file_and_prints_the_table(store, tmp_path, capsys):
    out = tmp_path / "out" / "coreset.json"
    assert main(["--db", str(store.path), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    assert lines[0].split() == ["step", "improvement", "wins", "pipeline"]
    assert lines[1].split() == ["1", f"{geomean_improvement([0.5, 1, 1, 1]) * 100:.3f}%", "1", A]
    assert lines[2].split()[0] == "2" and lines[2].split()[2] == "3" and lines[2].endswith(B)
    assert "on 4 modules of split 'train' (2 without an ok -Oz evaluation skipped)" in printed
    assert Coreset.load(out).pipelines == (A, B)
    assert Coreset.load(out).source == f"{store.path}:train"


def test_command_through_register_with_options(store, tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="passlm")
    register(parser.add_subparsers(dest="command"))
    out = tmp_path / "c.json"
    args = parser.parse_args(["coreset", "--db", str(store.path), "-k", "1", "--no-screened-only",
                              "-o", str(out)])
    assert args.func(args) == 0
    assert Coreset.load(out).pipelines == (C,)
    assert "1 pipelines from 5 pipelines (screening not required)" in capsys.readouterr().out


@pytest.mark.parametrize("argv,message", [
    (["--db", "{tmp}/missing.db"], "missing.db: no such store"),
    (["--db", "{db}", "--split", "valid"], "no modules in split 'valid'"),
    (["--db", "{tmp}/junk.db"], "junk.db: not a passlm store"),
])
def test_command_user_errors_exit_1(store, tmp_path, capsys, argv, message):
    (tmp_path / "junk.db").write_text("this is not SQLite, it is just long enough to have a header" * 10)
    argv = [a.format(tmp=tmp_path, db=store.path) for a in argv] + ["-o", str(tmp_path / "never.json")]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("passlm: error: ") and message in err
    assert not (tmp_path / "never.json").exists() and not (tmp_path / "missing.db").exists()


def test_command_usage_error_exits_2(store, tmp_path, capsys):
    assert main(["-o", "x.json"]) == 2
    assert "--db" in capsys.readouterr().err
    assert main(["--db", str(store.path), "-k", "0", "-o", str(tmp_path / "never.json")]) == 2
    assert "-k: must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "never.json").exists()


def test_command_with_a_pool_chooses_among_it_on_the_rows_that_cover_it(store, tmp_path, capsys):
    pool = tmp_path / "pool.json"
    Coreset((B, E)).save(pool)
    out = tmp_path / "c.json"
    assert main(["--db", str(store.path), "--pool", str(pool), "-o", str(out)]) == 0
    # A is better on m1 but not in the pool; m3 and m4 measured only B: half the pool, left out.
    assert Coreset.load(out).pipelines == (E, B)
    assert "on 2 modules of split 'train'" in capsys.readouterr().out
    Coreset(("function(adce)",)).save(pool)
    assert main(["--db", str(store.path), "--pool", str(pool), "-o", str(tmp_path / "never.json")]) == 1
    assert "no module has a matrix row over 90%" in capsys.readouterr().err


def test_command_cost_exponent_and_leave_out(tmp_path, capsys):
    with timed_store(tmp_path) as s:
        path = s.path
    out = tmp_path / "c.json"
    assert main(["--db", str(path), "--per-second", "-o", str(out)]) == 0
    table = capsys.readouterr().out
    assert "cost (-Oz=1)" in table and Coreset.load(out).pipelines == (CHEAP, DEAR)
    assert main(["--db", str(path), "--cost-exponent", "1", "-o", str(out)]) == 0
    assert Coreset.load(out).pipelines == (CHEAP, DEAR)
    assert main(["--db", str(path), "--cost-exponent", "1", "--per-second", "-o", str(out)]) == 2
    assert "not allowed with argument" in capsys.readouterr().err
    for bad in ("5", "-1", "nan", "x"):
        assert main(["--db", str(path), "--cost-exponent", bad, "-o", str(out)]) == 2
        assert f"--cost-exponent: expected a number from 0 to 4, got '{bad}'" in capsys.readouterr().err
    assert main(["--db", str(path), "--leave-out", "sroa", "-o", str(out)]) == 0
    assert Coreset.load(out).pipelines == (DEAR,)
    assert main(["--db", str(path), "--leave-out", ",", "-o", str(out)]) == 2
    assert "--leave-out: expected names separated by commas" in capsys.readouterr().err
