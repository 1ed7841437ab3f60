"""passlm data build --compile-commands: a real CMake build's flags, the IR flags swapped in."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

import passlm
from passlm.data.compile_commands import clean_flags, command_jobs
from passlm.store import Store

from support import EXAMPLES

PROJECT = EXAMPLES / "cmake_project"


@pytest.fixture(scope="module")
def cmake_build(tmp_path_factory):
    if not shutil.which("cmake"):
        pytest.skip("cmake is not installed")
    build = tmp_path_factory.mktemp("cmake-build")
    subprocess.run(["cmake", "-S", PROJECT, "-B", build, "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
                    "-DCMAKE_C_COMPILER=clang-19", "-DCMAKE_BUILD_TYPE=Release"],
                   check=True, capture_output=True)
    assert (build / "compile_commands.json").is_file()
    return build


def test_cmake_project_ingested_with_provenance(data_cli, tmp_path, cmake_build):
    cc = cmake_build / "compile_commands.json"
    entries = json.loads(cc.read_text())
    db = tmp_path / "c.db"
    done = data_cli.run("build", "--db", db, "--compile-commands", cc)
    assert done.returncode == 0, done.stderr
    assert f"{len(entries)} stored, 0 duplicates, 0 failed" in done.stdout
    with Store(db) as store:
        infos = [store.module_info(h) for h in store.module_hashes()]
    assert sorted(i["source"] for i in infos) == sorted(f"src/{p.name}" for p in (PROJECT / "src").glob("*.c"))
    for info in infos:
        assert info["origin"] == "compile_commands"
        assert info["package"] == "cmake_project"
        assert info["llvm_version"] == passlm.LLVM_VERSION
        command = info["command"]
        entry = next(e for e in entries if e["file"].endswith(info["source"]))
        original = entry["command"].split()
        # The build's own flags are kept...
        assert f"-I{PROJECT}/include" in command
        assert "-DNDEBUG" in original and "-DNDEBUG" in command
        assert "-std=c11" in command and "-Wall" in command and "-Wextra" in command
        # ...its optimization level and output are not; the IR flags are in.
        assert "-O3" in original and "-O3" not in command
        output = original[original.index("-o") + 1]
        assert output.endswith(".o") and output not in command
        assert command[command.index("-Oz"):command.index("-Oz") + 5] == [
            "-Oz", "-Xclang", "-disable-llvm-passes", "-emit-llvm", "-c"]
        assert command[command.index("-o") + 1] == "-"
        assert command[command.index("-working-directory") + 1] == entry["directory"]


def test_same_module_as_a_direct_compile(tmp_path, cmake_build):
    jobs = command_jobs(cmake_build / "compile_commands.json")
    job = next(j for j in jobs if j.source == "src/eval.c")
    done = subprocess.run(job.command(passlm.compile.default_clang()), cwd=job.cwd, capture_output=True,
                          check=True)
    direct = subprocess.run(["clang-19", f"-I{PROJECT}/include", "-DNDEBUG", "-std=c11", "-Oz", "-Xclang",
                             "-disable-llvm-passes", "-emit-llvm", "-c", PROJECT / "src" / "eval.c", "-o", "-"],
                            capture_output=True, check=True)
    assert passlm.Module.from_string(done.stdout).hash == passlm.Module.from_string(direct.stdout).hash


@pytest.mark.parametrize("flags, kept", [
    (["-O2", "-g", "-c", "-o", "x.o", "-MD", "-MF", "x.d", "-I", "inc", "-DX=1", "a.c"], ["-I", "inc", "-DX=1"]),
    (["-Os", "-ggdb3", "-flto=thin", "-fsanitize=address", "-MT", "x.o", "-Iinc", "-std=gnu99", "-fPIC",
      "-Werror", "-Werror=format", "-Wall", "-fno-strict-aliasing", "-c", "src/a.c", "-ox.o"],
     ["-Iinc", "-std=gnu99", "-fPIC", "-Wall", "-fno-strict-aliasing"]),
    (["-x", "c", "-include", "config.h", "-isystem", "/opt/inc", "-D_GNU_SOURCE", "-pipe", "a.c"],
     ["-x", "c", "-include", "config.h", "-isystem", "/opt/inc", "-D_GNU_SOURCE"]),
])
def test_clean_flags(flags, kept):
    assert clean_flags(flags, flags[-1] if flags[-1].endswith(".c") else "src/a.c") == kept


def test_arguments_form_and_repeated_files(data_cli, tmp_path):
    src = tmp_path / "proj" / "src"
    src.mkdir(parents=True)
    (src / "a.c").write_text("int a(void) { return A; }\n")
    cc = tmp_path / "compile_commands.json"
    cc.write_text(json.dumps([
        {"directory": str(src), "file": "a.c", "arguments": ["gcc", "-DA=1", "-O2", "-c", "a.c", "-o", "a.o"]},
        {"directory": str(src), "file": "a.c", "arguments": ["gcc", "-DA=2", "-c", "a.c"]},  # same file again
        {"directory": str(src), "file": "notes.txt", "command": "cp notes.txt x"},  # not C: ignored
    ]))
    db = tmp_path / "c.db"
    done = data_cli.run("build", "--db", db, "--compile-commands", cc, "--root", tmp_path / "proj",
                        "--package", "p")
    assert done.returncode == 0, done.stderr
    assert data_cli.rows(db, "SELECT source, package FROM modules") == [("src/a.c", "p")]
    [(command,)] = data_cli.rows(db, "SELECT command FROM modules")
    assert "-DA=1" in json.loads(command) and "-O2" not in json.loads(command)


@pytest.mark.parametrize("text, message", [
    ('[\n  {"directory": "/x",\n    "file": "a.c" "command": "cc a.c"}\n]', ":3:19: invalid JSON: Expecting ','"),
    ('{"directory": "/x"}', ": expected a JSON list of compile commands, got dict"),
    ('[{"directory": "/x", "command": "cc a.c"}]', ": entry 1: missing 'file'"),
    ('[{"directory": "/x", "file": "a.c"}]', ": entry 1: entry has neither 'arguments' nor 'command'"),
])
def test_bad_compile_commands(data_cli, tmp_path, text, message):
    cc = tmp_path / "compile_commands.json"
    cc.write_text(text)
    done = data_cli.run("build", "--db", tmp_path / "c.db", "--compile-commands", cc)
    assert done.returncode == 1
    assert done.stderr.strip() == f"passlm: error: {cc}{message}" or (
        done.stderr.startswith(f"passlm: error: {cc}{message}")), done.stderr
    assert not (tmp_path / "c.db").exists()  # nothing built before the input is checked
