"""passlm eval --task disasm with a lifter: groups (length, near-duplicates), false "verified", replay."""
from __future__ import annotations

import json

import pytest

from passlm import cli
from passlm.text.lifter import build_index
from passlm.eval.text_eval import asm_bucket, disasm_figures
from passlm.llc import compile_ir
from passlm.text.pairfile import Pair, write_pairs

HEAD = """target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

"""
VERSION = HEAD + "define i32 @yajl_version() {\n  ret i32 20100\n}\n"
LOOP = HEAD + """define i64 @count(ptr %p) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %n, %loop ]
  %q = getelementptr inbounds i8, ptr %p, i64 %i
  %b = load i8, ptr %q, align 1
  %n = add i64 %i, 1
  %z = icmp eq i8 %b, 0
  br i1 %z, label %done, label %loop
done:
  ret i64 %i
}
"""


def pair(ir: str, name: str, split: str) -> Pair:
    return Pair("m-" + name, "pkg-" + split, split, name, ir, compile_ir(ir))


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("disasm")
    build_index([pair(VERSION, "yajl_version", "train")], folder / "lifter", log=lambda _: None)
    held_out = [pair(VERSION.replace("yajl_version", "lzo_version").replace("20100", "8336"), "lzo_version", "test"),
                pair(LOOP, "count", "test")]
    write_pairs(folder / "test.jsonl", held_out)
    return folder


def test_eval_reports_groups_and_writes_a_record_without_paths(setup, capsys, monkeypatch):
    monkeypatch.chdir(setup)
    assert cli.main(["eval", "--task", "disasm", "test.jsonl", "--engine", "lifter:lifter", "-k", "2",
                     "-o", "rec.json"]) == 0
    printed = capsys.readouterr().out
    assert "round trip, first candidate: 50.0 %" in printed and "median time per function:" in printed
    assert "false 'verified':            0" in printed and "near_duplicate" in printed
    doc = json.loads((setup / "rec.json").read_text())
    assert doc["suite"]["file"] == "test.jsonl" and len(doc["suite"]["sha256"]) == 64
    assert str(setup) not in json.dumps(doc)
    first, second = doc["rows"]
    assert first["near_duplicate"] and first["first_round_trips"] and first["first_exact"]
    assert not second["near_duplicate"] and not second["any_round_trips"] and not second["false_verified"]
    groups = doc["groups"]
    assert groups["all"]["pairs"] == 2 and groups["near_duplicate"]["pairs"] == 1
    assert groups["near_duplicate"]["round_trip_top1"] == 1.0 and groups["novel"]["round_trip_best_of_2"] == 0.0
    assert groups["asm<=500"]["pairs"] + groups["asm<=1000"]["pairs"] == 2


def test_replay_reproduces_and_catches_a_changed_record(setup, capsys, monkeypatch):
    monkeypatch.chdir(setup)
    if not (setup / "rec.json").exists():
        assert cli.main(["eval", "--task", "disasm", "test.jsonl", "--engine", "lifter:lifter", "-k", "2",
                         "-o", "rec.json"]) == 0
    capsys.readouterr()
    assert cli.main(["eval", "--replay", "rec.json"]) == 0
    assert "every number reproduces" in capsys.readouterr().out
    doc = json.loads((setup / "rec.json").read_text())
    doc["round_trip_top1"] = 1.0
    doc["rows"][1]["first_round_trips"] = True
    (setup / "changed.json").write_text(json.dumps(doc))
    assert cli.main(["eval", "--replay", "changed.json"]) == 1
    out = capsys.readouterr().out
    assert "record.round_trip_top1: recorded 1.0, now 0.5" in out and "first_round_trips" in out


def test_a_verified_answer_that_does_not_round_trip_is_counted():
    rows = [{"seconds": 1.0, "any_round_trips": True, "false_verified": True}, {"seconds": 3.0}]
    figures = disasm_figures(rows, ["", ""], ["", ""], 4)
    assert figures["false_verified"] == 1 and figures["median_seconds"] == 2.0 and figures["pairs"] == 2


def test_buckets():
    assert [asm_bucket(n) for n in (10, 500, 501, 2500, 3001)] == \
        ["asm<=500", "asm<=500", "asm<=1000", "asm<=3000", "asm>3000"]


def test_the_learning_curve_grows_with_the_training_modules():
    from passlm.eval.disasm_curve import FRACTIONS, curve

    train = [pair(VERSION.replace("yajl_version", f"v{i}").replace("20100", str(i)), f"v{i}", "train")
             for i in range(1, 8)] + [pair(LOOP, "count", "train")]
    test = [pair(LOOP.replace("count", "count2"), "count2", "test")]
    doc = curve(train, test, sample_size=1, progress=lambda _: None)
    rows = doc["rows"]
    assert [r["train_modules"] for r in rows] == [round(f * 8) for f in FRACTIONS]
    assert rows[-1]["near_duplicate"] == 1.0 and rows[-1]["round_trip_k1_on_sample"] == 1.0
    assert all(a["train_pairs"] <= b["train_pairs"] for a, b in zip(rows, rows[1:]))
