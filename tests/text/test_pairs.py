"""(assembly, IR) pairs for disassembly: one per defined function, each verified by llc-19, deduplicated
across modules, sorted smallest first, written and read back."""
from __future__ import annotations

import json
import re

import pytest

import passlm
from passlm.text.pairfile import PAIR_KEYS, read_pairs, sort_key, write_pairs
from passlm.text.pairs import PairCounts, build_pairs, clean_ir, defined_functions, function_pairs
from passlm.llc import round_trips
from passlm.store import Provenance, Store

TRIPLE = 'target triple = "x86_64-pc-linux-gnu"\n'

#: One function whose constant shows up in its assembly.
OFFSET = TRIPLE + """
define i32 @offset(i32 %x) {
  %y = add i32 %x, 1000
  ret i32 %y
}
"""

#: Names that need quoting, one that is not UTF-8 (llc's assembly is not text then: an llc failure), one that
#: cannot be named (an extraction failure), one with no code here (not counted).
ODD_NAMES = TRIPLE + r"""
define i32 @"odd name, \22q\22\\"(i32 %x) {
  %y = mul i32 %x, 31
  ret i32 %y
}

define i32 @"\01dollar$.x"(i32 %x) {
  %y = call i32 @"odd name, \22q\22\\"(i32 %x)
  ret i32 %y
}

define i32 @"\FFbyte"(i32 %x) {
  %y = add i32 %x, 5
  ret i32 %y
}

define i32 @0(i32 %x) {
  ret i32 %x
}

define available_externally i32 @elsewhere(i32 %x) {
  ret i32 %x
}
"""


def drops(counts: PairCounts) -> int:
    return counts.extract_failures + counts.llc_failures + counts.no_round_trip + counts.duplicates + counts.too_long


def optimized_text(path) -> str:
    module = passlm.Module.from_file(str(path))
    module.run("default<Oz>")
    return module.to_text()


@pytest.fixture(scope="module")
def sort_pairs(example_bcs):
    text = optimized_text(example_bcs["sort"])
    counts = PairCounts()
    return text, function_pairs(text, counts=counts), counts


def test_one_verified_pair_per_defined_function(sort_pairs):
    text, pairs, counts = sort_pairs
    names = defined_functions(text)
    assert len(names) >= 5
    assert [p.function for p in pairs] == names
    assert counts.functions == counts.pairs == len(names)
    for p in pairs:
        assert defined_functions(p.ir) == [p.function]
        assert len(re.findall(r"^define ", p.ir, re.M)) == 1
        assert f"{p.function}:" in p.asm
        assert round_trips(p.ir, p.asm)
        assert p.chars == p.ir_chars + p.asm_chars == len(p.ir) + len(p.asm)


def test_pairs_follow_the_cleaning_rules(sort_pairs):
    _, pairs, _ = sort_pairs
    for p in pairs:
        assert "ModuleID" not in p.ir and "source_filename" not in p.ir
        assert p.ir.startswith("target datalayout = ")
        assert 'target triple = "x86_64' in p.ir and "attributes #0 = " in p.ir and "!llvm.module.flags" in p.ir
        assert p.ir.endswith("\n") and not p.ir.endswith("\n\n")
        assert '.file\t"<stdin>"' in p.asm
    extracted = '; ModuleID = \'<stdin>\'\nsource_filename = "x.c"\n\ndefine void @f() {\n  ret void\n}\n\n\n'
    assert clean_ir(extracted) == "define void @f() {\n  ret void\n}\n"


def test_an_altered_ir_does_not_round_trip():
    (pair,) = function_pairs(OFFSET)
    assert pair.function == "offset" and "1000(" in pair.asm
    assert round_trips(pair.ir, pair.asm)
    altered = pair.ir.replace("add i32 %x, 1000", "add i32 %x, 1001")
    assert altered != pair.ir
    assert not round_trips(altered, pair.asm)


def test_names_are_passed_to_llvm_extract_as_they_are(tmp_path):
    assert defined_functions(ODD_NAMES) == ['odd name, "q"\\', "\x01dollar$.x", "\udcffbyte", "0"]
    counts = PairCounts()
    pairs = function_pairs(ODD_NAMES, counts=counts, module="m")
    assert [p.function for p in pairs] == ['odd name, "q"\\', "\x01dollar$.x"]
    assert (counts.functions, counts.pairs, counts.extract_failures, counts.llc_failures) == (4, 2, 1, 1)
    assert "declare i32 @\"odd name, \\22q\\22\\\\\"(i32)" in pairs[1].ir
    path = tmp_path / "odd.jsonl"
    write_pairs(path, pairs)
    assert read_pairs(path) == pairs


def test_build_pairs_writes_a_sorted_deduplicated_split(tiny_corpus, tmp_path):
    out, lines = tmp_path / "test.jsonl", []
    counts = build_pairs(tiny_corpus, out, split="test", log=lines.append)
    pairs = read_pairs(out)
    with Store(tiny_corpus) as store:
        test_modules = set(store.module_hashes("test"))
    assert (counts.modules, counts.module_failures) == (3, 0)
    assert counts.pairs == len(pairs) > 10
    assert counts.functions == counts.pairs + drops(counts)
    assert {p.module for p in pairs} == test_modules
    assert {p.package for p in pairs} == {"sort", "crc32", "rle"} and {p.split for p in pairs} == {"test"}
    assert pairs == sorted(pairs, key=sort_key) and pairs[0].chars < pairs[-1].chars
    assert len({p.ir for p in pairs}) == len(pairs)
    assert list(json.loads(out.read_text().splitlines()[0])) == list(PAIR_KEYS)
    assert any("3/3 modules" in line for line in lines) and lines[-1].startswith("pairs: wrote")


def own_module(own: str) -> str:
    shared = "define i32 @shared(i32 %x) {\n  %y = mul i32 %x, 7\n  ret i32 %y\n}\n"
    return f"{TRIPLE}\n{shared}\ndefine i32 @{own}(i32 %x) {{\n  %y = add i32 %x, 1\n  ret i32 %y\n}}\n"


def test_build_pairs_keeps_one_copy_named_after_the_first_module(tmp_path):
    db = tmp_path / "corpus.db"
    with Store(db) as store:
        for package in ("b", "a"):  # stored in the other order than the store's (by package)
            module = passlm.Module.from_string(own_module(f"only_{package}"), name=f"{package}.ll")
            store.add_module(module.hash, module.to_bitcode(),
                             Provenance(f"{package}.ll", "files", passlm.LLVM_VERSION, package=package))
            store.set_split(module.hash, "train")
    out = tmp_path / "pairs.jsonl"
    counts = build_pairs(db, out, log=lambda _: None)
    pairs = read_pairs(out)
    assert (counts.functions, counts.pairs, counts.duplicates) == (4, 3, 1)
    assert sorted(p.function for p in pairs) == ["only_a", "only_b", "shared"]
    assert {p.function: p.package for p in pairs}["shared"] == "a"

    smallest = pairs[0].chars
    counts = build_pairs(db, out, max_chars=smallest, jobs=1, log=lambda _: None)
    assert (counts.pairs, counts.too_long) == (len([p for p in pairs if p.chars <= smallest]),
                                               3 - counts.pairs)
    assert all(p.chars <= smallest for p in read_pairs(out))
