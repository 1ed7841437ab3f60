"""``passlm coreset``: the k pipelines that together cover a corpus best.

    passlm coreset --db DB [--split train] [-k 16] [--objective size]
                   [--no-screened-only] --out FILE.json

``register(subparsers)`` adds the subcommand to passlm's parser;
``main(argv)`` runs it alone (``python -m passlm.engine.coreset_cli ...``).
Exit status 0 when the file is written, 1 for user errors
(``passlm: error: ...``: no such store, no modules in the split, no -Oz
evaluations), 2 for usage errors.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path
from typing import Optional, Sequence

DESCRIPTION = """\
Choose, by greedy set cover over the store's evaluations, the k pipelines
that together make the modules of a split smallest: each step adds the
pipeline that most improves 1 - geomean(size / size(-Oz)), a module taking
the best of -Oz and the pipelines chosen so far. Only pipelines that passed
miscompile screening (passlm screen) are candidates unless
--no-screened-only; pairs the store never evaluated count as no gain.
Writes FILE.json for the engine coreset:FILE.json and prints, per step, the
cumulative improvement and how many modules the pipeline won."""


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``coreset`` subcommand to an ``add_subparsers()`` object."""
    parser = subparsers.add_parser(
        "coreset", help="the k pipelines that cover a corpus best (for the coreset: engine)",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    parser.set_defaults(func=cmd_coreset)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, metavar="DB", help="the corpus store (passlm data build, tune)")
    parser.add_argument("--split", default="train", help="the modules of this split (default train)")
    parser.add_argument("-k", type=int, default=16, metavar="N", help="pipelines to choose (default 16)")
    parser.add_argument("--objective", choices=("size", "instructions"), default="size")
    parser.add_argument("--no-screened-only", dest="screened_only", action="store_false",
                        help="every evaluated pipeline is a candidate, not only those that passed screening")
    parser.add_argument("--out", required=True, metavar="FILE.json", help="where to write the coreset")


def cmd_coreset(args: argparse.Namespace) -> int:
    from ..store import Store
    from .coreset import CoresetError, build_coreset, format_table

    if args.k < 1:
        raise CoresetError(f"-k must be at least 1 (got {args.k})")
    if not Path(args.db).is_file():  # Store() would create an empty one
        raise CoresetError(f"{args.db}: no such store")
    try:
        with Store(args.db) as store:
            modules = store.module_hashes(split=args.split)
            if not modules:
                raise CoresetError(f"{args.db}: no modules in split '{args.split}'")
            coreset = build_coreset(store, modules, k=args.k, objective=args.objective,
                                    screened_only=args.screened_only, source=f"{args.db}:{args.split}")
    except sqlite3.DatabaseError as e:
        raise CoresetError(f"{args.db}: not a passlm store ({e})") from None
    coreset.save(args.out)

    print(format_table(coreset))
    kind = "screened pipelines" if args.screened_only else "pipelines (screening not required)"
    skipped = len(modules) - coreset.modules
    print(f"{len(coreset.pipelines)} pipelines from {coreset.candidates} {kind} better than -Oz somewhere; "
          f"{coreset.improvement * 100:+.3f}% geomean over -Oz on {coreset.modules} modules of split "
          f"'{args.split}'" + (f" ({skipped} without an ok -Oz evaluation skipped)" if skipped else ""))
    if len(coreset.pipelines) < args.k:
        print(f"(stopped at {len(coreset.pipelines)}: no other candidate improves any module)")
    print(f"written to {args.out} (engine: coreset:{args.out})")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``passlm coreset`` on its own, with passlm's error handling."""
    from .. import cli

    parser = argparse.ArgumentParser(prog=f"{cli.PROG} coreset", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    try:
        return cmd_coreset(args)
    except cli.USER_ERRORS as e:
        cli._error(cli._describe(e))
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
