"""Helpers shared by tests that drive the LLVM tools as a user would."""
from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
EXAMPLE_SOURCES = sorted(EXAMPLES.glob("*.c"))


def run(cmd, env_extra=None, check=True, cwd=None, timeout=600):
    """Run a command with PASSLM_* cleared and env_extra set; return CompletedProcess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASSLM_")}
    env.update(env_extra or {})
    result = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{cmd} failed ({result.returncode}):\n{result.stderr}")
    return result


def warning_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("passlm: warning:")]


def berkeley_size(llvm_size: str, obj: Path) -> int:
    """text + data of an object, as llvm-size -B reports them."""
    fields = run([llvm_size, "-B", obj]).stdout.splitlines()[1].split()
    return int(fields[0]) + int(fields[1])


def write_tree(root: Path, files: dict) -> Path:
    """Writes files (relative name -> text, dedented) under root; returns root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root
