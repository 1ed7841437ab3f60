"""Fixtures of the evaluation tests: a tiny suite of three .ll files, engines
written as python: files, and the `passlm eval` command."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from passlm import paths

#: Three small programs whose pipelines give different object sizes.
TINY_SOURCES = {
    "alpha": """
        static int sq(int x) { return x * x; }
        int sum(int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += sq(a[i]) + i; return s; }
        int max(int *a, int n) { int m = a[0]; for (int i = 1; i < n; i++) if (a[i] > m) m = a[i]; return m; }
    """,
    "beta": """
        struct node { struct node *next; int value; };
        int count(struct node *n) { int c = 0; while (n) { c += n->value != 0; n = n->next; } return c; }
        int find(struct node *n, int v) { for (; n; n = n->next) if (n->value == v) return 1; return 0; }
        void fill(int *a, int n, int v) { for (int i = 0; i < n; i++) a[i] = v * i + (v ^ i); }
    """,
    "gamma": """
        const char *name(int op) {
            switch (op) { case 0: return "add"; case 1: return "sub"; case 2: return "mul";
                          case 3: return "div"; case 4: return "mod"; default: return "?"; }
        }
        unsigned hash(const char *s) { unsigned h = 5381; while (*s) h = h * 33 + (unsigned char)*s++; return h; }
    """,
}
IR_FLAGS = ["-Oz", "-Xclang", "-disable-llvm-passes", "-emit-llvm", "-S"]


@pytest.fixture(scope="session")
def tiny_suite(tmp_path_factory) -> Path:
    """A directory of three .ll files in passlm's IR form."""
    out = tmp_path_factory.mktemp("tiny_suite")
    clang = paths.llvm_tool("clang")
    for name, source in TINY_SOURCES.items():
        c = out / f"{name}.c"
        c.write_text(textwrap.dedent(source))
        subprocess.run([clang, *IR_FLAGS, "-x", "c", str(c), "-o", str(out / f"{name}.ll")], check=True,
                       capture_output=True)
        c.unlink()
    return out


@pytest.fixture
def python_engine(tmp_path):
    """python_engine(BODY, name="engine.py") -> the spec python:FILE.py:predict of a
    function whose body is BODY (ir_text, k and facts in scope; random imported)."""

    def write(body: str, name: str = "engine.py") -> str:
        path = tmp_path / name
        path.write_text("import random\n\n\ndef predict(ir_text, k, facts):\n"
                        + textwrap.indent(textwrap.dedent(body).strip() + "\n", "    "))
        return f"python:{path}:predict"

    return write


def _wired(passlm_exe: Path) -> bool:
    done = subprocess.run([str(passlm_exe), "eval", "--help"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    return done.returncode == 0


@pytest.fixture(scope="session")
def eval_command(passlm_exe):
    """run(*args, cwd=None) -> CompletedProcess of `passlm eval ARGS`.

    Until the subcommand is wired into passlm's parser, the same code runs as
    `python -m passlm.eval ARGS`.
    """
    prefix = [str(passlm_exe), "eval"] if _wired(passlm_exe) else [sys.executable, "-m", "passlm.eval"]

    def run(*args, cwd=None):
        return subprocess.run([*prefix, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                              stdin=subprocess.DEVNULL, timeout=300)

    return run
