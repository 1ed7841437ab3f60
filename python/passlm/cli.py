"""The ``passlm`` command: a thin layer over the library.

    passlm demo [--engine SPEC]      the plugin inside clang on the examples
    passlm info                      versions, plugin and model
    passlm data build --db DB ...    a corpus of unique IR modules with provenance
    passlm tune [FILE...] --db DB    autotune pipelines per module
    passlm screen PIPELINE...        reject pipelines that change a program's output
    passlm eval SUITE [--engine S]   the numbers: top-1, best-of-k, autotuner, against -Oz
    passlm train --db DB --out DIR   a small IR language model that predicts pipelines
    passlm coreset --db DB -o F      the k pipelines that cover a corpus best (the baseline)
    passlm serve [--status|--stop]   one warm engine and a prediction cache for a whole build
    passlm disasm FILE.s             assembly to LLVM-IR, verified by round trip
    passlm emulate FILE.ll --passes P [--check]
                                     LLM Compiler's emulation of opt: predicted IR, count, size
    passlm cache stats|clear         the server's prediction cache
    passlm plugin-path               the pass plugin, for -fpass-plugin=
    passlm size FILE... [--passes P] [--json]
                                     instruction count and object size

``--json`` prints JSON on stdout wherever it exists (info, plugin-path, size,
demo, eval, ...); a file is written with ``-o FILE``.

Every subcommand's module only ``register(subparsers)``s it; ``main`` here is
the one entry point (``python -m passlm.data ARGS`` and the like call it with
their subcommand's name first) and ``passlm.command.run_command`` the one error
handler: user errors (a missing file, IR that does not parse, a pipeline LLVM
rejects, a source clang cannot compile) are one ``passlm: error: ...`` line on
stderr and exit status 1; usage errors exit 2, as argparse's own.
"""
from __future__ import annotations

import argparse
import importlib
import platform
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from typing import List, Optional, Sequence, Tuple

from . import command
from .command import PROG, USER_ERRORS, UserError
from .defaults import OZ


# --------------------------------------------------------------------- info


def _version(package: str) -> Optional[str]:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def cmd_info(args: argparse.Namespace) -> int:
    import passlm
    from passlm import paths
    from passlm.engine import DEFAULT_ENGINE
    from passlm.engine.model import DEFAULT_MODEL_DIR
    from passlm.model.llama import describe

    torch = _version("torch")
    plugin = paths.plugin_path()
    if args.json:
        command.print_json({
            "passlm": passlm.__version__, "llvm": passlm.LLVM_VERSION,
            "python": {"version": platform.python_version(), "executable": sys.executable},
            "torch": torch, "plugin": {"path": str(plugin), "present": plugin.is_file()},
            "engine": DEFAULT_ENGINE,
            "model": {"spec": "model:default", "path": str(DEFAULT_MODEL_DIR), "description": describe(DEFAULT_MODEL_DIR)},
        })
        return 0
    rows = [
        ("passlm", passlm.__version__),
        ("llvm", passlm.LLVM_VERSION),
        ("python", f"{platform.python_version()} ({sys.executable})"),
        ("torch", torch if torch else "not installed"),
        ("plugin", f"{plugin} ({'present' if plugin.is_file() else 'not built'})"),
        ("engine", f"{DEFAULT_ENGINE} (the default; PASSLM_ENGINE or --engine picks another)"),
        ("model", f"model:default = {describe(DEFAULT_MODEL_DIR)}"),
    ]
    width = max(len(key) for key, _ in rows) + 1
    for key, value in rows:
        print(f"{key + ':':<{width}} {value}")
    return 0


def cmd_plugin_path(args: argparse.Namespace) -> int:
    from passlm import paths

    plugin = paths.plugin_path()
    if args.json:
        command.print_json({"path": str(plugin), "present": plugin.is_file()})
    else:
        print(plugin)
    return 0


# --------------------------------------------------------------------- size


def _size_rows(path: str, pipelines: Sequence[Tuple[str, str]]) -> List[dict]:
    """Evaluate one file under each (label, pipeline); the work of one thread.
    A pipeline of the user's runs in a child process: one that aborts LLVM
    is that file's error (PipelineCrash), not the end of the command."""
    from passlm.compile import load_module

    module = load_module(path)
    rows = []
    for label, pipeline in pipelines:
        instructions, object_size = module.evaluate(pipeline, isolated=pipeline not in ("", OZ))
        rows.append(
            {
                "file": path,
                "label": label,
                "pipeline": pipeline,
                "instructions": instructions,
                "object_size": object_size,
            }
        )
    return rows


def _relative(size: int, base: int) -> Optional[float]:
    return size / base - 1.0 if base else None


def _format_table(rows: List[dict], with_relative: bool) -> str:
    header = ["file", "pipeline", "instructions", "object size"]
    if with_relative:
        header.append("vs -Oz")
    lines = [header]
    for row in rows:
        cells = [row["file"], row["label"], str(row["instructions"]), str(row["object_size"])]
        if with_relative:
            rel = row.get("size_vs_oz")
            if row["pipeline"] == OZ and row["label"] == "-Oz":
                cells.append("(base)")
            else:
                cells.append("n/a" if rel is None else f"{rel * 100:+.2f}%")
        lines.append(cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    right = {2, 3, 4}  # numbers right-aligned
    out = []
    for line in lines:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(line)
        ]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def cmd_size(args: argparse.Namespace) -> int:
    import passlm

    if args.passes is None:
        pipelines = [("-O0", ""), ("-Oz", OZ)]
    else:
        if args.passes.strip():
            try:
                passlm.check_pipeline(args.passes)
            except passlm.PipelineError as e:
                raise UserError(str(e)) from None
        pipelines = [(args.passes or "-O0", args.passes), ("-Oz", OZ)]

    results: List[Optional[List[dict]]] = []
    failures = 0
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(_size_rows, path, pipelines) for path in args.files]
        for path, future in zip(args.files, futures):
            try:
                results.append(future.result())
            except USER_ERRORS as e:
                crashed = isinstance(e, passlm.PipelineCrash)  # says which pipeline, not which file
                command.error(f"{path}: {e}" if crashed else command.describe(e))
                failures += 1
                results.append(None)

    rows: List[dict] = []
    for file_rows in results:
        if not file_rows:
            continue
        if args.passes is not None:
            base = next(r["object_size"] for r in file_rows if r["label"] == "-Oz")
            for r in file_rows:
                r["size_vs_oz"] = _relative(r["object_size"], base)
        rows.extend(file_rows)

    if args.json:
        command.print_json(rows, indent=2)
    elif rows:
        print(_format_table(rows, with_relative=args.passes is not None))
    return 1 if failures else 0


# --------------------------------------------------------------------- main


#: Each subcommand and what registers it (module, function), in the order
#: --help lists them. Running one imports only its module: ``passlm
#: plugin-path`` and the build server's start (``python -m passlm.server``)
#: stay quick. A module may register several (passlm.server.cli: serve, cache).
SUBCOMMANDS = {
    "demo": ("passlm.demo", "register"),
    "data": ("passlm.data.cli", "register"),
    "tune": ("passlm.tune.cli", "register"),
    "screen": ("passlm.screen.cli", "register"),
    "eval": ("passlm.eval.cli", "register"),
    "train": ("passlm.train.cli", "register"),
    "coreset": ("passlm.engine.coreset_cli", "register"),
    "pool": ("passlm.tune.pool_cli", "register"),
    "serve": ("passlm.server.cli", "register"),
    "cache": ("passlm.server.cli", "register"),
    "disasm": ("passlm.text.cli", "register_disasm"),
    "emulate": ("passlm.text.cli", "register_emulate"),
    "gym": ("passlm.gym_cli", "register"),
}
#: Commands under a subcommand that live in a higher layer than it: registered
#: into what the subcommand's register function returns (its subparsers).
NESTED = {
    "data": [("passlm.text.cli", "register_pairs"),   # data pairs: the text tasks' corpus
             ("passlm.text.cli", "register_lifter")],  # data lifter: passlm disasm's engine, from pairs
}


def _load(register: Tuple[str, str]):
    module, function = register
    return getattr(importlib.import_module(module), function)


def build_parser(only: Optional[str] = None) -> argparse.ArgumentParser:
    """passlm's parser: every subcommand, or when ``only`` names one of
    SUBCOMMANDS, that one (and the built-in info, plugin-path and size)."""
    from passlm import __version__

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Predict and apply the LLVM pass pipeline that makes each module smallest.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.set_defaults(func=command.missing_subcommand(parser, sub))

    wanted = [only] if only in SUBCOMMANDS else list(SUBCOMMANDS)
    registered = set()
    for name in wanted:
        if SUBCOMMANDS[name] in registered:
            continue
        registered.add(SUBCOMMANDS[name])
        nested_sub = _load(SUBCOMMANDS[name])(sub)
        for nested in NESTED.get(name, ()):
            _load(nested)(nested_sub)

    info = sub.add_parser("info", help="versions, plugin path and model")
    command.add_json_flag(info, "them")
    info.set_defaults(func=cmd_info)

    plugin = sub.add_parser(
        "plugin-path", help="absolute path of the pass plugin (for -fpass-plugin=)"
    )
    command.add_json_flag(plugin, "the path and whether the plugin is built")
    plugin.set_defaults(func=cmd_plugin_path)

    size = sub.add_parser(
        "size",
        help="IR instruction count and object size of files",
        description=(
            "IR instruction count and object size (text + data, clang -Oz codegen) "
            "of each file (.ll, .bc, .c, .cc, .cpp, .cxx) at -O0 and -Oz, or after "
            "--passes (with -Oz for comparison)."
        ),
    )
    size.add_argument("files", nargs="+", metavar="FILE")
    size.add_argument(
        "--passes",
        metavar="PIPELINE",
        help="a new-PM pipeline (opt -passes syntax), e.g. 'module(sroa,inline,globaldce)'",
    )
    command.add_json_flag(size, "the rows (instead of a table)")
    size.add_argument(
        "-j", "--jobs", type=command.positive_int, default=2, help="files worked on at once (default 2)"
    )
    size.set_defaults(func=cmd_size)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``passlm ARGS``: parse, then run the subcommand through ``command.run_command``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(only=argv[0] if argv else None)
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, usage errors (2)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    args.command_line = [PROG, *argv]  # as typed, for records such as eval's manifest
    return command.run_command(args.func, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
