"""The in-process core (passlm._core) against the LLVM 19 tools.

Every figure is compared with what opt, llc and llvm-size (or clang) give for
the same module and pipeline: equality, not closeness.
"""
from __future__ import annotations

import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import passlm
from passlm import Module

from conftest import (
    EXAMPLE_NAMES,
    IR_FLAGS,
    PIPELINES,
    berkeley_size,
    count_ir_instructions,
    pipeline_id,
)

BAD_IR = (
    "define i32 @f(i32 %a) {\n"
    "  %b = add i32 %a, 1\n"
    "  %c = bogus i32 %b\n"  # line 3, 'bogus' starts at column 8
    "  ret i32 %c\n"
    "}\n"
)

# Parses, but %x does not dominate its use: only the verifier objects.
UNVERIFIABLE_IR = (
    "define i32 @f(i1 %c) {\n"
    "entry:\n"
    "  br i1 %c, label %a, label %b\n"
    "a:\n"
    "  %x = add i32 1, 2\n"
    "  br label %b\n"
    "b:\n"
    "  ret i32 %x\n"
    "}\n"
)

BAD_PIPELINES = ["nosuchpass", "instcombine(", "sroa,globaldce"]


# ------------------------------------------------------------ the reference


@pytest.mark.parametrize("pipeline", PIPELINES, ids=pipeline_id)
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_evaluate_matches_opt_llc_llvm_size(name, pipeline, example_bcs, reference, python_runner):
    bc = example_bcs[name]
    expected = reference(bc, pipeline)
    if not isinstance(expected, tuple):  # conftest.Aborted
        # opt dies on this pipeline (report_fatal_error, e.g. instcombine's
        # fixpoint verification, on by default for a bare `instcombine` in
        # a pipeline string in LLVM 19). In-process must die the same way;
        # it cannot be caught, so it runs in a child interpreter.
        child = python_runner(
            "import passlm\n"
            f"m = passlm.Module.from_file({str(bc)!r})\n"
            f"print(m.evaluate({pipeline!r}))\n"
        )
        assert child.returncode != 0, child.stdout
        first = expected.stderr.strip().splitlines()[0]
        assert first in child.stderr, (first, child.stderr)
        return
    module = Module.from_file(str(bc))
    assert module.evaluate(pipeline) == expected

    # The in-place route gives the same figures.
    if pipeline:
        module.run(pipeline)
    assert (module.instruction_count, module.object_size()) == expected


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_oz_object_size_matches_clang_oz(name, example_sources, clang, llvm_size, tmp_path):
    """In-process default<Oz> + codegen = `clang-19 -Oz -c x.c`."""
    src = example_sources[name]
    obj = tmp_path / f"{name}.o"
    subprocess.run([clang, "-Oz", "-c", str(src), "-o", str(obj)], check=True, capture_output=True)
    bc = tmp_path / f"{name}.bc"
    subprocess.run([clang, *IR_FLAGS, str(src), "-o", str(bc)], check=True, capture_output=True)
    module = Module.from_file(str(bc))
    assert module.evaluate("default<Oz>")[1] == berkeley_size(llvm_size, obj)


def test_instruction_counter_matches_core_on_cpp_with_eh(tmp_path, clang, opt):
    """The reference counter handles multi-line instructions (switch cases,
    landingpad clauses) and agrees with the core's count."""
    src = tmp_path / "eh.cpp"
    src.write_text(
        "#include <stdexcept>\n"
        "int g(int);\n"
        "int f(int x) {\n"
        "  try {\n"
        "    switch (x) { case 1: return g(1); case 2: return g(5); case 7: return g(9);\n"
        "                 default: throw std::runtime_error(\"x\"); }\n"
        "  } catch (const std::runtime_error &) { return -1; } catch (...) { return -2; }\n"
        "}\n"
    )
    bc = tmp_path / "eh.bc"
    subprocess.run([clang, *IR_FLAGS, str(src), "-o", str(bc)], check=True, capture_output=True)
    for pipeline in ["", "default<Oz>"]:
        cmd = [opt, "-S", str(bc), "-o", "-"] + ([f"-passes={pipeline}"] if pipeline else [])
        text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        assert "landingpad" in text and "switch" in text
        module = Module.from_file(str(bc))
        if pipeline:
            module.run(pipeline)
        assert count_ir_instructions(text) == module.instruction_count


# ------------------------------------------------------------ errors


def test_bad_ir_text_from_string_gives_position():
    with pytest.raises(passlm.IRParseError) as info:
        Module.from_string(BAD_IR, name="mine.ll")
    e = info.value
    assert (e.file, e.line, e.column) == ("mine.ll", 3, 8)
    assert "expected instruction opcode" in e.message
    assert str(e).startswith("mine.ll:3:8: ")


def test_bad_ir_file_gives_position(tmp_path, opt):
    path = tmp_path / "bad.ll"
    path.write_text(BAD_IR)
    with pytest.raises(passlm.IRParseError) as info:
        Module.from_file(str(path))
    e = info.value
    assert (e.file, e.line, e.column) == (str(path), 3, 8)
    # The same place and message as opt reports.
    done = subprocess.run([opt, str(path), "-o", "/dev/null"], capture_output=True, text=True)
    assert done.returncode != 0
    assert f"{path}:3:8: error: {e.message}" in done.stderr


def test_missing_file():
    with pytest.raises(FileNotFoundError) as info:
        Module.from_file("/nonexistent/dir/x.bc")
    assert info.value.filename == "/nonexistent/dir/x.bc"


def test_truncated_bitcode_names_the_file(example_bcs, tmp_path):
    data = example_bcs["sort"].read_bytes()
    path = tmp_path / "truncated.bc"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(passlm.IRParseError) as info:
        Module.from_file(str(path))
    assert info.value.file == str(path)
    assert str(path) in str(info.value)
    # Same from bytes, with the given name.
    with pytest.raises(passlm.IRParseError) as info:
        Module.from_string(data[:100], name="cut.bc")
    assert info.value.file == "cut.bc"


def test_verifier_failure():
    with pytest.raises(passlm.VerifierError) as info:
        Module.from_string(UNVERIFIABLE_IR, name="v.ll")
    assert "dominate" in str(info.value)
    module = Module.from_string(UNVERIFIABLE_IR, name="v.ll", verify=False)
    with pytest.raises(passlm.VerifierError):
        module.verify()


def test_object_size_of_unverifiable_module_is_not_a_pipeline_error():
    """object_size() runs no pipeline: a module that fails the verifier must
    not be reported as an invalid (empty) pipeline."""
    module = Module.from_string(UNVERIFIABLE_IR, name="v.ll", verify=False)
    for call in (module.object_size, lambda: module.evaluate("")):
        with pytest.raises(passlm.PassLMError) as info:
            call()
        assert not isinstance(info.value, passlm.PipelineError), str(info.value)
        assert "dominate" in str(info.value)


@pytest.mark.parametrize("memo", [True, False])
def test_a_result_that_fails_the_verifier_is_an_error_with_its_message(memo):
    """evaluate verifies what the pipeline made: a broken result is never
    counted or measured, and the error is the verifier's, not the pipeline's."""
    module = Module.from_string(UNVERIFIABLE_IR, name="v.ll", verify=False)
    with pytest.raises(passlm.CodegenError) as info:
        module.evaluate("function(no-op-function)", memo=memo)
    assert str(info.value).startswith("module fails the verifier: ")
    assert "dominate" in str(info.value)


@pytest.mark.parametrize("pipeline", BAD_PIPELINES)
def test_bad_pipeline_is_llvms_message_and_leaves_module_intact(pipeline, example_bcs, opt):
    done = subprocess.run(
        [opt, f"-passes={pipeline}", str(example_bcs["sort"]), "-o", "/dev/null"],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    module = Module.from_file(str(example_bcs["sort"]))
    before = module.to_text()
    before_figures = module.evaluate("default<Oz>")
    for call in (module.run, module.evaluate, passlm.check_pipeline):
        with pytest.raises(passlm.PipelineError) as info:
            call(pipeline)
        e = info.value
        assert e.pipeline == pipeline
        assert e.message and e.message in done.stderr, (e.message, done.stderr)
    assert module.to_text() == before
    # The process and the module still work.
    assert module.evaluate("default<Oz>") == before_figures
    module.run("default<Oz>")
    assert module.instruction_count == before_figures[0]


# ------------------------------------------------------------ round trips, hash, clone


def _text_changes(a: str, b: str) -> list:
    """Lines that differ between two printings (the ModuleID line aside)."""
    import difflib

    return [
        line
        for line in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---", "-; ModuleID", "+; ModuleID"))
    ]


def test_text_round_trip_keeps_hash(example_bcs):
    changed = {}
    for name in EXAMPLE_NAMES:
        module = Module.from_file(str(example_bcs[name]))
        again = Module.from_string(module.to_text(), name="again.ll")
        assert again.instruction_count == module.instruction_count
        if again.hash != module.hash:
            changed[name] = _text_changes(module.to_text(), again.to_text())[:6]
    assert not changed, changed


def test_bitcode_round_trip_keeps_hash_and_figures(example_bcs):
    for name in EXAMPLE_NAMES:
        module = Module.from_file(str(example_bcs[name]))
        data = module.to_bitcode()
        assert isinstance(data, bytes) and data[:2] == b"BC"
        again = Module.from_string(data, name="again.bc")
        assert again.hash == module.hash, name
        assert again.evaluate("default<Oz>") == module.evaluate("default<Oz>")


def test_hash_ignores_module_id_and_source_name(example_sources, clang, tmp_path):
    src = example_sources["crc32"].read_text()
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "first.c").write_text(src)
    (two / "second_name.c").write_text(src)
    modules = []
    for path in (one / "first.c", two / "second_name.c"):
        bc = path.with_suffix(".bc")
        subprocess.run([clang, *IR_FLAGS, str(path), "-o", str(bc)], check=True, capture_output=True)
        modules.append(Module.from_file(str(bc)))
    a, b = modules
    assert a.name != b.name and a.source_file != b.source_file
    assert a.source_file.endswith("first.c") and b.source_file.endswith("second_name.c")
    assert a.hash == b.hash
    assert len(a.hash) == 64 and int(a.hash, 16) >= 0
    # Different IR, different hash.
    b.run("default<Oz>")
    assert a.hash != b.hash


def test_hash_changes_with_ir_change(example_bcs):
    module = Module.from_file(str(example_bcs["sort"]))
    text = module.to_text()
    changed = text.replace("ret i32 0", "ret i32 1", 1)
    assert changed != text
    assert Module.from_string(changed).hash != module.hash


def test_clone_is_independent(example_bcs):
    module = Module.from_file(str(example_bcs["matrix"]))
    text, count, h = module.to_text(), module.instruction_count, module.hash
    copy = module.clone()
    assert copy.hash == h and copy.name == module.name
    copy.run("default<Oz>")
    assert copy.instruction_count < count
    assert module.to_text() == text
    assert module.instruction_count == count and module.hash == h
    # And the other way round.
    copy_text = copy.to_text()
    module.run("mem2reg")
    assert module.to_text() != text
    assert copy.to_text() == copy_text


def test_module_facts(example_bcs):
    module = Module.from_file(str(example_bcs["sort"]))
    assert module.name == str(example_bcs["sort"])
    assert module.source_file == "examples/sort.c"
    assert module.triple.startswith("x86_64")
    assert passlm.LLVM_VERSION.startswith("19.")


# ------------------------------------------------------------ threads


def test_thread_pool_equals_serial(example_bcs, reference):
    modules = {name: Module.from_file(str(example_bcs[name])) for name in EXAMPLE_NAMES}
    jobs = [
        (name, pipeline)
        for name in EXAMPLE_NAMES
        for pipeline in PIPELINES
        # Pipelines that abort opt would abort this process too.
        if isinstance(reference(example_bcs[name], pipeline), tuple)
    ]
    assert len(jobs) >= len(EXAMPLE_NAMES) * (len(PIPELINES) - 1)
    serial = [modules[name].evaluate(pipeline) for name, pipeline in jobs]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda job: modules[job[0]].evaluate(job[1]), jobs))
    assert parallel == serial
    # Many threads on one module at once.
    with ThreadPoolExecutor(4) as pool:
        same = list(pool.map(lambda _: modules["sort"].evaluate("default<Oz>"), range(8)))
    assert set(same) == {modules["sort"].evaluate("default<Oz>")}


def _big_module(clang, tmp_path: Path) -> Module:
    """A module that takes a while to optimize: many loop-heavy functions."""
    parts = []
    for i in range(160):
        parts.append(
            f"int f{i}(int *a, int n, int k) {{\n"
            f"  int s = {i};\n"
            f"  for (int j = 0; j < n; j++) {{\n"
            f"    for (int m = 0; m < k; m++) s += a[j * k + m] * (m ^ {i}) + (s >> 3);\n"
            f"    if (s & {i + 1}) s = s * 31 + j; else a[j] = s;\n"
            f"  }}\n"
            f"  switch (s & 7) {{ case 0: return s; case 1: return -s; case 3: return s * {i};\n"
            f"    default: return s + n; }}\n"
            f"}}\n"
        )
    src = tmp_path / "big.c"
    src.write_text("".join(parts))
    bc = tmp_path / "big.bc"
    subprocess.run([clang, *IR_FLAGS, str(src), "-o", str(bc)], check=True, capture_output=True)
    return Module.from_file(str(bc))


def test_gil_is_released_during_evaluate(clang, tmp_path):
    """While one thread is inside evaluate (a single call into LLVM), the main
    thread keeps running Python. Were the GIL held, no main-thread step could
    fall in the middle of the call."""
    module = _big_module(clang, tmp_path)
    window: dict[str, float] = {}
    result = []
    started = threading.Event()

    def work():
        started.set()
        window["start"] = time.perf_counter()
        result.append(module.evaluate("default<O2>"))
        window["end"] = time.perf_counter()

    worker = threading.Thread(target=work)
    worker.start()
    started.wait()
    ticks = []
    while worker.is_alive():
        ticks.append(time.perf_counter())
        sum(range(200))  # some pure-Python work
    worker.join()
    start, end = window["start"], window["end"]
    assert end - start > 0.05, "the evaluation is too short to tell"
    quarter = (end - start) / 4
    middle = [t for t in ticks if start + quarter < t < end - quarter]
    assert len(middle) >= 10, (len(ticks), len(middle), end - start)
    assert result == [module.evaluate("default<O2>")]


def test_size_memo_gives_the_same_answers(example_bcs):
    """Codegen skipped for repeated IR must not change any figure."""
    import random

    rng = random.Random(7)
    passes = ["sroa", "early-cse", "gvn", "dse", "simplifycfg", "mem2reg", "sccp", "adce", "globaldce", "default<Oz>"]
    module = passlm.Module.from_file(str(example_bcs["interp"]))
    pipelines = [f"module({','.join(rng.choice(passes) for _ in range(rng.randint(1, 4)))})" for _ in range(30)]
    pipelines += pipelines[:10]  # repeats are certain hits
    plain = [module.evaluate(p, memo=False) for p in pipelines]
    hits_before = module.memo_stats[0]
    assert [module.evaluate(p) for p in pipelines] == plain
    assert module.memo_stats[0] - hits_before >= 10
