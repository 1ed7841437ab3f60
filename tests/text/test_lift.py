"""Lifting with round-trip verification: the checker on known pairs, and the command's errors."""
from __future__ import annotations

import json

import pytest

from passlm import cli
from passlm.text.lift import check_assembly, lift_assembly
from passlm.llc import compile_ir, round_trips

ADD = """target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define i32 @add(i32 %a, i32 %b) {
  %s = add i32 %a, %b
  ret i32 %s
}
"""
SUB = ADD.replace("add i32 %a", "sub i32 %a")


@pytest.fixture(scope="module")
def add_asm() -> str:
    return compile_ir(ADD)


def test_the_source_round_trips_and_is_chosen(add_asm):
    lifted = lift_assembly(add_asm, candidates=[(SUB, -1.0), (ADD, -2.0), ("not IR at all", -3.0)])
    assert lifted.verified and lifted.ir == ADD and lifted.chosen == 1
    first, second, third = lifted.candidates
    assert not first.round_trips and 0 < first.bleu < 1
    assert second.round_trips and second.bleu == pytest.approx(1.0)
    assert not third.round_trips and third.bleu == 0 and "error" in third.error
    assert lifted.marked_ir() == ADD  # a verified IR carries no mark


def test_without_a_round_trip_the_closest_is_marked(add_asm):
    lifted = lift_assembly(add_asm, candidates=[("garbage", 0.0), (SUB, -1.0)])
    assert not lifted.verified and lifted.ir == SUB and lifted.chosen == 1
    marked = lifted.marked_ir()
    assert marked.startswith("; passlm: NOT VERIFIED:") and marked.endswith(SUB)


def test_other_codegen_settings_do_not_round_trip(add_asm):
    lifted = lift_assembly(add_asm, candidates=[(ADD, 0.0)], llc_args=["-O0"])
    assert not lifted.verified  # -O0 codegen of the same IR is other assembly


def test_bad_assembly_and_unknown_targets_say_where(tmp_path):
    with pytest.raises(ValueError, match=r"^f\.s:2:2: invalid instruction mnemonic 'frobnicate'"):
        check_assembly("x:\n frobnicate %eax\n", name="f.s")
    with pytest.raises(ValueError, match="unknown target triple 'nosuch-cpu'"):
        check_assembly("ret\n", triple="nosuch-cpu")
    with pytest.raises(ValueError, match="empty assembly"):
        check_assembly("  \n", name="f.s")


def run_cli(capsys, *argv):
    code = cli.main(["disasm", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_command_errors(tmp_path, capsys):
    bad = tmp_path / "bad.s"
    bad.write_text("f:\n  movq %rdi, %rax\n  frobnicate %eax\n")
    code, _, err = run_cli(capsys, tmp_path / "missing.s", "--engine", "fixed:default<Oz>")
    assert code == 1 and err.startswith("passlm: error: ") and "missing.s" in err
    code, _, err = run_cli(capsys, bad, "--engine", "fixed:default<Oz>")
    assert code == 1 and err == f"passlm: error: {bad}:3:3: invalid instruction mnemonic 'frobnicate'\n"
    good = tmp_path / "add.s"
    good.write_text(compile_ir(ADD))
    code, _, err = run_cli(capsys, good, "--engine", "fixed:default<Oz>")
    assert code == 1 and "cannot disassemble" in err
    code, _, err = run_cli(capsys, good, "--engine", "fixed:default<Oz>", "--triple", "nosuch-cpu")
    assert code == 1 and "unknown target triple" in err
    code, _, err = run_cli(capsys, good, "--engine", f"model:{tmp_path}")
    assert code == 1 and "not a disassembly model" in err


def test_without_an_engine_the_shipped_lifter_lifts(tmp_path, capsys):
    asm = compile_ir(ADD)
    lifted = lift_assembly(asm)  # lifter:default
    assert lifted.candidates and lifted.verified == round_trips(lifted.ir, asm)
    source = tmp_path / "add.s"
    source.write_text(asm)
    code, out, err = run_cli(capsys, source)
    assert code == 0 and out == lifted.marked_ir()
    assert ("verified: candidate" in err) == lifted.verified != ("NOT VERIFIED" in err)


def test_command_lifts_with_a_model(tmp_path, capsys, tiny_disasm_model):
    source = tmp_path / "add.s"
    source.write_text(compile_ir(ADD))
    code, out, err = run_cli(capsys, source, "--engine", f"model:{tiny_disasm_model}", "-k", "1", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["engine"] == f"model:{tiny_disasm_model}" and isinstance(doc["verified"], bool)
    if not doc["candidates"]:  # an untrained model may stop at once
        assert "the engine gave no candidate" in err and not doc["verified"]
    else:
        assert ("verified: candidate" in err) == doc["verified"] and ("NOT VERIFIED" in err) != doc["verified"]
