"""passlm.csmith: finding csmith and csmith.h, seeded programs written whole, the version key."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from passlm import csmith
from passlm.csmith import Csmith, CsmithError


def fake_csmith(tmp_path: Path, script: str) -> Csmith:
    exe = tmp_path / "bin" / "csmith"
    exe.parent.mkdir(parents=True, exist_ok=True)
    exe.write_text("#!/bin/sh\n" + script)
    exe.chmod(0o755)
    return Csmith(str(exe), tmp_path, "0.0")


def test_a_failing_csmith_leaves_no_program(tmp_path):
    broken = fake_csmith(tmp_path, 'echo "int half"\necho "no such option" >&2\nexit 3\n')
    out = tmp_path / "work" / "p.c"
    with pytest.raises(CsmithError, match=r"csmith --seed 5 failed \(exit status 3\): no such option"):
        broken.generate(5, out)
    assert not out.exists() and list(out.parent.iterdir()) == []
    slow = fake_csmith(tmp_path, "sleep 5\n")
    with pytest.raises(CsmithError, match="still running after 0.2 s"):
        slow.generate(5, out, timeout=0.2)
    assert list(out.parent.iterdir()) == []


def test_generate_runs_in_the_programs_folder_with_the_seed(tmp_path):
    echo = fake_csmith(tmp_path, 'echo "seed $2 in $(pwd)"\n')
    out = tmp_path / "work" / "p.c"
    echo.generate(42, out)
    assert out.read_text() == f"seed 42 in {out.parent}\n"


def test_missing_csmith_is_one_error_naming_the_packages(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CsmithError, match="apt-get install csmith libcsmith-dev"):
        csmith.find()


@pytest.fixture
def installed() -> Csmith:
    try:
        return csmith.find()
    except CsmithError:
        pytest.skip("csmith and libcsmith-dev are not installed (apt-get install csmith libcsmith-dev)")


def test_installed_csmith(installed, tmp_path):
    assert (installed.include / "csmith.h").is_file()
    assert installed.include_flags() == ("-I", str(installed.include))
    assert installed.exe == shutil.which("csmith")
    assert re.fullmatch(r"\d+(\.\d+)+", installed.version), installed.version
    first, again = tmp_path / "a" / "7.c", tmp_path / "b" / "7.c"
    installed.generate(7, first)
    installed.generate(7, again)
    assert first.read_bytes() == again.read_bytes() and b"Seed:" in first.read_bytes()
    assert (first.parent / "platform.info").is_file()  # csmith writes it into its working folder: the program's
