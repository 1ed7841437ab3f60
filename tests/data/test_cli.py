"""passlm data: what a user sees when something is wrong (one line, exit status 1; usage: 2)."""
from __future__ import annotations

import glob
import shutil

import pytest


def _error(done) -> str:
    assert done.returncode == 1, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("passlm: error: "), done.stderr
    return lines[0][len("passlm: error: "):]


def test_missing_dir(data_cli, tmp_path):
    assert _error(data_cli.run("build", "--db", tmp_path / "c.db", "--dir", tmp_path / "nope")) == (
        f"{tmp_path / 'nope'}: no such directory")
    (tmp_path / "file.c").write_text("int x;\n")
    assert _error(data_cli.run("build", "--db", tmp_path / "c.db", "--dir", tmp_path / "file.c")) == (
        f"{tmp_path / 'file.c'}: not a directory")
    assert not (tmp_path / "c.db").exists()


def test_nothing_to_build(data_cli, tmp_path):
    assert _error(data_cli.run("build", "--db", tmp_path / "c.db")).startswith("nothing to build")
    assert _error(data_cli.run("build", "--db", tmp_path / "c.db", "--csmith", "-1")) == (
        "--csmith takes a count >= 0, not -1")


def test_missing_compile_commands(data_cli, tmp_path):
    assert _error(data_cli.run("build", "--db", tmp_path / "c.db", "--compile-commands",
                               tmp_path / "compile_commands.json")) == f"{tmp_path}/compile_commands.json: no such file"


def test_missing_store(data_cli, tmp_path):
    for command in (["stats"], ["split", "--test-fraction", "0.5"]):
        assert _error(data_cli.run(*command, "--db", tmp_path / "none.db")) == f"{tmp_path}/none.db: no such store"
    assert not (tmp_path / "none.db").exists()


def test_split_unknown_package(data_cli, tmp_path):
    src = tmp_path / "pkg"
    src.mkdir()
    (src / "a.c").write_text("int a(void) { return 1; }\n")
    db = tmp_path / "c.db"
    assert data_cli.run("build", "--db", db, "--dir", src).returncode == 0
    assert _error(data_cli.run("split", "--db", db, "--test-packages", "zzz")) == (
        "unknown package for the test split: zzz (known: pkg)")


@pytest.mark.skipif(not shutil.which("apt-cache") or not glob.glob("/var/lib/apt/lists/*_Sources*"),
                    reason="apt has no source index (no deb-src entry, or apt-get update not run)")
def test_unknown_debian_package(data_cli, tmp_path):
    message = _error(data_cli.run("build", "--db", tmp_path / "c.db", "--debian", "zlib",
                                  "no-such-package-passlm", "--workdir", tmp_path / "w"))
    assert message.startswith("unknown Debian source package: no-such-package-passlm")
    assert not (tmp_path / "c.db").exists() and not (tmp_path / "w").exists()


@pytest.mark.parametrize("text, message", [
    ('{\n  "packages": [\n    {"name": "zlib",}\n  ]\n}', ":3:21: invalid JSON: Expecting property name enclosed in double quotes"),
    ('{"packages": [{"version": "1"}]}', ": packages[0].name: expected str, got null"),
    ('{"packages": ["zlib"], "flags": "-O2"}', ": flags: expected list, got \"-O2\""),
    ('{"packages": []}', ": the recipe names no packages and no csmith programs"),
])
def test_bad_recipe(data_cli, tmp_path, text, message):
    recipe = tmp_path / "recipe.json"
    recipe.write_text(text)
    assert _error(data_cli.run("build", "--db", tmp_path / "c.db", "--recipe", recipe)) == f"{recipe}{message}"


def test_usage_errors(data_cli, tmp_path):
    assert data_cli.run("build", "--db", tmp_path / "c.db", "--dir", tmp_path, "--jobs", "0").returncode == 2
    assert data_cli.run("build", "--dir", tmp_path).returncode == 2  # --db is required
    done = data_cli.run()
    assert done.returncode == 2 and "a data command is required" in done.stderr


def test_a_folder_without_sources_is_an_error_and_no_store_is_made(data_cli, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no C here\n")
    assert _error(data_cli.run("build", "--db", tmp_path / "c.db", "--dir", empty)) == (
        f"{empty}: no C/C++ sources in it")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_a_compile_commands_file_without_entries_is_an_error(data_cli, tmp_path):
    src = tmp_path / "pkg"
    data_cli.sources(src, 1)
    bad = tmp_path / "bad.json"
    bad.write_text("[]\n")
    done = data_cli.run("build", "--db", tmp_path / "c.db", "--dir", src, "--compile-commands", bad)
    assert _error(done) == f"{bad}: no C/C++ sources in it"
    assert not (tmp_path / "c.db").exists()


def test_python_dash_m_is_the_data_command(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "passlm.data", "stats", "--db", tmp_path / "none.db"],
                          capture_output=True, text=True)
    assert _error(done) == f"{tmp_path}/none.db: no such store"
    done = subprocess.run([sys.executable, "-m", "passlm.data"], capture_output=True, text=True)
    assert done.returncode == 2 and "a data command is required (build, lifter, pairs, split, stats)" in done.stderr
