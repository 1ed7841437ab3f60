"""mypy on the public API (passlm/__init__.py and the modules it exports
from) and on the tests that use it, as a user's type checker sees the
package: py.typed, the compiled core's stubs (_core.pyi, generated at build
time beside the extension) and the real types of the lazily loaded names.
(test_packaging.py checks the same on an installed wheel.)"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from passlm import paths
from support import REPO

PACKAGE = REPO / "python" / "passlm"
#: The modules that define the public API (what passlm/__init__.py exports).
API_MODULES = ["__init__.py", "compile.py", "defaults.py", "errors.py", "paths.py", "engine/__init__.py"]
#: Tests that use the public API (passlm.X): checked with their bodies.
API_TESTS = ["test_core.py", "test_compile.py", "test_guard.py", "test_pass_names.py", "engine/test_engines.py"]
SAMPLE = """\
import passlm

reveal_type(passlm.Module)
reveal_type(passlm.load_module)
reveal_type(passlm.make_engine)
reveal_type(passlm.plugin_path())
m: passlm.Module = passlm.load_module("x.c")
size: int = m.object_size()
"""


@pytest.fixture(scope="module")
def typed_package(tmp_path_factory) -> Path:
    """The package as installed: the sources with the generated _core.pyi beside
    them (an editable install keeps the two apart, where mypy cannot join them)."""
    root = tmp_path_factory.mktemp("site")
    (root / "passlm").mkdir()
    for entry in PACKAGE.iterdir():
        if entry.name != "__pycache__":
            (root / "passlm" / entry.name).symlink_to(entry)
    for generated in ("_core.pyi", "_build_info.py"):
        (root / "passlm" / generated).symlink_to(paths.package_lib_dir() / generated)
    return root


def mypy(typed_package: Path, *files: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "mypy", "--no-incremental", "--check-untyped-defs", "--follow-imports=silent",
               "--ignore-missing-imports", "--python-version=3.11", *map(str, files)]
    env = {"MYPYPATH": f"{typed_package}:{REPO / 'tests'}", "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=typed_package, timeout=600)


def test_py_typed_ships():
    assert (PACKAGE / "py.typed").is_file()


def test_the_public_api_and_its_tests_type_check(typed_package):
    result = mypy(typed_package, *(typed_package / "passlm" / m for m in API_MODULES),
                  *(REPO / "tests" / t for t in API_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_lazy_names_have_their_real_types(typed_package, tmp_path):
    sample = tmp_path / "use.py"
    sample.write_text(SAMPLE)
    result = mypy(typed_package, sample)
    revealed = [line.partition("Revealed type is ")[2] for line in result.stdout.splitlines() if "Revealed" in line]
    assert len(revealed) == 4 and not [r for r in revealed if "Any" in r], result.stdout
    assert "passlm._core.Module" in revealed[0] and "passlm.engine.Engine" in revealed[2], result.stdout
    assert revealed[3] == '"pathlib.Path"' and result.returncode == 0, result.stdout


def test_a_wrong_use_is_caught(typed_package, tmp_path):
    sample = tmp_path / "wrong.py"
    sample.write_text(textwrap.dedent("""\
        import passlm
        passlm.load_module(42)
        """))
    result = mypy(typed_package, sample)
    assert result.returncode == 1 and "load_module" in result.stdout, result.stdout


def test_a_module_prints_as_what_it_is():
    import passlm

    module = passlm.Module.from_string("define i32 @f(i32 %x) {\n  ret i32 %x\n}\n", name="f.ll")
    assert repr(module) == "<passlm.Module 'f.ll' (1 instructions)>"
