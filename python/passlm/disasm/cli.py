"""``passlm disasm FILE.s``: assembly to LLVM-IR, verified by round trip.

    passlm disasm f.s [--engine SPEC] [-k 4] [--triple T] [--llc-args '-O2 -relocation-model=pic'] [-o f.ll]

The IR goes to stdout (or -o); one line on stderr says whether it round-trips.
IR that does not is printed all the same, its first line the comment
``; passlm: NOT VERIFIED: ...``. Exit status 0 either way; 1 for user errors
(a missing file, assembly llvm-mc rejects, an unknown triple, an engine that
cannot disassemble).
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from .lift import DEFAULT_TRIPLE


def register(sub) -> None:
    from ..llc import DEFAULT_LLC_ARGS

    parser = sub.add_parser(
        "disasm", help="lift assembly to LLVM-IR, verified by round trip through llc-19",
        description=("Ask an engine for k LLVM-IRs of the assembly in FILE (a function as llc-19 writes it), "
                     "compile each back with llc-19 at the settings that made the assembly, and print the "
                     "first that gives exactly the input back (verified), else the closest one, marked "
                     "NOT VERIFIED."))
    parser.add_argument("file", metavar="FILE.s")
    parser.add_argument("--engine", required=True, metavar="SPEC",
                        help="model:DIR (a model of passlm train --task disasm; none is shipped), "
                             "llm-compiler:DIR or openai:URL (LLM Compiler's disassembly prompt)")
    parser.add_argument("-k", type=int, default=4, metavar="N", help="candidates asked of the engine (default 4)")
    parser.add_argument("--triple", default=DEFAULT_TRIPLE, help=f"target of the assembly (default {DEFAULT_TRIPLE})")
    parser.add_argument("--llc-args", default=" ".join(DEFAULT_LLC_ARGS),
                        help=f"llc-19 settings that produced the assembly (default '{' '.join(DEFAULT_LLC_ARGS)}')")
    parser.add_argument("-o", "--output", metavar="FILE.ll", help="write the IR here instead of stdout")
    parser.add_argument("--json", action="store_true", help="every candidate and its check, as JSON, on stdout")
    parser.set_defaults(func=cmd_disasm)


def cmd_disasm(args: argparse.Namespace) -> int:
    from .lift import lift_assembly

    if args.k < 1:
        raise ValueError("-k must be at least 1")
    asm = Path(args.file).read_text()
    lifted = lift_assembly(asm, args.engine, args.k, args.triple, shlex.split(args.llc_args), name=args.file)
    n = len(lifted.candidates)
    if args.json:
        print(json.dumps({"file": args.file, "engine": args.engine, "verified": lifted.verified,
                          "chosen": lifted.chosen, "ir": lifted.ir,
                          "candidates": [vars(c) for c in lifted.candidates]}, indent=1))
    elif args.output:
        Path(args.output).write_text(lifted.marked_ir())
    else:
        sys.stdout.write(lifted.marked_ir())
    settings = f"llc-19 {args.llc_args} -mtriple={args.triple}"
    if lifted.verified:
        print(f"passlm: {args.file}: verified: candidate {lifted.chosen + 1} of {n} round-trips ({settings})",
              file=sys.stderr)
    elif n:
        best = lifted.candidates[lifted.chosen]
        print(f"passlm: warning: {args.file}: NOT VERIFIED: none of {n} candidates round-trips ({settings}); "
              f"the closest is candidate {lifted.chosen + 1} (BLEU {best.bleu:.2f} of its assembly)", file=sys.stderr)
    else:
        print(f"passlm: warning: {args.file}: the engine gave no candidate", file=sys.stderr)
    return 0
