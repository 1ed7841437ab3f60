"""The text tasks' commands registered by passlm.text.cli (disasm and emulate are tested with their tasks)."""
from __future__ import annotations

import argparse
import re

import pytest

from passlm.text.cli import register_lifter, register_pairs
from passlm.text.pairfile import read_pairs


def test_the_pairs_command(tiny_corpus, tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="passlm data")
    register_pairs(parser.add_subparsers())
    out = tmp_path / "cli.jsonl"
    args = parser.parse_args(["pairs", "--db", str(tiny_corpus), "--out", str(out), "--split", "test",
                              "--max-chars", "4000", "--limit", "2", "-j", "1"])
    assert args.func(args) == 0
    summary = capsys.readouterr().out.strip()
    found = re.fullmatch(r"passlm: 2 modules read, (\d+) functions, (\d+) pairs kept; dropped: \d+ extraction "
                         r"failures, \d+ llc failures, \d+ no round trip, \d+ duplicates, (\d+) too long; wrote "
                         + re.escape(str(out)), summary)
    assert found, summary
    pairs = read_pairs(out)
    assert len(pairs) == int(found.group(2)) > 0 and int(found.group(3)) > 0
    assert all(p.chars <= 4000 and p.split == "test" for p in pairs)
    with pytest.raises(SystemExit):
        parser.parse_args(["pairs", "--db", str(tiny_corpus), "--out", str(out), "--split", "nope"])


def test_the_lifter_command(tmp_path, capsys):
    from passlm.llc import compile_ir
    from passlm.text.lifter import Lifter
    from passlm.text.pairfile import Pair, write_pairs

    ir = ('target triple = "x86_64-pc-linux-gnu"\n\ndefine i32 @v() {\n  ret i32 7\n}\n')
    write_pairs(tmp_path / "train.jsonl", [Pair("m", "p", "train", "v", ir, compile_ir(ir)),
                                           Pair("n", "q", "test", "v", ir.replace("7", "8"), compile_ir(ir))])
    parser = argparse.ArgumentParser(prog="passlm data")
    register_lifter(parser.add_subparsers())
    args = parser.parse_args(["lifter", "--pairs", str(tmp_path / "train.jsonl"), "--out", str(tmp_path / "l"),
                              "--split", "train"])
    assert args.func(args) == 0
    assert capsys.readouterr().out == f"passlm: lifter of 1 pairs (1 normalized assembly texts) in {tmp_path / 'l'}\n"
    assert Lifter.load(tmp_path / "l").info["pairs"] == 1
