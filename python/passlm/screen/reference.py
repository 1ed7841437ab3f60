"""What a program should print: the output its reference builds agree on.

A program's NAME.expected is trusted only when clang-19 -O0 with UBSan and
ASan (no recovery), clang-19 -Oz and gcc -O2 all build it and it prints the
same and exits the same under each (no undefined behaviour showed). The
builds run in the environment of every compile (``passlm.compile``).
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Optional, Sequence, Tuple

from ..compile import clang_environment
from .corpus import PathLike
from .process import Run, difference, first_lines, run, signal_name, tool
from .results import ScreenError

#: Builds that must agree for a program's expected output to be trusted.
REFERENCE_BUILDS = (
    ("clang", ("-O0", "-fsanitize=undefined,address", "-fno-sanitize-recover=all")),
    ("clang", ("-Oz",)),
    ("gcc", ("-O2",)),
)


def _build_and_run(src: Path, compiler: str, flags: Sequence[str], exe: Path,
                   extra: Sequence[str], timeout: float) -> Tuple[Optional[Run], str]:
    """Compile SRC with one reference build and run it: (the run, "") or (None, why not)."""
    built = run([tool(compiler), *flags, "-w", *extra, str(src), "-o", str(exe), "-lm"], 120, "reference",
                env=clang_environment())
    if built.returncode != 0:
        return None, f"{compiler} {' '.join(flags)} failed: {first_lines(built.stderr)}"
    return run([str(exe)], timeout, "run", cwd=exe.parent), ""


def reference_output(source: PathLike, builds=REFERENCE_BUILDS, extra_flags: Sequence[str] = (),
                     timeout: float = 10.0) -> Tuple[bytes, int]:
    """(stdout, exit status) of SOURCE, the same under every build, else ScreenError.

    The default builds are clang-19 -O0 with UBSan and ASan (no recovery),
    clang-19 -Oz and gcc -O2: what the corpus's NAME.expected files hold.
    """
    src = Path(source)
    results = []
    with tempfile.TemporaryDirectory(prefix="passlm-ref-") as tmp:
        for i, (compiler, flags) in enumerate(builds):
            label = f"{compiler} {' '.join(flags)}"
            ran, why = _build_and_run(src, compiler, flags, Path(tmp) / f"b{i}", extra_flags, timeout)
            if ran is None:
                raise ScreenError(f"{src}: {why}")
            if ran.timed_out:
                raise ScreenError(f"{src}: {label}: still running after {timeout:g} s")
            if ran.returncode < 0:
                raise ScreenError(f"{src}: {label}: {signal_name(ran.returncode)}: {first_lines(ran.stderr)}")
            results.append((label, ran))
    first_label, first = results[0]
    for label, ran in results[1:]:
        if (ran.stdout, ran.returncode) != (first.stdout, first.returncode):
            what = (difference(first.stdout, ran.stdout) if ran.stdout != first.stdout
                    else f"exit status {ran.returncode} != {first.returncode}")
            said = "; ".join(f"{lbl} says: {first_lines(r.stderr, 2)}" for lbl, r in (results[0], (label, ran))
                             if r.returncode and r.stderr.strip())
            raise ScreenError(f"{src}: {label} disagrees with {first_label}: {what}" + (f" ({said})" if said else ""))
    return first.stdout, first.returncode
