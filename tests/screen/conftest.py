"""Screening's test helpers: a fresh cache per session, a plugin that miscompiles on
purpose (cpp/testing/BreakCode.cpp, built here with cmake into a temporary
folder), a store, small programs, and the subprocess counters."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from passlm.screen import COUNTERS
from passlm.store import Store

REPO = Path(__file__).resolve().parents[2]
PROGRAMS = REPO / "screening" / "programs"
BREAK = "default<Oz>,passlm-test-break"


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
    return {k: COUNTERS[k] for k in ("ir", "opt", "link", "run", "csmith")}


def write_program(folder: Path, name: str, code: str, expected: str, status: int = 0) -> Path:
    src = folder / f"{name}.c"
    src.write_text(code)
    src.with_suffix(".expected").write_text(expected)
    if status:
        src.with_suffix(".status").write_text(f"{status}\n")
    return src
