"""``passlm coreset``: the k pipelines that together cover a corpus best.

    passlm coreset --db DB [--split train] [-k 16] [--objective size]
                   [--no-screened-only] [--pool POOL.json] [--cost-exponent A | --per-second]
                   [--leave-out PASS,...] -o FILE.json

``register(subparsers)`` adds the subcommand to passlm's parser.
Exit status 0 when the file is written, 1 for user errors
(``passlm: error: ...``: no such store, no modules in the split, no -Oz
evaluations), 2 for usage errors (-k 0 among them).
"""
from __future__ import annotations

import argparse
import math
import sqlite3
from pathlib import Path

from .. import command

DESCRIPTION = """\
Choose, by greedy set cover over the store's evaluations, the k pipelines
that together make the modules of a split smallest: each step adds the
pipeline that most improves 1 - geomean(size / size(-Oz)), a module taking
the best of -Oz and the pipelines chosen so far. Only pipelines that passed
miscompile screening (passlm screen) are candidates unless
--no-screened-only; pairs the store never evaluated count as no gain.
Writes FILE.json (-o) for the engine coreset:FILE.json and prints, per step,
the cumulative improvement and how many modules the pipeline won.
With --pool POOL.json (passlm pool), the candidates are the pool's pipelines
and the modules those whose matrix row measures at least 90 % of the pool
(the rows a ranker of that pool trains on): the like-for-like baseline of a
ranker at k.
With --cost-exponent A, each step adds the pipeline with the most improvement
over cost ** A, its trial's cost being its evaluation seconds over -Oz's,
summed over the modules where the store timed both: the plugin's guard
measures each of the first k in a trial, so a cheap first k keeps builds
fast. A = 1 (--per-second) is improvement per second of trial; A = 0.5
trades between that and improvement alone. With --leave-out, no chosen
pipeline runs the passes named."""


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``coreset`` subcommand to an ``add_subparsers()`` object."""
    parser = subparsers.add_parser(
        "coreset", help="the k pipelines that cover a corpus best (for the coreset: engine)",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    parser.set_defaults(func=cmd_coreset)
    return parser


def cost_exponent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 4:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 4, got '{text}'")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, metavar="DB", help="the corpus store (passlm data build, tune)")
    parser.add_argument("--split", default="train", help="the modules of this split (default train)")
    parser.add_argument("-k", type=command.positive_int, default=16, metavar="N",
                        help="pipelines to choose (default 16)")
    parser.add_argument("--objective", choices=("size", "instructions"), default="size")
    parser.add_argument("--no-screened-only", dest="screened_only", action="store_false",
                        help="every evaluated pipeline is a candidate, not only those that passed screening")
    parser.add_argument("--pool", metavar="POOL.json",
                        help="choose among this pool's pipelines, on the modules whose matrix row covers it")
    costs = parser.add_mutually_exclusive_group()
    costs.add_argument("--cost-exponent", type=cost_exponent, default=0.0, metavar="A",
                       help="choose by improvement over trial cost ** A (cost: seconds relative to -Oz's; "
                            "default 0, improvement alone)")
    costs.add_argument("--per-second", action="store_true", help="the same as --cost-exponent 1")
    parser.add_argument("--leave-out", type=command.name_list, default=(), metavar="PASS[,PASS...]",
                        help="passes no chosen pipeline may run, e.g. attributor-cgscc,attributor-light")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.json", help="write the coreset to FILE.json")


def _pool_rows(store, pool_file: str, modules: list[str]) -> tuple[set[str], list[str]]:
    """The pool's pipelines, and the modules whose matrix row measures >= 90 % of them."""
    from .coreset import Coreset, CoresetError

    pool = set(Coreset.load(pool_file).pipelines)
    covered = [m for m in modules if len(pool & {e.pipeline for e in store.evaluations(m)}) >= 0.9 * len(pool)]
    if not covered:
        raise CoresetError(f"{store.path}: no module has a matrix row over 90% of the {len(pool)} pipelines "
                           f"of {pool_file} (passlm tune --matrix {pool_file})")
    return pool, covered


def cmd_coreset(args: argparse.Namespace) -> int:
    from ..store import Store
    from .coreset import CoresetError, build_coreset, format_table

    if not Path(args.db).is_file():  # Store() would create an empty one
        raise CoresetError(f"{args.db}: no such store")
    try:
        with Store(args.db) as store:
            modules = store.module_hashes(split=args.split)
            if not modules:
                raise CoresetError(f"{args.db}: no modules in split '{args.split}'")
            allowed = None
            if args.pool:
                pool, modules = _pool_rows(store, args.pool, modules)
                allowed = pool.__contains__
            coreset = build_coreset(store, modules, k=args.k, objective=args.objective,
                                    screened_only=args.screened_only, source=f"{args.db}:{args.split}",
                                    allowed=allowed, leave_out=args.leave_out,
                                    cost_exponent=1.0 if args.per_second else args.cost_exponent)
    except sqlite3.DatabaseError as e:
        raise CoresetError(f"{args.db}: not a passlm store ({e})") from None
    coreset.save(args.output)

    print(format_table(coreset))
    kind = "screened pipelines" if args.screened_only else "pipelines (screening not required)"
    skipped = len(modules) - coreset.modules
    print(f"{len(coreset.pipelines)} pipelines from {coreset.candidates} {kind} better than -Oz somewhere; "
          f"{coreset.improvement * 100:+.3f}% geomean over -Oz on {coreset.modules} modules of split "
          f"'{args.split}'" + (f" ({skipped} without an ok -Oz evaluation skipped)" if skipped else ""))
    if len(coreset.pipelines) < args.k:
        print(f"(stopped at {len(coreset.pipelines)}: no other candidate improves any module)")
    print(f"written to {args.output} (engine: coreset:{args.output})")
    return 0
