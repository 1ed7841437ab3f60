"""The screening corpus: the programs, their reference outputs, the csmith programs, and the IR screened."""
from __future__ import annotations

import pytest

import passlm
from passlm import screen as S
from passlm.compile import c_to_ir
from passlm.screen.cache import program_ir
from screen.conftest import PROGRAMS, REPO, counters, write_program


def test_corpus_has_the_examples_and_twenty_more():
    programs = S.corpus_programs()
    names = [p.name for p in programs]
    examples = sorted(p.stem for p in (REPO / "examples").glob("*.c"))
    assert len(examples) == 12 and set(examples) <= set(names)
    assert len(names) - len(examples) >= 20
    assert len(set(names)) == len(names)
    assert all(p.expected for p in programs)
    assert {p.name: p.status for p in programs if p.status} == {"exitcode": 32}


@pytest.mark.slow
def test_expected_outputs_are_what_the_reference_builds_print():
    """NAME.expected = clang -O0 with UBSan+ASan, and clang -Oz and gcc -O2 agree (no UB)."""
    for program in S.corpus_programs([PROGRAMS]):
        assert S.reference_output(program.source) == (program.expected, program.status), program.name


def test_reference_output_catches_undefined_behaviour(tmp_path):
    src = write_program(tmp_path, "ub", '#include <stdio.h>\nint main(int c, char **v) {\n'
                        '  (void)v; int x = 2147483647 - 1 + c; printf("%d\\n", x + 1); return 0; }\n', "")
    with pytest.raises(S.ScreenError, match="disagrees|runtime error"):
        S.reference_output(src)


def test_csmith_programs_are_seeded_checked_and_cached(screen_cache):
    first = S.csmith_programs(3)
    assert [p.name for p in first] == ["csmith-1", "csmith-2", "csmith-3"]
    assert all(p.expected.startswith(b"checksum = ") for p in first)
    before = counters()
    again = S.csmith_programs(3)
    assert counters() == before  # nothing generated or built again
    assert [p.digest for p in again] == [p.digest for p in first]


def test_the_ir_screened_is_the_ir_passlm_compiles(screen_cache, tmp_path):
    """One way to compile: screening's cached IR is the module compile.c_to_ir gives, and is compiled once."""
    program = S.Program.from_source(REPO / "examples" / "crc32.c")
    before = counters()["ir"]
    bitcode = program_ir(program, tmp_path).read_bytes()
    assert passlm.Module.from_string(bitcode).hash == passlm.Module.from_string(c_to_ir(program.source)).hash
    program_ir(program, tmp_path)
    assert counters()["ir"] == before + 1
    broken = write_program(tmp_path, "broken", "int main(void) { return missing; }\n", "")
    with pytest.raises(S.ScreenError, match=r"broken\.c: clang failed: .*broken\.c:1:\d+: error: use of undeclared"):
        program_ir(S.Program.from_source(broken), tmp_path)
