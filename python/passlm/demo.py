"""The main job, end to end: build every example with the plugin inside
clang -Oz, check that each program still prints its expected output, and
compare its object size with plain clang -Oz.

    passlm demo [--engine SPEC] [--examples DIR] [--json]

Each program's row is printed as soon as it is built (the chosen pipeline
last, so rows need no width known in advance); a source clang cannot compile
is a user error (one ``passlm: error:`` line, exit status 1).
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Optional

from . import command
from .command import UserError
from .compile import default_clang, run_clang
from .engine import DEFAULT_ENGINE
from .metrics import improvement_over_oz
from .paths import llvm_tool, plugin_path

PRINT_LINE = re.compile(r"^passlm: .*: '(?P<pipeline>.*)' \d+ bytes, -Oz \d+ bytes", re.M)
HEADER = f"{'program':<16} {'bytes':>6} {'-Oz':>6} {'change':>8}  {'output':<6}  chosen pipeline"


@dataclass
class DemoRow:
    program: str
    pipeline: str
    size: int
    oz_size: int
    output_ok: bool

    @property
    def change(self) -> float:
        """Object size against -Oz, as a fraction (negative: smaller)."""
        return (self.size - self.oz_size) / self.oz_size

    def line(self) -> str:
        return (f"{self.program:<16} {self.size:>6} {self.oz_size:>6} {self.change * 100:>+7.2f}%  "
                f"{'ok' if self.output_ok else 'WRONG':<6}  {self.pipeline}")


def _run(cmd: list, what: str, **kwargs) -> subprocess.CompletedProcess:
    """Runs a tool; its failure is a user error naming its first error line."""
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        first = next((l for l in lines if "error" in l), lines[0] if lines else f"exit status {done.returncode}")
        raise UserError(f"{what}: {first}")
    return done


def object_size(obj: Path) -> int:
    fields = _run([llvm_tool("llvm-size"), "-B", obj], str(obj)).stdout.splitlines()[1].split()
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
            print(line, file=sys.stderr, flush=True)
    run_clang([clang, plugin_obj, "-o", exe], what=f"{src}: linking")
    output = subprocess.run([str(exe)], capture_output=True, text=True).stdout
    expected = src.with_suffix(".expected")
    return DemoRow(src.name, chosen["pipeline"] if chosen else "?", object_size(plugin_obj), object_size(plain_obj),
                   expected.exists() and output == expected.read_text())


def run_demo(examples: Path, engine: str = DEFAULT_ENGINE,
             out: Optional[Callable[[str], None]] = None) -> list[DemoRow]:
    """Builds every example; ``out`` (if given) gets each line as soon as it is known."""
    say = out or (lambda line: None)
    sources = sorted(examples.glob("*.c"))
    if not sources:
        raise FileNotFoundError(f"no .c files in {examples}")
    say(f"plugin: {plugin_path()}")
    say(f"engine: {engine}")
    say(HEADER)
    rows = []
    with tempfile.TemporaryDirectory(prefix="passlm-demo-") as tmp:
        for src in sources:
            rows.append(build_example(src, engine, Path(tmp)))
            say(rows[-1].line())
    say(f"improvement over -Oz: {summary(rows).describe()}; "
        f"{sum(r.output_ok for r in rows)}/{len(rows)} programs print their expected output")
    return rows


def summary(rows: list[DemoRow]):
    return improvement_over_oz([r.size for r in rows], [r.oz_size for r in rows])


def default_examples() -> Optional[Path]:
    """The checkout's examples/ when running from one, else the copy installed with the package."""
    from .paths import examples_dir

    for folder in (Path(__file__).resolve().parents[2] / "examples", examples_dir()):
        if folder.is_dir():
            return folder
    return None


def register(sub) -> None:
    demo = sub.add_parser(
        "demo",
        help="build the examples with the plugin inside clang -Oz; sizes against -Oz",
        description=(
            "Build every example with clang-19 -Oz -fpass-plugin, check that each "
            "program prints its expected output, and compare object sizes with "
            "plain clang-19 -Oz; each program's row is printed as it is built. "
            "Exit status 1 if any output is wrong."
        ),
    )
    demo.add_argument("--engine", metavar="SPEC", help=f"engine spec (default: $PASSLM_ENGINE, else {DEFAULT_ENGINE})")
    demo.add_argument("--examples", metavar="DIR", help="folder of NAME.c + NAME.expected (default: examples/)")
    command.add_json_flag(demo, "every program's row and the improvement, once all are built,")
    demo.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    examples = Path(args.examples) if args.examples else default_examples()
    if examples is None:
        raise UserError("no examples folder here; pass --examples DIR")
    if not examples.is_dir():
        raise UserError(f"{examples}: no such directory")
    engine = args.engine or os.environ.get("PASSLM_ENGINE") or DEFAULT_ENGINE
    rows = run_demo(examples, engine, out=None if args.json else lambda line: print(line, flush=True))
    if args.json:
        improvement = summary(rows)
        command.print_json({
            "plugin": str(plugin_path()), "engine": engine,
            "programs": [dict(asdict(r), change=r.change) for r in rows],
            "improvement": asdict(improvement),
            "outputs_ok": sum(r.output_ok for r in rows),
        })
    return 0 if all(r.output_ok for r in rows) else 1
