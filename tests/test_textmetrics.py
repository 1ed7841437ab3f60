"""Round trip (passlm.llc), exact match and BLEU (passlm.textmetrics), against hand-computed cases."""
from __future__ import annotations

import math

import pytest

from passlm.llc import comment_marker, compile_ir, normalize_asm, round_trip_rate, round_trips
from passlm.textmetrics import corpus_bleu, exact_match, exact_match_rate, tokenize

IR = """\
source_filename = "a.c"
target triple = "x86_64-pc-linux-gnu"

@.str = private constant [6 x i8] c"a#b c\\00"

define i32 @inc(i32 %x) {
  %y = add i32 %x, 1
  ret i32 %y
}

define ptr @text() {
  ret ptr @.str
}
"""


def test_tokenize_splits_words_and_punctuation():
    assert tokenize("%1 = add i32 %0, 1") == ["%", "1", "=", "add", "i32", "%", "0", ",", "1"]
    assert tokenize("  call void @llvm.foo(ptr nonnull %a)\n") == [
        "call", "void", "@", "llvm", ".", "foo", "(", "ptr", "nonnull", "%", "a", ")"]


def test_bleu_of_one_sentence_by_hand():
    # p1 = 5/6 (one "the" clipped), p2 = 3/5, p3 = 2/4, p4 = 1/3; equal lengths: BP = 1.
    bleu = corpus_bleu(["the cat sat on the mat"], ["the cat sat on a mat"])
    assert bleu == pytest.approx((5 / 6 * 3 / 5 * 2 / 4 * 1 / 3) ** 0.25)
    assert bleu == pytest.approx(0.5372849659)


def test_bleu_pools_counts_over_the_corpus_with_brevity_penalty():
    # Second pair: 4 tokens, all n-grams match, reference 6 tokens.
    # p1 = (5+4)/(6+4), p2 = (3+3)/(5+3), p3 = (2+2)/(4+2), p4 = (1+1)/(3+1);
    # c = 10 < r = 12: BP = exp(1 - 12/10).
    bleu = corpus_bleu(["the cat sat on the mat", "a b c d"], ["the cat sat on a mat", "a b c d e f"])
    expected = math.exp(1 - 12 / 10) * (9 / 10 * 6 / 8 * 4 / 6 * 2 / 4) ** 0.25
    assert bleu == pytest.approx(expected)


def test_bleu_edges():
    assert corpus_bleu(["x y z w"], ["x y z w"]) == pytest.approx(1.0)
    assert corpus_bleu(["a b c"], ["a b c"]) == 0.0  # no 4-gram at all: no smoothing
    assert corpus_bleu([""], ["a b c d"]) == 0.0
    assert corpus_bleu(["a b c d e"], ["a b c d"]) == pytest.approx((4 / 5 * 3 / 4 * 2 / 3 * 1 / 2) ** 0.25)
    with pytest.raises(ValueError):
        corpus_bleu(["a"], [])


def test_exact_match_ignores_trailing_whitespace_only():
    assert exact_match("define i32 @f() {  \n  ret i32 0\t\n}\n\n\n", "define i32 @f() {\n  ret i32 0\n}")
    assert not exact_match("define i32 @f() {\n ret i32 0\n}", "define i32 @f() {\n  ret i32 0\n}")
    assert not exact_match("a\n\nb", "a\nb")
    assert exact_match_rate([("a", "a "), ("a", "b")]) == 0.5


def test_normalize_asm_strips_comments_blank_lines_ident_and_file():
    text = ('\t.text\n\t.file\t"a.c"\n\t.globl\tf                # -- Begin function f\n'
            "# %bb.0:\n\n\tleal\t1(%rdi), %eax\n\t.asciz\t\"a#b  c\"   # a string\n"
            '\t.file\t1 "/src" "a.c" md5 0x0\n\t.ident\t"clang version 19"\n')
    assert normalize_asm(text) == [".text", ".globl f", "leal 1(%rdi), %eax", '.asciz "a#b  c"']
    # AArch64: '#' is an immediate, '//' a comment.
    assert normalize_asm("\tmov\tw0, #1 // set\n", comment_marker("aarch64-linux-gnu")) == ["mov w0, #1"]
    assert comment_marker("x86_64-pc-linux-gnu") == "#" and comment_marker("armv7-none-eabi") == "@"


def test_round_trips_with_llc():
    reference = compile_ir(IR)
    assert reference and "leal" in reference
    assert round_trips(IR, reference)
    # The source name and comments are normalized away...
    assert round_trips(IR.replace('"a.c"', '"other.c"'), reference.replace("# -- End function", ""))
    # ...the code is not.
    assert not round_trips(IR.replace("add i32 %x, 1", "add i32 %x, 2"), reference)
    assert not round_trips("this is not IR", reference)
    # llc_args decide the target: an AArch64 build of the same IR is another assembly.
    aarch64 = ("-O2", "-relocation-model=pic", "-mtriple=aarch64-linux-gnu")
    assert not round_trips(IR, reference, llc_args=aarch64)
    assert round_trips(IR, compile_ir(IR, aarch64), llc_args=aarch64)
    assert round_trip_rate([(IR, reference), ("garbage", reference)]) == 0.5
