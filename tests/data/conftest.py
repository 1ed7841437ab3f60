"""Helpers for the dataset builder's tests: run ``passlm data`` as a user would,
read a store, make small source trees."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def _data_command() -> list[str]:
    """``passlm data`` once the main command has it, else ``python -m passlm.data`` (the same code)."""
    from passlm import cli

    sub = next(a for a in cli.build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    exe = Path(sys.executable).with_name("passlm")
    if "data" in sub.choices and exe.is_file():
        return [str(exe), "data"]
    return [sys.executable, "-m", "passlm.data"]


DATA_COMMAND = _data_command()


def passlm_data(*args, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    """Runs ``passlm data ARGS``; the result has stdout, stderr and returncode."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASSLM_")}
    return subprocess.run([*DATA_COMMAND, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env=env, **kwargs)


def passlm_data_popen(*args, **kwargs) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASSLM_")}
    return subprocess.Popen([*DATA_COMMAND, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, **kwargs)


def rows(db: Path, sql: str, args=()) -> list:
    """A read-only query on a store (what a user would see with sqlite3)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def write_sources(folder: Path, count: int, functions: int = 1) -> list[Path]:
    """``count`` distinct C files (``functions`` functions each) in folder."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        body = "\n".join(
            f"int f{n}_{i}(const char *s, int k) {{ int r = {n}; for (int j = 0; j < k; j++) "
            f"{{ r += s[j] * {i + 1}; if (r > {n * 7 + i}) r ^= j; }} return r; }}"
            for i in range(functions))
        path = folder / f"src{n:02d}.c"
        path.write_text(body + "\n")
        paths.append(path)
    return paths


@pytest.fixture(scope="session")
def data_cli():
    """``data_cli.run(*args)``, ``data_cli.popen(*args)``, ``data_cli.rows(db, sql)``, ``data_cli.sources(...)``."""

    class DataCLI:
        run = staticmethod(passlm_data)
        popen = staticmethod(passlm_data_popen)
        rows = staticmethod(rows)
        sources = staticmethod(write_sources)

    return DataCLI


@pytest.fixture
def example_dir(tmp_path) -> Path:
    """Three example programs, one of them twice (in a subfolder), and one that does not compile."""
    d = tmp_path / "proj"
    (d / "sub").mkdir(parents=True)
    for name in ("hash.c", "sort.c", "crc32.c"):
        shutil.copy(EXAMPLES / name, d / name)
    shutil.copy(EXAMPLES / "hash.c", d / "sub" / "hash_copy.c")
    (d / "sub" / "broken.c").write_text("int main(void) {\n  return undefined_thing;\n}\n")
    return d


@pytest.fixture(scope="session")
def csmith() -> str:
    exe = shutil.which("csmith")
    if not exe or not (Path("/usr/include/csmith.h").is_file() or list(Path("/usr/include").glob("csmith*/csmith.h"))):
        pytest.skip("csmith and libcsmith-dev are not installed (apt-get install csmith libcsmith-dev)")
    return exe
