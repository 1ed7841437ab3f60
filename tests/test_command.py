"""passlm.command: the rules every subcommand shares, unit by unit."""
from __future__ import annotations

import argparse
import sqlite3

import pytest

from passlm import command


def test_run_command_turns_errors_into_exit_statuses(capsys):
    def raising(error):
        def func(args):
            raise error
        return func

    assert command.run_command(lambda args: None, argparse.Namespace()) == 0
    assert command.run_command(raising(command.UsageError("both --a and --b")), argparse.Namespace()) == 2
    assert command.run_command(raising(command.UserError("no such thing")), argparse.Namespace()) == 1
    assert command.run_command(raising(FileNotFoundError(2, "No such file or directory", "x.ll")), None) == 1
    assert capsys.readouterr().err.splitlines() == [
        "passlm: error: both --a and --b", "passlm: error: no such thing",
        "passlm: error: x.ll: No such file or directory"]
    with pytest.raises(KeyError):  # a bug is not a user error: its traceback is wanted
        command.run_command(raising(KeyError("x")), None)


def test_positive_int():
    assert command.positive_int("3") == 3
    for text in ("0", "-1", "x"):
        with pytest.raises(argparse.ArgumentTypeError):
            command.positive_int(text)


def test_write_output_is_whole_or_nothing(tmp_path, capsys, monkeypatch):
    out = tmp_path / "sub" / "o.json"
    command.write_output(str(out), "{}\n")
    assert out.read_text() == "{}\n" and sorted(p.name for p in out.parent.iterdir()) == ["o.json"]
    command.write_output("-", "to stdout\n")
    assert capsys.readouterr().out == "to stdout\n"

    def no_room(self, target):
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr("pathlib.Path.replace", no_room)
    with pytest.raises(OSError):
        command.write_output(str(tmp_path / "half.json"), "x" * 100)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub"]  # neither the file nor its .partial


def test_removed_on_failure(tmp_path):
    db = tmp_path / "new.db"
    with pytest.raises(ValueError):
        with command.removed_on_failure(db):
            sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.close()
            (tmp_path / "new.db-wal").write_text("")
            raise ValueError("failed")
    assert list(tmp_path.iterdir()) == []

    with pytest.raises(ValueError):  # progress worth keeping stays
        with command.removed_on_failure(db, keep=lambda: True):
            db.write_text("resumable")
            raise ValueError("failed later")
    assert db.read_text() == "resumable"

    with pytest.raises(ValueError):  # a file that was there before is never removed
        with command.removed_on_failure(db):
            raise ValueError("failed")
    assert db.exists()

    folder = tmp_path / "model"
    with pytest.raises(ValueError):  # a folder it made goes too, with what is in it
        with command.removed_on_failure(folder):
            (folder / "sub").mkdir(parents=True)
            (folder / "sub" / "f").write_text("x")
            raise ValueError("failed")
    assert not folder.exists()

    other = tmp_path / "other.db"
    with pytest.raises(KeyboardInterrupt):  # an interrupt keeps what was done, to resume
        with command.removed_on_failure(other):
            other.write_text("half")
            raise KeyboardInterrupt
    assert other.exists()


def test_missing_subcommand_is_a_usage_error(capsys):
    parser = argparse.ArgumentParser(prog="passlm data")
    sub = parser.add_subparsers()
    for name in ("stats", "build"):
        sub.add_parser(name)
    with pytest.raises(command.UsageError, match=r"^a data command is required \(build, stats\)$"):
        command.missing_subcommand(parser, sub)(argparse.Namespace())
    assert capsys.readouterr().err.startswith("usage: passlm data")
