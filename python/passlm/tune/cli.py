"""``passlm tune``: search, per module, for the pipeline that makes it smallest.

    passlm tune FILE... --db tune.db --budget 200         tune these files
    passlm tune --db corpus.db --budget 100 [--split train] tune a corpus
    passlm tune --db tune.db --report [--json] [--plot best.png]
    passlm tune --db tune.db --export-labels labels.tsv [--no-screen]
    passlm tune --db corpus.db --matrix pool.json [--split train] [--limit 1500]
                                                          every pool pipeline on every module

A run that fails before anything is evaluated leaves no new --db behind; an
interrupted one keeps what it did (the next run resumes).
"""
from __future__ import annotations

import argparse
import sys

from .. import command
from ..store import Provenance, Store
from .search import TuneConfig, tune
from .matrix import spread_over_packages

_DEFAULTS = TuneConfig()
BUDGET_HELP = (
    f"evaluations per module (default {_DEFAULTS.budget}). Besides: up to "
    f"{_DEFAULTS.minimize_extra} more per module to finish shortening its best pipeline, and, on the first "
    f"{_DEFAULTS.admit_modules} modules, every candidate pass alone (admission, about 100 evaluations "
    f"per module, once per store); the summary counts them apart")


def register(sub) -> None:
    p = sub.add_parser("tune", help="autotune pipelines per module into a store",
                       description="Search, per module, for the pipeline that minimizes object size (or IR "
                                   "instruction count). Every evaluation runs in-process in a pool of worker "
                                   "processes and goes into the store as it comes: a second run resumes.")
    p.add_argument("files", nargs="*", metavar="FILE", help=".ll/.bc/.c files (default: every module of --db)")
    p.add_argument("--db", required=True, help="the SQLite store (created if missing)")
    p.add_argument("--budget", type=_budget, default=_DEFAULTS.budget, metavar="N", help=BUDGET_HELP)
    p.add_argument("--objective", choices=("size", "instructions"), default="size")
    p.add_argument("--jobs", "-j", type=command.positive_int, default=2, help="worker processes (default 2)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per evaluation (default 60)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--min-len", type=int, default=1, help="shortest random list, in elements (default 1)")
    p.add_argument("--max-len", type=int, default=25, help="longest list, in elements (default 25)")
    p.add_argument("--leave-out", type=command.name_list, default=(), metavar="PASS[,PASS...]",
                   help="passes the search never runs, e.g. attributor,attributor-cgscc,loop-extract (miscompile "
                        "suspects screening often rejects; attributor hangs on some modules)")
    p.add_argument("--split", help="only the modules of this split (train, test...)")
    p.add_argument("--package", help="only the modules of this package")
    p.add_argument("--limit", type=command.positive_int, metavar="N",
                   help="only the first N modules, taken one package at a time (spread over packages)")
    p.add_argument("--ray-address", metavar="ADDR", help="run evaluations on a Ray cluster ('local' starts one)")
    p.add_argument("--matrix", metavar="POOL.json",
                   help="instead of searching, measure every pipeline of this pool or coreset file (and -Oz) on "
                        "every module: the dense matrix a ranking model trains on (resumable)")
    p.add_argument("--report", action="store_true", help="print what the store holds instead of tuning")
    command.add_json_flag(p, "the report (--report, or after tuning)")
    p.add_argument("--plot", metavar="FILE.png", help="with --report: plot best-so-far against evaluations")
    p.add_argument("--export-labels", metavar="FILE.tsv",
                   help="write each module's best screened pipeline (passlm screen) instead of tuning")
    p.add_argument("--no-screen", action="store_true",
                   help="with --export-labels: skip miscompile screening (labels then are not for training)")
    p.add_argument("--screen-minutes", type=float, metavar="M",
                   help="with --export-labels: screen new pipelines for at most M minutes (cached results count)")
    p.set_defaults(func=run)


def _budget(text: str) -> int:
    value = command.positive_int(text)
    if value < 2:
        raise argparse.ArgumentTypeError("must be at least 2 (-Oz and one candidate)")
    return value


def _ingest(store: Store, files) -> list[str]:
    import passlm
    from ..compile import load_module

    hashes = []
    for path in files:
        module = load_module(path)
        store.add_module(module.hash, module.to_bitcode(), Provenance(str(path), "files", passlm.LLVM_VERSION),
                         module.instruction_count)
        hashes.append(module.hash)
    return list(dict.fromkeys(hashes))


def _report(store: Store, modules, args) -> int:
    from .report import best_so_far_curve, format_report, module_results, plot_curve, summarize

    results = module_results(store, modules, args.objective)
    if args.json:
        command.print_json({"summary": summarize(results),
                            "modules": [dict(vars(r), improvement=r.improvement) for r in results]})
    else:
        print(format_report(results, args.objective))
    if args.plot:
        plot_curve(best_so_far_curve(store, modules, args.objective), args.plot)
        print(f"plot: {args.plot}", file=sys.stderr)
    return 0


def _export_labels(store: Store, modules, args) -> int:
    from tqdm import tqdm

    from ..metrics import improvement_over_oz
    from .labels import choose_labels, write_labels

    bar = tqdm(unit="pipeline", desc="screening", file=sys.stderr, disable=not sys.stderr.isatty())

    def progress(done, total):
        bar.total = total
        bar.n = done
        bar.update(0)

    screening = (lambda pipeline: True) if args.no_screen else None
    seconds = args.screen_minutes * 60 if args.screen_minutes is not None else None  # 0: cached results only
    labels = choose_labels(store, modules, args.objective, passes_screening=screening, seconds=seconds,
                           progress=progress)
    bar.close()
    labels = [l for l in labels if l.oz]
    write_labels(args.export_labels, labels)
    summary = improvement_over_oz([l.best for l in labels], [l.oz for l in labels])
    print(f"{len(labels)} labels written to {args.export_labels}"
          f"{' (not screened)' if args.no_screen else ' (screened)'}: {summary.describe()}")
    return 0


def run(args: argparse.Namespace) -> int:
    with command.removed_on_failure(args.db, keep=lambda: _holds_evaluations(args.db)), Store(args.db) as store:
        modules = _ingest(store, args.files) if args.files else spread_over_packages(
            store, store.module_hashes(args.split, args.package))
        modules = modules[:args.limit] if args.limit else modules
        if not modules:
            raise ValueError(f"{args.db}: no modules to tune (give files, or build a corpus with passlm data build)")
        if args.report:
            return _report(store, modules, args)
        if args.export_labels:
            return _export_labels(store, modules, args)
        if args.matrix:
            return _matrix(store, modules, args)
        return _tune(store, modules, args)


def _holds_evaluations(path: str) -> bool:
    with Store(path) as store:
        return store.count_evaluations() > 0


def _workers(args: argparse.Namespace):
    """Ray's pool when asked for, else None (the caller's local worker processes)."""
    if not args.ray_address:
        return None
    from ..pipelines.ray_pool import RayPool

    return RayPool(args.ray_address, args.jobs, args.timeout)


def _matrix(store: Store, modules: list[str], args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ..defaults import OZ
    from ..engine.coreset import Coreset
    from ..pipelines.workers import WorkerPool
    from .matrix import fill, missing_pairs

    pipelines = [OZ] + [p for p in Coreset.load(args.matrix).pipelines if p != OZ]
    todo = len(missing_pairs(store, modules, pipelines))
    print(f"matrix: {len(pipelines)} pipelines x {len(modules)} modules, {todo} evaluations to run",
          file=sys.stderr)
    bar = tqdm(total=todo, unit="eval", desc="matrix", file=sys.stderr, disable=not sys.stderr.isatty())
    workers = _workers(args) or WorkerPool(args.jobs, args.timeout)
    try:
        done = fill(store, modules, pipelines, workers, progress=lambda n, total: bar.update(1))
    finally:
        bar.close()
        workers.close()
    print(f"matrix: {done} evaluations run, {todo - done} left", file=sys.stderr)
    return 0


def _tune(store: Store, modules: list[str], args: argparse.Namespace) -> int:
    config = TuneConfig(budget=args.budget, objective=args.objective, min_len=args.min_len,
                        max_len=args.max_len, seed=args.seed, jobs=args.jobs, timeout=args.timeout,
                        leave_out=args.leave_out)
    pool = _workers(args)
    from tqdm import tqdm

    bar = tqdm(total=len(modules) * args.budget, unit="eval", desc="tune", file=sys.stderr,
               disable=not sys.stderr.isatty())

    def progress(stats, done, planned):
        bar.total = max(planned, done)  # minimization may go past the budgets
        bar.n = done
        bar.set_postfix(crash=stats.crashes, timeout=stats.timeouts, refresh=False)
        bar.update(0)

    try:
        stats = tune(store, modules, config, pool=pool, progress=progress)
    finally:
        bar.close()
        if pool is not None:
            pool.close()
    print(f"tuned {stats.modules} modules: {stats.evaluated} evaluations ({stats.admission} admitting candidate "
          f"passes, {stats.evaluated - stats.admission} searching; {stats.cached} cached, {stats.crashes} crashed, "
          f"{stats.timeouts} timed out, {stats.invalid} invalid) in {stats.seconds:.1f} s", file=sys.stderr)
    return _report(store, modules, args)
