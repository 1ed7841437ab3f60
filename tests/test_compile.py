"""passlm.compile: sources to modules in the IR form of docs/conventions.md."""
from __future__ import annotations

import re

import pytest

import passlm
from passlm import Module
from passlm.compile import IR_FLAGS, ClangError, c_to_ir, first_error_line, ir_command, load_module, run_clang

from conftest import EXAMPLE_NAMES


def function_attributes(text: str) -> dict:
    """{function name: attribute words of its attribute group} for definitions."""
    groups = dict(re.findall(r"^attributes (#\d+) = \{ (.*) \}$", text, re.M))
    result = {}
    for match in re.finditer(r"^define [^@]*@([\w.$]+)\(.*\) (#\d+)", text, re.M):
        result[match.group(1)] = set(groups[match.group(2)].split())
    return result


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_c_to_ir_is_the_oz_front_end_form(name, example_sources, example_bcs):
    data = c_to_ir(example_sources[name])
    assert data[:2] == b"BC"
    module = Module.from_string(data, name=f"{name}.c")
    text = module.to_text()
    attributes = function_attributes(text)
    assert attributes and "main" in attributes
    for function, words in attributes.items():
        assert {"minsize", "optsize"} <= words, (function, words)
        assert "optnone" not in words and "noinline" not in words
    # No LLVM pass ran: the front end's allocas, TBAA and lifetime markers are there.
    assert "alloca" in text and "!tbaa" in text
    # The same IR clang-19 gives with the flags of docs/conventions.md.
    assert module.hash == Module.from_file(str(example_bcs[name])).hash


def test_load_module_compiles_sources_and_names_them(example_sources):
    src = example_sources["sort"]
    module = load_module(src)
    assert module.name == str(src)
    assert module.source_file == str(src)
    assert module.evaluate("") == Module.from_string(c_to_ir(src)).evaluate("")


def test_load_module_parses_ir(example_bcs, tmp_path):
    bc = example_bcs["crc32"]
    from_bc = load_module(bc)
    assert from_bc.name == str(bc)
    ll = tmp_path / "crc32.ll"
    ll.write_text(from_bc.to_text())
    assert load_module(ll).hash == from_bc.hash


def test_extra_flags_reach_clang(tmp_path):
    src = tmp_path / "flag.c"
    src.write_text("int value(void) { return VALUE; }\n")
    text = Module.from_string(c_to_ir(src, extra_flags=["-DVALUE=4242"])).to_text()
    assert "4242" in text


def test_cpp_by_suffix(tmp_path):
    code = (
        "template <typename T> struct Box { T v; T get() const { return v; } };\n"
        "int use(int x) { Box<int> b{x}; return b.get() * 3; }\n"
    )
    for suffix in (".cpp", ".cc", ".cxx"):
        src = tmp_path / f"box{suffix}"
        src.write_text(code)
        module = load_module(src)
        text = module.to_text()
        assert "@_Z3usei" in text  # C++ mangling: compiled as C++
        assert {"minsize", "optsize"} <= function_attributes(text)["_Z3usei"]
    # The same code as C does not compile, so the suffix decided.
    src = tmp_path / "box.c"
    src.write_text(code)
    with pytest.raises(passlm.CompileError):
        c_to_ir(src)


def test_broken_c_names_file_and_line(tmp_path):
    src = tmp_path / "broken.c"
    src.write_text("int f(int x) {\n  return x +;\n}\n")
    with pytest.raises(passlm.CompileError) as info:
        c_to_ir(src)
    message = str(info.value)
    assert str(src) in message
    assert f"{src}:2:" in message  # clang's file:line:col
    assert "error" in message
    with pytest.raises(passlm.CompileError):
        load_module(src)


def test_compile_error_keeps_only_the_first_lines(tmp_path):
    src = tmp_path / "many.c"
    src.write_text("".join(f"int f{i}(void) {{ return x{i}; }}\n" for i in range(200)))
    with pytest.raises(passlm.CompileError) as info:
        c_to_ir(src)
    message = str(info.value)
    assert f"{src}:1:" in message
    assert len(message.splitlines()) < 40


def test_missing_source_and_unknown_suffix(tmp_path):
    with pytest.raises(FileNotFoundError):
        c_to_ir(tmp_path / "nope.c")
    with pytest.raises(FileNotFoundError):
        load_module(tmp_path / "nope.c")
    with pytest.raises(FileNotFoundError):
        load_module(tmp_path / "nope.ll")
    odd = tmp_path / "notes.txt"
    odd.write_text("hello\n")
    with pytest.raises(ValueError, match=r"notes\.txt.*unknown kind of file.*\.ll"):
        load_module(odd)
    with pytest.raises(ValueError):
        c_to_ir(odd)


def test_missing_clang_is_a_compile_error(example_sources, tmp_path):
    with pytest.raises(passlm.CompileError, match="cannot run"):
        c_to_ir(example_sources["sort"], clang=str(tmp_path / "no-such-clang"))


def test_first_error_line_skips_warnings():
    stderr = ("a.c:1:1: warning: something\n  1 | int x\n"
              "a.c:2:3: error: expected ';'\na.c:3:1: error: other\n2 errors generated.\n")
    assert first_error_line(stderr) == "a.c:2:3: error: expected ';'"
    assert first_error_line("") == "(no diagnostics)"


def test_dates_are_the_epochs_and_header_paths_from_the_environment_are_ignored(tmp_path, monkeypatch):
    headers = tmp_path / "headers"
    headers.mkdir()
    (headers / "only_here.h").write_text("#define FROM_CPATH 1\n")
    src = tmp_path / "when.c"
    src.write_text('const char *when = __DATE__ " " __TIME__;\n'
                   "#if __has_include(<only_here.h>)\nint found = 1;\n#else\nint found = 0;\n#endif\n")
    monkeypatch.setenv("CPATH", str(headers))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    text = Module.from_string(c_to_ir(src)).to_text()
    assert "Jan  1 1970 00:00:00" in text  # SOURCE_DATE_EPOCH=0, whatever the caller's
    assert re.search(r"@found = .*global i32 0", text)  # CPATH did not reach clang


def test_compile_error_reason_is_clangs_first_error_line(tmp_path):
    src = tmp_path / "two.c"
    src.write_text("#warning first a warning\nint f(void) { return missing_a; }\nint g(void) { return missing_b; }\n")
    with pytest.raises(ClangError) as info:
        c_to_ir(src)
    assert info.value.reason == f"{src}:2:22: error: use of undeclared identifier 'missing_a'"
    assert str(info.value) == info.value.reason  # clang's line names the file already
    assert "missing_b" in info.value.diagnostics and "missing_b" not in str(info.value)


def test_run_clang_timeout_and_environment(tmp_path):
    slow = tmp_path / "slow-clang"
    slow.write_text("#!/bin/sh\necho \"$SOURCE_DATE_EPOCH $PASSLM_EXTRA\"\nsleep 5\n")
    slow.chmod(0o755)
    with pytest.raises(ClangError, match=r"^x\.c: clang timed out after 0\.5 s$"):
        run_clang([str(slow)], timeout=0.5, what="x.c")
    quick = tmp_path / "quick-clang"
    quick.write_text("#!/bin/sh\necho \"$SOURCE_DATE_EPOCH $PASSLM_EXTRA\"\n")
    quick.chmod(0o755)
    assert run_clang([str(quick)], env={"PASSLM_EXTRA": "plugin"}).stdout == b"0 plugin\n"
    assert ir_command("a.c", ("-x", "c"), clang="clang", working_directory="/src") == [
        "clang", "-x", "c", *IR_FLAGS, "a.c", "-o", "-", "-working-directory", "/src"]
