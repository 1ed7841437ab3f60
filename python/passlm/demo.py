"""The main job, end to end: build every example with the plugin inside
clang -Oz, check that each program still prints its expected output, and
compare its object size with plain clang -Oz.

    passlm demo [--engine SPEC] [--examples DIR]
"""
from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .compile import default_clang, run_clang
from .engine import DEFAULT_ENGINE
from .metrics import improvement_over_oz
from .paths import llvm_tool, plugin_path

PRINT_LINE = re.compile(r"^passlm: .*: '(?P<pipeline>.*)' \d+ bytes, -Oz \d+ bytes", re.M)


@dataclass
class DemoRow:
    program: str
    pipeline: str
    size: int
    oz_size: int
    output_ok: bool


def object_size(obj: Path) -> int:
    fields = subprocess.run([llvm_tool("llvm-size"), "-B", str(obj)], check=True,
                            capture_output=True, text=True).stdout.splitlines()[1].split()
    return int(fields[0]) + int(fields[1])


def build_example(src: Path, engine: str, workdir: Path) -> DemoRow:
    # Every clang run goes through passlm.compile: one environment (both builds alike), clang's first
    # error line as a CompileError.
    clang = default_clang()
    plain_obj, plugin_obj, exe = workdir / f"{src.stem}.oz.o", workdir / f"{src.stem}.o", workdir / src.stem
    run_clang([clang, "-Oz", "-c", src, "-o", plain_obj], what=f"{src}: clang -Oz")
    built = run_clang([clang, "-Oz", f"-fpass-plugin={plugin_path()}", "-c", src, "-o", plugin_obj],
                      env={"PASSLM_ENGINE": engine, "PASSLM_PRINT": "1"}, what=f"{src}: clang -Oz with the plugin")
    said = built.stderr.decode("utf-8", "replace")
    chosen = PRINT_LINE.search(said)
    for line in said.splitlines():
        if line.startswith("passlm: warning:"):
            print(line)
    run_clang([clang, plugin_obj, "-o", exe], what=f"{src}: linking")
    output = subprocess.run([str(exe)], capture_output=True, text=True).stdout
    expected = src.with_suffix(".expected")
    return DemoRow(src.name, chosen["pipeline"] if chosen else "?", object_size(plugin_obj), object_size(plain_obj),
                   expected.exists() and output == expected.read_text())


def run_demo(examples: Path, engine: str = DEFAULT_ENGINE, out=print) -> list[DemoRow]:
    sources = sorted(examples.glob("*.c"))
    if not sources:
        raise FileNotFoundError(f"no .c files in {examples}")
    out(f"plugin: {plugin_path()}")
    out(f"engine: {engine}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="passlm-demo-") as tmp:
        for src in sources:
            rows.append(build_example(src, engine, Path(tmp)))
    width = max(len(r.pipeline) for r in rows)
    out(f"{'program':<16} {'chosen pipeline':<{width}} {'bytes':>6} {'-Oz':>6} {'change':>8}  output")
    for r in rows:
        change = 100.0 * (r.size - r.oz_size) / r.oz_size
        out(f"{r.program:<16} {r.pipeline:<{width}} {r.size:>6} {r.oz_size:>6} {change:>+7.2f}%  "
            f"{'ok' if r.output_ok else 'WRONG'}")
    summary = improvement_over_oz([r.size for r in rows], [r.oz_size for r in rows])
    out(f"improvement over -Oz: {summary.describe()}; "
        f"{sum(r.output_ok for r in rows)}/{len(rows)} programs print their expected output")
    return rows


def default_examples() -> Optional[Path]:
    here = Path(__file__).resolve().parents[2] / "examples"
    return here if here.is_dir() else None
