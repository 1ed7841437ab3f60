"""Miscompile screening (passlm.screen): the corpus, the verdicts, the cache and the CLI.

A test-only pass plugin (cpp/testing/BreakCode.cpp, built here with cmake into
a temporary folder) supplies a pipeline that miscompiles on purpose.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import passlm
from passlm import screen as S
from passlm.store import Store

REPO = Path(__file__).resolve().parent.parent
PROGRAMS = REPO / "screening" / "programs"
BREAK = "default<Oz>,passlm-test-break"

# ------------------------------------------------------- screen_conftest helpers


@pytest.fixture(scope="session")
def screen_cache(tmp_path_factory):
    """A fresh IR and csmith cache for the session (PASSLM_SCREEN_CACHE)."""
    cache = tmp_path_factory.mktemp("screen-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PASSLM_SCREEN_CACHE", str(cache))
        yield cache


@pytest.fixture(scope="session")
def break_plugin(tmp_path_factory) -> Path:
    """libBreakCode.so, built from cpp/testing with cmake (the `passlm-test-break` pass)."""
    build = tmp_path_factory.mktemp("break-plugin")
    for cmd in (["cmake", "-S", REPO / "cpp" / "testing", "-B", build, "-DCMAKE_BUILD_TYPE=Release"],
                ["cmake", "--build", build]):
        done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
        assert done.returncode == 0, f"{cmd} failed:\n{done.stdout}\n{done.stderr}"
    lib = build / "libBreakCode.so"
    assert lib.is_file()
    return lib


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.db") as s:
        yield s


def counters() -> dict:
    return {k: S.COUNTERS[k] for k in ("ir", "opt", "link", "run", "csmith")}


def write_program(folder: Path, name: str, code: str, expected: str, status: int = 0) -> Path:
    src = folder / f"{name}.c"
    src.write_text(code)
    src.with_suffix(".expected").write_text(expected)
    if status:
        src.with_suffix(".status").write_text(f"{status}\n")
    return src


def run_cli(*args: str, env_extra=None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "passlm.screen", *args], capture_output=True, text=True,
                          env=env, timeout=300)


# ------------------------------------------------------------------ the corpus


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


# ------------------------------------------------------------------- verdicts


@pytest.mark.slow
def test_default_oz_passes_and_is_cached(screen_cache, store):
    result = S.screen("default<Oz>", store=store)
    assert result.status == "pass", result.summary()
    assert result.reason is None and not result.cached
    assert len(result.programs) == len(S.corpus_programs()) + 10
    assert all(p.ok for p in result.programs)
    assert sum(p.program.startswith("csmith-") for p in result.programs) == 10
    row = store.screening("default<Oz>")
    assert row["status"] == "pass" and row["llvm_version"] == passlm.LLVM_VERSION
    assert json.loads(row["detail"])["corpus"] == result.corpus

    before = counters()
    again = S.screen("default<Oz>", store=store)
    assert again.status == "pass" and again.cached and again.corpus == result.corpus
    assert counters() == before  # no IR, opt, link or run: the store answered


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
    key = S._store_key(BREAK, [str(break_plugin)])
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


def test_cache_rules(screen_cache, store, tmp_path):
    crc = REPO / "examples" / "crc32.c"
    # A result recorded under another LLVM version is not reused.
    store.record_screening("mem2reg,loop(licm)", "pass", json.dumps({}), "18.1.8")
    again = S.screen("mem2reg,loop(licm)", store=store, programs=[crc], csmith=0)
    assert (again.cached, again.reason) == (False, S.COMPILER_CRASH)
    assert store.screening("mem2reg,loop(licm)")["llvm_version"] == passlm.LLVM_VERSION
    # A reject stands for any corpus; a pass only for the corpus it was made on.
    assert S.screen("mem2reg,loop(licm)", store=store, programs=[REPO / "examples" / "rle.c"], csmith=0).cached
    first = S.screen("default<O1>", store=store, programs=[crc], csmith=0)
    assert first.passed and not first.cached
    assert S.screen("default<O1>", store=store, programs=[crc], csmith=0).cached
    other = S.screen("default<O1>", store=store, programs=[REPO / "examples" / "rle.c"], csmith=0)
    assert other.passed and not other.cached
    # A path works as well as a Store.
    assert S.screen("default<O1>", store=store.path, programs=[REPO / "examples" / "rle.c"], csmith=0).cached


# ------------------------------------------------------------------------ CLI


def test_cli_exit_status_and_lines(screen_cache, tmp_path):
    db = tmp_path / "cli.db"
    crc = str(REPO / "examples" / "crc32.c")
    env = {"PASSLM_SCREEN_CACHE": str(screen_cache)}
    done = run_cli("default<Oz>", "instcombine,simplifycfg", "--csmith", "0", "--programs", crc, "--db", str(db),
                   env_extra=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [["pass", "default<Oz>"], ["pass", "instcombine,simplifycfg"]]

    done = run_cli("default<Oz>", "licm(", "mem2reg,loop(licm)", "--csmith", "0", "--programs", crc,
                   "--db", str(db), env_extra=env)
    assert done.returncode == 1
    assert done.stderr == ""  # a reject is an answer, not an error: no traceback
    lines = done.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("pass    default<Oz>") and lines[0].endswith("(cached)")
    assert lines[1].startswith("reject  licm(  invalid-pipeline: invalid pipeline 'licm('")
    assert lines[2].startswith("reject  mem2reg,loop(licm)  crc32: compiler-crash: LICM requires MemorySSA")


def test_cli_json_and_errors(screen_cache, tmp_path, capsys):
    crc = str(REPO / "examples" / "crc32.c")
    assert S.main(["nosuchpass", "default<Oz>", "--csmith", "0", "--programs", crc, "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert [(r["pipeline"], r["status"], r["reason"]) for r in rows] == [
        ("nosuchpass", "reject", "invalid-pipeline"), ("default<Oz>", "pass", None)]
    assert rows[1]["programs"][0]["program"] == "crc32"
    # A missing program or plugin is a user error (exit 1, one message), not a reject.
    assert S.main(["default<Oz>", "--csmith", "0", "--programs", str(tmp_path / "nope.c")]) == 1
    assert "nope" in capsys.readouterr().err
    assert S.main(["default<Oz>", "--csmith", "0", "--plugin", str(tmp_path / "nope.so")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("passlm: error:") and "nope.so" in err


def test_register_adds_the_screen_command():
    import argparse

    parser = argparse.ArgumentParser()
    S.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["screen", "default<Oz>", "gvn", "--db", "x.db", "--csmith", "3", "--json"])
    assert (args.pipelines, args.db, args.csmith, args.json, args.jobs) == (["default<Oz>", "gvn"], "x.db", 3, True, 2)
    assert args.func is S.cmd_screen
