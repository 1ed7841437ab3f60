"""Placeholders: names, numbers and strings of assembly numbered, and put into and back out of IR."""
from __future__ import annotations

import pytest

from passlm.llc import compile_ir
from passlm.text.placeholders import Bindings, asm_string_bytes, fill_ir, normalize, rebind_ir, template_ir

HEAD = """target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

"""
VERSION = HEAD + """define i32 @yajl_version() {
  ret i32 20100
}
"""
CALLER = HEAD + """@table = external global [16 x i32], align 16

declare i32 @helper(i32)

define i32 @caller(ptr %p, i32 %x) {
  %f = getelementptr inbounds i8, ptr %p, i64 24
  %v = load i32, ptr %f, align 4
  %c = icmp sgt i32 %x, 1000
  %s = select i1 %c, i32 %v, i32 77
  %r = tail call i32 @helper(i32 %s)
  %t = load i32, ptr @table, align 16
  %a = add i32 %r, %t
  ret i32 %a
}
"""


def test_two_functions_differing_in_names_and_numbers_normalize_alike():
    other = VERSION.replace("yajl_version", "lzo_version").replace("20100", "8336")
    text, bindings = normalize(compile_ir(VERSION))
    other_text, other_bindings = normalize(compile_ir(other))
    assert text == other_text and "{S0}:" in text and "${N0}" in text
    assert "yajl_version" not in text and "20100" not in text
    assert bindings == Bindings(("yajl_version",), ("20100",)) and other_bindings.symbols == ("lzo_version",)


def test_symbols_numbers_and_local_labels():
    text, bindings = normalize(compile_ir(CALLER))
    assert bindings.symbols[0] == "caller" and set(bindings.symbols) == {"caller", "helper", "table"}
    assert {"24", "1001", "77"} <= set(bindings.numbers)  # x > 1000 is x >= 1001
    assert "{S1}@PLT" in text or "{S2}@PLT" in text  # the call keeps its relocation
    assert "@GOTPCREL(%rip)" in text and ".Lfunc_end0" in text  # relocations and local labels stay
    assert any(line.startswith("cmpl ${N") for line in text.split("\n")) and "1001" not in text


def test_scale_factors_and_registers_are_no_numbers():
    text, bindings = normalize("f:\n\tleaq\t8(%rdi,%rsi,4), %rax\n\tmovl\t$-3, %ecx\n\tretq\n")
    assert text.split("\n")[1] == "leaq {N0}(%rdi,%rsi,4), %rax" and bindings.numbers == ("8", "-3")
    assert text.split("\n")[2] == "movl ${N1}, %ecx"


def test_prefixes_stay_mnemonics_and_strings_are_numbered():
    text, bindings = normalize('f:\n\trep;stosq\n\tlock\t\txaddl\t%eax, g(%rip)\n.L.str:\n\t.asciz\t"a\\"b\\n\\101"\n')
    assert "lock xaddl %eax, {S1}(%rip)" in text and '.asciz "{T0}"' in text
    assert bindings.strings == (b'a"b\nA',)
    assert asm_string_bytes(r"\x41\0\\") == b"A\x00\\"


def test_template_and_fill_round_trip_and_rename():
    asm = compile_ir(CALLER)
    _, bindings = normalize(asm)
    template = template_ir(CALLER, bindings)
    assert "@{S0}(" in template and "i64 {N" in template and "@caller" not in template
    assert "align 16" in template and "[16 x i32]" in template  # alignments and types are no constants
    assert "icmp sgt i32 %x, {N" in template and "-1}" in template
    assert fill_ir(template, bindings) == CALLER
    new = Bindings(tuple(s.replace("helper", "other_helper") for s in bindings.symbols),
                   tuple("1235" if n == "1001" else n for n in bindings.numbers))
    renamed = fill_ir(template, new)
    assert "@other_helper(i32 %s)" in renamed and "declare i32 @other_helper(i32)" in renamed
    assert "icmp sgt i32 %x, 1234" in renamed
    assert normalize(compile_ir(renamed)) == (normalize(asm)[0], new)


def test_fill_needs_every_placeholder():
    assert fill_ir("ret i32 {N1}", Bindings((), ("5",))) is None
    assert fill_ir("ret i32 {N0}", Bindings((), ("5",))) == "ret i32 5"


def test_rebind_changes_only_what_differs():
    _, old = normalize(compile_ir(VERSION))
    new = Bindings(("yajl_version",), ("20101",))
    assert "ret i32 20101" in rebind_ir(VERSION, old, new)
    assert rebind_ir(VERSION, old, Bindings(("yajl_version",), ())) is None


@pytest.mark.parametrize("line", ["  %x = fadd double %y, 1.000000e+00", "  store i32 %v, ptr %p, align 4, !tbaa !7",
                                  "  br label %12", "  %a = alloca [24 x i8], align 16"])
def test_no_number_is_taken_from_floats_metadata_labels_or_types(line):
    ir = HEAD + "define void @f() {\n" + line + "\n}\n"
    assert template_ir(ir, Bindings((), ("1", "4", "7", "12", "24", "16", "0"))) == ir


def test_the_local_alias_of_a_dso_local_function_is_its_name():
    text, bindings = normalize(compile_ir(VERSION.replace("define i32", "define dso_local i32")))
    assert ".L{S0}$local:" in text and bindings.symbols == ("yajl_version",)
