"""Writes NAME.expected (and NAME.status when the exit status is not 0) for screening programs.

    .venv/bin/python screening/make_expected.py screening/programs/NAME.c...

The output is that of clang-19 -O0 with UBSan and ASan (no recovery), and it
is written only when clang-19 -Oz and gcc -O2 builds print the same and exit
the same way (passlm.screen.reference_output). Compiler warnings
(-Wall -Wextra) are shown; the corpus has none.
"""
import subprocess
import sys
from pathlib import Path

from passlm.paths import llvm_tool
from passlm.screen import ScreenError, reference_output


def main(argv):
    failures = 0
    for name in argv:
        src = Path(name)
        warnings = subprocess.run([llvm_tool("clang"), "-Wall", "-Wextra", "-fsyntax-only", str(src)],
                                  capture_output=True, text=True).stderr
        if warnings:
            print(warnings, end="", file=sys.stderr)
        try:
            stdout, status = reference_output(src)
        except ScreenError as e:
            print(f"{src}: not written: {e}", file=sys.stderr)
            failures += 1
            continue
        src.with_suffix(".expected").write_bytes(stdout)
        status_file = src.with_suffix(".status")
        if status:
            status_file.write_text(f"{status}\n")
        elif status_file.exists():
            status_file.unlink()
        print(f"{src}: {len(stdout.splitlines())} lines, exit status {status}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
