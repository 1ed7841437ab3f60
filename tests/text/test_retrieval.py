"""The retrieval lifter: learned from pairs, its candidates checked by round trip and repaired by the diff."""
from __future__ import annotations

import json
import lzma

import pytest

from passlm import cli
from passlm.text.lifter import INDEX_FILE, INFO_FILE, Lifter, build_index, load_lifter
from passlm.llc import compile_ir, round_trips
from passlm.text.lift import lift_assembly
from passlm.text.pairfile import Pair, write_pairs
from passlm.text.retrieval import check_with_repair

HEAD = """target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

"""
VERSION = HEAD + "define i32 @yajl_version() {\n  ret i32 20100\n}\n"
CALL = HEAD + """declare i32 @helper(i32)

define i32 @twice(i32 %x) {
  %c = icmp sgt i32 %x, 1000
  %s = select i1 %c, i32 %x, i32 77
  %r = tail call i32 @helper(i32 %s)
  %a = shl i32 %r, 1
  ret i32 %a
}
"""
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


def pair(ir: str, name: str) -> Pair:
    return Pair("m-" + name, "pkg", "train", name, ir, compile_ir(ir))


@pytest.fixture(scope="module")
def lifter_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lifter")
    pairs = [pair(VERSION, "yajl_version"), pair(CALL, "twice"), pair(VERSION.replace("20100", "3"), "yajl_version")]
    info = build_index(pairs, folder, source="tiny", log=lambda _: None)
    assert info["pairs"] == 3 and info["texts"] == 2 and info["templates"] == 2  # 20100 and 3: one template
    return folder


def test_the_index_is_plain_data(lifter_dir):
    info = json.loads((lifter_dir / INFO_FILE).read_text())
    assert info["format"] == "passlm-lifter-1" and info["source"] == "tiny"
    with lzma.open(lifter_dir / INDEX_FILE, "rt") as f:
        entries = [json.loads(line) for line in f]
    assert all(set(e) == {"asm", "irs"} for e in entries)
    assert any(ir[1] == 2 and "ret i32 {N0}" in ir[0] for e in entries for ir in e["irs"])


def test_a_function_seen_with_other_names_and_numbers_lifts_exactly(lifter_dir):
    ir = VERSION.replace("yajl_version", "lzo_version").replace("20100", "8336")
    lifted = lift_assembly(compile_ir(ir), f"lifter:{lifter_dir}", k=4)
    assert lifted.verified and lifted.chosen == 0 and lifted.ir == ir
    other = CALL.replace("helper", "log_it").replace("1000", "-5").replace("77", "12").replace("twice", "f")
    lifted = lift_assembly(compile_ir(other), f"lifter:{lifter_dir}", k=4)
    assert lifted.verified and lifted.ir == other and len(lifted.candidates) == 1  # stops at the first


def test_nothing_alike_is_not_verified_and_says_so(lifter_dir, tmp_path, capsys):
    asm = compile_ir(LOOP)
    lifted = lift_assembly(asm, f"lifter:{lifter_dir}", k=2)
    assert not lifted.verified and 0 < len(lifted.candidates) <= 2
    assert not any(round_trips(c.ir, asm) for c in lifted.candidates)
    assert lifted.marked_ir().startswith("; passlm: NOT VERIFIED:")
    source = tmp_path / "count.s"
    source.write_text(asm)
    assert cli.main(["disasm", str(source), "--engine", f"lifter:{lifter_dir}", "-k", "2"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("; passlm: NOT VERIFIED:") and "NOT VERIFIED: none of" in captured.err


def test_no_candidate_at_all_is_not_verified(tmp_path, capsys):
    folder = tmp_path / "empty"
    build_index([], folder, log=lambda _: None)
    source = tmp_path / "v.s"
    source.write_text(compile_ir(VERSION))
    assert cli.main(["disasm", str(source), "--engine", f"lifter:{folder}"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "the engine gave no candidate" in captured.err and "verified:" not in captured.err


def test_repair_by_the_diff_fixes_names_and_numbers_only_when_the_shape_matches():
    asm = compile_ir(CALL)
    wrong = CALL.replace("1000", "999").replace("@helper", "@other")
    repaired = check_with_repair(wrong, asm, ("-O2", "-relocation-model=pic"), "x86_64-pc-linux-gnu")
    assert repaired.round_trips and repaired.ir == CALL
    other_shape = CALL.replace("shl i32 %r, 1", "mul i32 %r, 7")
    checked = check_with_repair(other_shape, asm, ("-O2", "-relocation-model=pic"), "x86_64-pc-linux-gnu")
    assert not checked.round_trips and checked.ir == other_shape


def test_nearest_and_similarity(lifter_dir):
    lifter = Lifter.load(lifter_dir)
    from passlm.text.placeholders import normalize

    text, _ = normalize(compile_ir(VERSION.replace("yajl_version", "v")))
    assert lifter.similarity(text) == 1.0
    assert 0 <= lifter.similarity(normalize(compile_ir(LOOP))[0]) < 1.0
    assert load_lifter(str(lifter_dir)) is load_lifter(str(lifter_dir))  # loaded once


def test_not_a_lifter(tmp_path, capsys):
    source = tmp_path / "v.s"
    source.write_text(compile_ir(VERSION))
    assert cli.main(["disasm", str(source), "--engine", f"lifter:{tmp_path}"]) == 1
    assert "no lifter there" in capsys.readouterr().err


def test_repair_makes_the_function_hidden_when_the_input_says_so():
    public = HEAD + "define dso_local i32 @v() {\n  ret i32 7\n}\n"
    hidden = public.replace("define dso_local", "define hidden")
    args = ("-O2", "-relocation-model=pic"), "x86_64-pc-linux-gnu"
    repaired = check_with_repair(public.replace("ret i32 7", "ret i32 8"), compile_ir(hidden), *args)
    assert repaired.round_trips and repaired.ir == hidden
    assert check_with_repair(hidden, compile_ir(public), *args).ir == public
