"""``passlm data``: build, split and describe a corpus.

    passlm data build --db PATH [--dir DIR] [--compile-commands FILE] [--debian PKG...]
                      [--csmith N --seed S] [--recipe FILE] [--jobs 2] [--flags '...']
    passlm data split --db PATH [--test-packages P1,P2 | --test-fraction 0.2 --seed 0]
    passlm data stats --db PATH [--json]
    passlm data pairs --db PATH --out FILE.jsonl [--split S] [--max-chars N] [--exclude OTHER.jsonl]

Errors in what was asked (a missing folder, a folder without sources, bad
JSON, an unknown package) raise DataError, which the main command prints as
``passlm: error: ...`` (exit status 1); a failed build leaves no new store
behind unless it recorded something (a resumable start). A source that does
not compile is not an error: it is recorded in the store's build_failures.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Optional

from .. import command
from .build import COMPILE_TIMEOUT, MAX_BITCODE_BYTES, Builder, BuildCounts, DataError, split_flags
from .debian import CONFIGURE_TIMEOUT, DEFAULT_WORKDIR


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _package_spec(spec: str):
    from .recipe import PackageSpec

    name, _, version = spec.partition("=")
    if not name:
        raise DataError(f"--debian: empty package name in '{spec}'")
    return PackageSpec(name, version or None)


def _store(path: str):
    from ..store import Store

    return Store(path)


def cmd_build(args: argparse.Namespace) -> int:
    from . import debian
    from .compile_commands import command_jobs
    from .recipe import load_recipe
    from .sources import dir_jobs

    flags = split_flags(args.flags)
    max_per_package = args.max_per_package
    configure_timeout = args.configure_timeout
    packages = [_package_spec(s) for s in args.debian or ()]
    csmith_count, csmith_seed = args.csmith, args.seed
    recipe = None
    if args.recipe:
        recipe = load_recipe(args.recipe)
        flags = (*recipe.flags, *flags)
        packages = recipe.packages + packages
        max_per_package = max_per_package if max_per_package is not None else recipe.max_per_package
        configure_timeout = configure_timeout if configure_timeout is not None else recipe.configure_timeout
        if recipe.csmith_count and not csmith_count:
            csmith_count, csmith_seed = recipe.csmith_count, recipe.csmith_seed
        from .. import LLVM_VERSION

        if recipe.llvm_version and recipe.llvm_version != LLVM_VERSION:
            command.warning(f"{args.recipe}: built with LLVM {recipe.llvm_version}, this is LLVM "
                            f"{LLVM_VERSION}: modules (and hashes) will differ")
    if not (args.dir or args.compile_commands or packages or csmith_count):
        raise DataError("nothing to build: give --dir, --compile-commands, --debian, --csmith or --recipe")
    if csmith_count is not None and csmith_count < 0:
        raise DataError(f"--csmith takes a count >= 0, not {csmith_count}")

    # Check everything that can be checked before compiling anything.
    dir_job_lists = [(d, dir_jobs(d, package=args.package, flags=flags)) for d in args.dir or ()]
    cc_job_lists = [(f, command_jobs(f, root=args.root, package=args.package, flags=flags))
                    for f in args.compile_commands or ()]
    for where, jobs in dir_job_lists + cc_job_lists:
        if not jobs:
            raise DataError(f"{where}: no C/C++ sources in it")
    resolved = {}
    if packages:
        debian.ensure_deb_src(_log)
        resolved = debian.resolve([p.name for p in packages], _log)
    if csmith_count:
        from .csmith import ensure_csmith

        ensure_csmith()

    workdir = Path(args.workdir).expanduser()
    lock = debian.WorkdirLock(workdir) if packages or csmith_count else contextlib.nullcontext()
    with lock, command.removed_on_failure(args.db, keep=lambda: _holds_anything(args.db)):
        return _build(args, store_path=args.db, flags=flags, dir_job_lists=dir_job_lists,
                      cc_job_lists=cc_job_lists, packages=packages, resolved=resolved, workdir=workdir,
                      max_per_package=max_per_package, configure_timeout=configure_timeout,
                      csmith_count=csmith_count, csmith_seed=csmith_seed, recipe=recipe)


def _build(args, store_path, flags, dir_job_lists, cc_job_lists, packages, resolved, workdir, max_per_package,
           configure_timeout, csmith_count, csmith_seed, recipe) -> int:
    from . import debian
    from .csmith import csmith_jobs

    store = _store(store_path)
    builder = Builder(store, jobs=args.jobs, max_bitcode=int(args.max_bitcode_mb * 1024 * 1024),
                      timeout=args.timeout, progress=args.progress, log=_log)
    total = BuildCounts()
    errors = 0
    try:
        for d, jobs in dir_job_lists:
            total.add(builder.build(jobs, label=str(d), max_modules=max_per_package))
        for f, jobs in cc_job_lists:
            total.add(builder.build(jobs, label=str(f), max_modules=max_per_package))
        for spec in packages:
            try:
                prepared = debian.prepare_package(
                    resolved[spec.name], workdir, builder.clang, flags=(*flags, *spec.flags),
                    version=spec.version, configure_timeout=configure_timeout or debian.CONFIGURE_TIMEOUT,
                    log=_log, setup_commands=spec.setup)
            except DataError as e:  # the other packages go on
                command.error(str(e))
                errors += 1
                continue
            label = f"{prepared.package} {prepared.version}"
            total.add(builder.build(prepared.jobs, label=label, max_modules=max_per_package))
        if csmith_count:
            from .csmith import PACKAGE

            done = store.attempted_sources("csmith", PACKAGE)
            jobs = csmith_jobs(csmith_count, csmith_seed, workdir, flags=flags, skip=done,
                               on_failure=lambda source, reason: store.record_failure(
                                   "csmith", source, reason, package=PACKAGE))
            total.add(builder.build(jobs, label=f"csmith seeds {csmith_seed}..{csmith_seed + csmith_count - 1}",
                                    max_modules=max_per_package))
        if recipe is not None and (recipe.test_packages is not None or recipe.test_fraction is not None):
            from .split import split_store

            assignment = split_store(store, test_packages=recipe.test_packages,
                                     test_fraction=recipe.test_fraction or 0.0,
                                     valid_packages=recipe.valid_packages, seed=recipe.seed)
            _print_split(assignment)
        print(f"passlm: {total.summary()}; {args.db} holds {store.count_modules()} modules")
    finally:
        store.close()
    return 1 if errors else 0


def _holds_anything(path: str) -> bool:
    """Whether a store holds modules or recorded failures: a run's progress, to resume."""
    with _store(path) as store:
        return store.count_modules() > 0 or bool(store.failures())


def _print_split(assignment: dict[str, str]) -> None:
    for split in ("train", "valid", "test"):
        names = [p for p, s in sorted(assignment.items()) if s == split]
        if names:
            print(f"{split}: {len(names)} packages: {', '.join(names)}")


def _names(value: Optional[str]) -> Optional[list[str]]:
    if value is None:
        return None
    return command.comma_separated(value)


def cmd_split(args: argparse.Namespace) -> int:
    from .split import split_store

    if not Path(args.db).is_file():
        raise DataError(f"{args.db}: no such store")
    store = _store(args.db)
    try:
        assignment = split_store(store, test_packages=_names(args.test_packages),
                                 test_fraction=args.test_fraction if args.test_fraction is not None else 0.2,
                                 valid_packages=_names(args.valid_packages),
                                 valid_fraction=args.valid_fraction, seed=args.seed)
        _print_split(assignment)
    finally:
        store.close()
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from .split import format_stats, stats

    if not Path(args.db).is_file():
        raise DataError(f"{args.db}: no such store")
    store = _store(args.db)
    try:
        s = stats(store)
    finally:
        store.close()
    if args.json:
        command.print_json(s, indent=2)
    else:
        print(format_stats(s))
    return 0


def register(subparsers):
    """Adds ``data`` (build, split, stats) to the passlm command's subparsers;
    returns data's own subparsers, for commands that live higher up."""
    data = subparsers.add_parser("data", help="build, split and describe a corpus of IR modules",
                                 description="Build a corpus of unique IR modules (the IR form of docs/conventions.md) "
                                             "with provenance, split it by package, and describe it.")
    sub = data.add_subparsers(dest="data_command", metavar="COMMAND")
    data.set_defaults(func=command.missing_subcommand(data, sub))

    build = sub.add_parser(
        "build", help="compile sources into a corpus (resumable)",
        description="Compile C/C++ sources to IR (clang-19 -Oz -Xclang -disable-llvm-passes -emit-llvm) and "
                    "store each unique module once, with provenance. Sources already stored or already "
                    "failed are skipped, so a killed run resumes. Give one or more sources of sources.")
    build.add_argument("--db", required=True, metavar="PATH", help="the store (SQLite), created if missing")
    build.add_argument("--dir", action="append", metavar="DIR",
                       help="every C/C++ source under DIR (include dirs: the file's folder and DIR)")
    build.add_argument("--compile-commands", action="append", metavar="FILE",
                       help="a compile_commands.json: each entry's flags, with the IR flags swapped in")
    build.add_argument("--root", metavar="DIR", help="with --compile-commands: the folder sources are named "
                                                     "relative to (default: their common folder)")
    build.add_argument("--package", metavar="NAME", help="with --dir/--compile-commands: the package name "
                                                         "recorded (default: the root folder's name)")
    build.add_argument("--debian", nargs="+", action="extend", metavar="PKG[=VERSION]",
                       help="Debian source packages (apt-get source); VERSION pins one")
    build.add_argument("--csmith", type=int, metavar="N", help="N csmith programs, seeds S..S+N-1")
    build.add_argument("--seed", type=int, default=0, metavar="S", help="first csmith seed (default 0)")
    build.add_argument("--recipe", metavar="FILE", help="rebuild a corpus from a recipe (data/recipe.json)")
    build.add_argument("--workdir", default=str(DEFAULT_WORKDIR), metavar="DIR",
                       help="downloads, unpacked packages and csmith programs (default ~/.cache/passlm/debian)")
    build.add_argument("-j", "--jobs", type=command.positive_int, default=2, help="clang processes at once (default 2)")
    build.add_argument("--flags", action="append", metavar="'FLAGS'",
                       help="extra compile flags, one string (quoted: --flags='-DX -Ifoo'); repeatable")
    build.add_argument("--max-per-package", type=command.positive_int, metavar="N",
                       help="store at most N modules per package (the first that compile, in a fixed order)")
    build.add_argument("--max-bitcode-mb", type=float, default=MAX_BITCODE_BYTES / (1024 * 1024), metavar="MB",
                       help="skip modules with more bitcode than this (default 2)")
    build.add_argument("--timeout", type=float, default=COMPILE_TIMEOUT, metavar="S",
                       help=f"one clang call, at most (default {COMPILE_TIMEOUT} s)")
    build.add_argument("--configure-timeout", type=float, metavar="S",
                       help=f"a Debian package's configure step, at most (default {CONFIGURE_TIMEOUT} s)")
    build.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="progress bars (default: on a terminal)")
    build.set_defaults(func=cmd_build)

    split = sub.add_parser(
        "split", help="hold out whole packages (train/test[/valid])",
        description="Set every module's split by its package: a package is never split. Test packages are "
                    "named, or drawn deterministically (the first by sha256(seed:package)).")
    split.add_argument("--db", required=True, metavar="PATH")
    split.add_argument("--test-packages", metavar="P1,P2", help="the test packages, by name")
    split.add_argument("--test-fraction", type=float, metavar="F", help="else this fraction of packages "
                                                                        "(default 0.2)")
    split.add_argument("--valid-packages", metavar="P1,P2", help="validation packages, by name")
    split.add_argument("--valid-fraction", type=float, default=0.0, metavar="F",
                       help="else this fraction of the other packages (default 0: no validation split)")
    split.add_argument("--seed", type=int, default=0)
    split.set_defaults(func=cmd_split)

    stats = sub.add_parser("stats", help="modules per package and origin, failures, split sizes")
    stats.add_argument("--db", required=True, metavar="PATH")
    command.add_json_flag(stats, "them (instead of a table)")
    stats.set_defaults(func=cmd_stats)
    return sub  # `data pairs` is registered here by passlm.cli, from the text tasks' layer


__all__ = ["register", "cmd_build", "cmd_split", "cmd_stats"]
