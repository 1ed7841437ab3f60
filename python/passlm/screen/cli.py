"""``passlm screen PIPELINE...``: one line per pipeline (or ``--json``);
exit status 0 if every pipeline passes, 1 if any is rejected. A reject is an
answer, not an error; errors (a missing program or plugin, csmith missing)
follow ``passlm.command``'s rules."""
from __future__ import annotations

import argparse

from ..command import UsageError, add_json_flag, positive_int, print_json


def cmd_screen(args: argparse.Namespace) -> int:
    """One line per pipeline; exit 0 if all pass, 1 if any is rejected."""
    from . import screen

    if args.csmith < 0:
        raise UsageError(f"--csmith takes a count >= 0, not {args.csmith}")
    if args.timeout <= 0:
        raise UsageError(f"--timeout must be positive, not {args.timeout:g}")
    results = []
    for pipeline in args.pipelines:
        result = screen(pipeline, store=args.db, csmith=args.csmith, jobs=args.jobs, plugins=args.plugin or (),
                        timeout=args.timeout, programs=args.programs)
        results.append(result)
        if not args.json:
            how = " (cached)" if result.cached else f" ({result.seconds:.1f} s)"
            print(f"{result.status:<6}  {pipeline}  {result.summary()}{how}", flush=True)
    if args.json:
        print_json([r.to_dict() for r in results], indent=2)
    return 0 if all(r.passed for r in results) else 1


def register(subparsers) -> argparse.ArgumentParser:
    """Adds `screen` to the passlm command's subparsers."""
    parser = subparsers.add_parser(
        "screen",
        help="check that pipelines do not miscompile the screening corpus",
        description=(
            "Optimize every screening program with each PIPELINE (opt-19 -passes=...), link and run it, "
            "and compare its output and exit status with the expected ones. Prints one line per pipeline: "
            "pass, or reject with the first failing program and why. Exit status 0 if every pipeline "
            "passes, 1 if any is rejected."
        ),
    )
    parser.add_argument("pipelines", nargs="+", metavar="PIPELINE", help="a new-PM pipeline (opt -passes syntax)")
    parser.add_argument("--db", metavar="PATH", help="a passlm store: cache results in its screening table")
    parser.add_argument("--csmith", type=int, default=10, metavar="N",
                        help="seeded csmith programs added to the corpus (default 10; 0: none)")
    parser.add_argument("--programs", action="append", metavar="PATH",
                        help="a program (NAME.c with NAME.expected) or a folder of them, instead of examples/ and "
                             "screening/programs/ (repeatable; csmith programs are still added unless --csmith 0)")
    parser.add_argument("--plugin", action="append", metavar="LIB", help="a pass plugin for opt (repeatable)")
    parser.add_argument("-j", "--jobs", type=positive_int, default=2, help="programs screened at once (default 2)")
    parser.add_argument("--timeout", type=float, default=10, metavar="S",
                        help="seconds allowed to each opt, link and program run (default 10)")
    add_json_flag(parser, "the results (a list)")
    parser.set_defaults(func=cmd_screen)
    return parser
