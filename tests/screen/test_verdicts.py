"""Screening verdicts: passes, deliberate miscompiles, crashes, invalid pipelines, program failures."""
from __future__ import annotations

import pytest

from passlm import screen as S
from passlm.screen.cache import store_key
from screen.conftest import BREAK, REPO, counters, write_program


def test_deliberate_miscompile_is_rejected_as_output_difference(screen_cache, break_plugin, store):
    result = S.screen(BREAK, store=store, plugins=[break_plugin], csmith=0)
    assert result.status == "reject"
    assert result.reason == S.OUTPUT
    assert result.program == "bigint"  # the first program in corpus order, whatever jobs is
    assert result.message.startswith("line ")
    assert "expected" in result.message and "got" in result.message
    assert next(p for p in result.programs if p.program == "bigint").status == S.OUTPUT
    assert any(p.status == "skipped" for p in result.programs)  # screening stops at the first failure
    # The row is keyed by the pipeline and the plugin, not the bare pipeline.
    assert store.screening(BREAK) is None
    key = store_key(BREAK, [str(break_plugin)])
    assert key.startswith(BREAK + " [plugins: libBreakCode.so@")
    assert store.screening(key)["status"] == "reject"
    # Without the plugin the same text is an unknown pass, not a cached reject.
    without = S.screen(BREAK, store=store, csmith=0)
    assert (without.reason, without.cached) == (S.INVALID, False)
    assert "passlm-test-break" in without.message


def test_other_miscompiles_are_rejected_too(screen_cache, break_plugin):
    added = S.screen("default<Oz>,passlm-test-break<add>", plugins=[break_plugin], csmith=0)
    assert added.status == "reject" and added.reason in (S.OUTPUT, S.PROGRAM_CRASH, S.PROGRAM_TIMEOUT)
    broken = S.screen("default<Oz>,passlm-test-break<invalid>", plugins=[break_plugin], csmith=0)
    assert (broken.status, broken.reason) == ("reject", S.VERIFIER)
    assert "Terminator found in the middle of a basic block" in broken.message


def test_pipeline_that_aborts_llvm_is_a_compiler_crash(screen_cache):
    result = S.screen("mem2reg,loop(licm)", csmith=0)
    assert (result.status, result.reason) == ("reject", S.COMPILER_CRASH)
    assert result.program == "bigint"
    assert "LICM requires MemorySSA" in result.message


@pytest.mark.parametrize("pipeline, message", [
    ("nosuchpass", "unknown pass name 'nosuchpass'"),
    ("default<Oz>,nosuchpass", "unknown module pass 'nosuchpass'"),
    ("licm(", "invalid pipeline 'licm('"),
    ("sroa,globaldce", "unknown function pass 'globaldce'"),
])
def test_pipeline_llvm_rejects_is_invalid_with_llvms_message(screen_cache, store, pipeline, message):
    before = counters()
    result = S.screen(pipeline, store=store, csmith=0)
    assert (result.status, result.reason, result.program) == ("reject", S.INVALID, None)
    assert result.message == message
    assert counters()["opt"] == before["opt"] + 1  # told by one opt on an empty module
    assert counters()["link"] == before["link"]
    assert store.screening(pipeline)["status"] == "reject"


def test_removing_main_is_a_link_error(screen_cache):
    result = S.screen("module(internalize,globaldce)", programs=[REPO / "examples" / "crc32.c"], csmith=0)
    assert (result.status, result.reason, result.program) == ("reject", S.LINK_ERROR, "crc32")
    assert "main" in result.message


def test_program_failures_are_told_apart(screen_cache, tmp_path):
    hello = '#include <stdio.h>\nint main(void) { puts("hello"); return 3; }\n'
    cases = [
        (write_program(tmp_path, "wrongout", hello, "hallo\n", 3), S.OUTPUT, "line 1: expected 'hallo', got 'hello'"),
        (write_program(tmp_path, "shortout", hello, "hello\nworld\n", 3), S.OUTPUT, "output stops after line 1"),
        (write_program(tmp_path, "status", hello, "hello\n", 0), S.EXIT_STATUS, "exit status 3, expected 0"),
        (write_program(tmp_path, "aborts", '#include <stdlib.h>\nint main(void) { abort(); }\n', ""),
         S.PROGRAM_CRASH, "SIGABRT"),
        (write_program(tmp_path, "loops", 'int main(void) { for (volatile int i = 0;; i++) ; }\n', ""),
         S.PROGRAM_TIMEOUT, "still running"),
    ]
    for src, reason, message in cases:
        result = S.screen("default<Oz>", programs=[src], csmith=0, timeout=1)
        assert (result.status, result.reason, result.program) == ("reject", reason, src.stem)
        assert message in result.message
    ok = S.screen("default<Oz>", programs=[write_program(tmp_path, "fine", hello, "hello\n", 3)], csmith=0)
    assert ok.status == "pass"
