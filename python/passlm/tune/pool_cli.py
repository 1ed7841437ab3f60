"""``passlm pool``: the screened pipelines a ranking model chooses among.

    passlm pool --db DB -o POOL.json [-P 256] [--per-module 3] [--max-candidates 1000]
                [--sample N] [--screen-minutes M] [--min-evaluations 500] [-j 2]
    passlm pool --db DB --report POOL.json [--split test] [--min-evaluations N] [--screen-winners N] [--json]

The first form builds the pool from the deep-search winners of the training
split (``tune.pool``); the second says how the oracle grows with P on a
split's matrix rows and which fraction of those modules' ceiling it reaches.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from .. import command
from ..command import UsageError, UserError, add_json_flag

DESCRIPTION = """\
Build the pool a ranking model chooses among, from what deep search (passlm
tune) found on the training split only: each module's best few deterministic
winners, measured on a sample of the deep-searched training modules (--sample,
spread over packages), chosen by greedy set cover of the deep-searched
modules (then by worth to the corpus once the cover stops gaining), and
screened for miscompiles (passlm screen, cached) in that order until P pass.
The pool file is a coreset file: its first k pipelines are the coreset@k
baseline.
With --report POOL.json: the oracle (each module's best pool pipeline, -Oz
when none is smaller) by pool size on a split, and its share of the ceiling
(each module's best screened deterministic pipeline in the store); with
--screen-winners N, up to N of each module's winners never screened are
screened on the way, best first, until one passes (--screen-minutes bounds
the time; verdicts are cached in the store). --json adds, per module, its
ceiling pipeline and its best pool pipeline with their object sizes."""


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("pool", help="the screened pipelines a ranking model chooses among",
                                   description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="the store with the deep search (passlm tune)")
    parser.add_argument("-o", "--output", metavar="POOL.json", help="where to write the pool")
    parser.add_argument("--report", metavar="POOL.json", help="report on an existing pool instead")
    parser.add_argument("-P", "--size", type=int, default=256, help="pipelines in the pool (default 256)")
    parser.add_argument("--split", default=None, help="with --report: the modules of this split (default test)")
    parser.add_argument("--per-module", type=int, default=3, help="best winners taken from each module (default 3)")
    parser.add_argument("--max-candidates", type=int, default=1000, help="candidates screened at most (default 1000)")
    parser.add_argument("--sample", type=int, default=None, metavar="N",
                        help="measure every candidate on N of the deep-searched modules, spread over packages "
                             "(default all of them)")
    parser.add_argument("--screen-minutes", type=float, default=None,
                        help="screen new pipelines for at most M minutes (cached verdicts always count)")
    parser.add_argument("--min-evaluations", type=int, default=None, metavar="N",
                        help="training modules with at least N evaluations (the deep-searched ones) are the sample "
                             "the candidates are measured on (default 500); with --report, only the modules with "
                             "at least N evaluations are reported (default all: a module never deep-searched has "
                             "no ceiling to speak of)")
    parser.add_argument("--screen-winners", type=command.non_negative_int, default=0, metavar="N",
                        help="with --report: screen up to N of each module's winners never screened, best first, "
                             "until one passes (default 0: count only cached verdicts)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="worker processes (default 2)")
    add_json_flag(parser, "the report")
    parser.set_defaults(func=cmd_pool)
    return parser


def cmd_pool(args: argparse.Namespace) -> int:
    if bool(args.output) == bool(args.report):
        raise UsageError("give either -o POOL.json (build a pool) or --report POOL.json")
    if args.output and (args.split or args.screen_winners):
        raise UsageError("--split and --screen-winners go with --report (a pool is built from the training split)")
    if args.sample is not None and args.sample < 1:
        raise UsageError(f"--sample must be at least 1 (got {args.sample})")
    if args.size < 1:
        raise UsageError(f"-P must be at least 1 (got {args.size})")
    if not Path(args.db).is_file():
        raise UserError(f"{args.db}: no such store")
    from ..store import Store

    with Store(args.db) as store:
        return _report(store, args) if args.report else _build(store, args)


def _build(store, args) -> int:
    import sys

    from ..pipelines.workers import WorkerPool
    from .matrix import spread_over_packages
    from .pool import build_pool

    train = store.module_hashes(split="train")
    least = 500 if args.min_evaluations is None else args.min_evaluations
    searched = [m for m in train if store.count_evaluations(m) >= least]
    sample = spread_over_packages(store, searched)[:args.sample]
    if not sample:
        raise UserError(f"{args.db}: no training module has {least} evaluations; "
                        "run the deep search first (passlm tune --split train --budget 1000)")
    with WorkerPool(jobs=args.jobs) as workers:
        pool = build_pool(store, train, searched, sample, args.size, workers, args.per_module, args.max_candidates,
                          None if args.screen_minutes is None else 60 * args.screen_minutes,
                          log=lambda message: print(f"passlm pool: {message}", file=sys.stderr, flush=True))
    if not pool.pipelines:
        raise UserError(f"{args.db}: no screened candidate beats -Oz on any sample module")
    pool.save(args.output)
    print(f"{len(pool.pipelines)} pipelines (of {pool.candidates} candidates): oracle "
          f"{pool.improvement * 100:+.2f}% geomean over -Oz on {pool.modules} deep-searched training modules; "
          f"written to {args.output}")
    return 0


def _report(store, args) -> int:
    from ..engine.coreset import Coreset
    from .pool import Verdicts, module_ceilings, oracle_by_size

    pipelines = list(Coreset.load(args.report).pipelines)
    split = args.split or "test"
    modules = store.module_hashes(split=split)
    if args.min_evaluations is not None:
        modules = [m for m in modules if store.count_evaluations(m) >= args.min_evaluations]
    if not modules:
        raise UserError(f"{args.db}: no modules in split '{split}'"
                        + (f" with {args.min_evaluations} evaluations" if args.min_evaluations is not None else ""))
    verdicts = Verdicts(store, None if args.screen_minutes is None else 60 * args.screen_minutes)
    ceilings = module_ceilings(store, modules, verdicts, args.screen_winners)
    rows = oracle_by_size(store, pipelines, modules, ceiling={m: c.log_ratio for m, c in ceilings.items()})
    if args.json:
        print(json.dumps({"pool": args.report, "split": split, "rows": rows,
                          "modules": [_module_row(store, m, c, pipelines) for m, c in ceilings.items()]}, indent=1))
        return 0
    print(f"{'P':>5}  {'oracle':>8}  {'of ceiling':>10}  {'wins':>5}  {'full rows':>9}")
    for r in rows:
        share = "n/a" if r["of_ceiling"] is None else f"{r['of_ceiling'] * 100:.1f}%"
        print(f"{r['pool']:>5}  {r['oracle'] * 100:>7.2f}%  {share:>10}  {r['wins']:>5}  {r['measured']:>9}")
    ceiling = rows[0]["ceiling"]
    print(f"ceiling (best screened deterministic pipeline found per module): "
          f"{'n/a' if ceiling is None else f'{ceiling * 100:+.2f}%'} geomean on {rows[0]['modules']} modules "
          f"of split '{split}'")
    return 0


def _module_row(store, module: str, ceiling, pipelines: list) -> dict:
    """What a record keeps of a module: its ceiling and its best pool pipeline, as object sizes."""
    from .pool import best_in_pool

    best = best_in_pool(store, module, pipelines)
    return {"hash": module, "package": store.module_info(module)["package"], "oz_object_size": ceiling.oz,
            "ceiling_object_size": ceiling.object_size, "ceiling_pipeline": ceiling.pipeline,
            "pool_object_size": None if best is None else best.object_size,
            "pool_pipeline": None if best is None else best.pipeline}
