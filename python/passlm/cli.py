"""The ``passlm`` command: a thin layer over the library.

    passlm demo [--engine SPEC]      the plugin inside clang on the examples
    passlm info                      versions, plugin and model
    passlm data build --db DB ...    a corpus of unique IR modules with provenance
    passlm tune [FILE...] --db DB    autotune pipelines per module
    passlm screen PIPELINE...        reject pipelines that change a program's output
    passlm eval SUITE [--engine S]   the numbers: top-1, best-of-k, autotuner, against -Oz
    passlm train --db DB --out DIR   a small IR language model that predicts pipelines
    passlm coreset --db DB --out F   the k pipelines that cover a corpus best (the baseline)
    passlm serve [--status|--stop]   one warm engine and a prediction cache for a whole build
    passlm disasm FILE.s             assembly to LLVM-IR, verified by round trip
    passlm emulate FILE.ll --passes P [--check]
                                     LLM Compiler's emulation of opt: predicted IR, count, size
    passlm cache stats|clear         the server's prediction cache
    passlm plugin-path               the pass plugin, for -fpass-plugin=
    passlm size FILE... [--passes P] [--json]
                                     instruction count and object size

User errors (a missing file, IR that does not parse, a pipeline LLVM rejects,
a source clang cannot compile) are reported as one ``passlm: error: ...``
message on stderr and exit status 1; usage errors exit 2, as argparse does.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from typing import List, Optional, Sequence, Tuple

from .defaults import OZ
from .errors import PassLMError

PROG = "passlm"

#: Errors that come from what the user gave us (missing or unreadable files,
#: IR that does not parse or verify, pipelines LLVM rejects, sources clang
#: cannot compile, unknown file kinds), reported without a traceback.
USER_ERRORS: Tuple[type, ...] = (PassLMError, OSError, ValueError)


class UserError(Exception):
    """A message for the user; exit status 1."""


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _describe(e: BaseException) -> str:
    """One message for a user error, without Python's decorations."""
    if isinstance(e, OSError) and e.strerror and e.filename:
        return f"{e.filename}: {e.strerror}"
    return str(e)


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

    print(paths.plugin_path())
    return 0


# --------------------------------------------------------------------- size


def _size_rows(path: str, pipelines: Sequence[Tuple[str, str]]) -> List[dict]:
    """Evaluate one file under each (label, pipeline); the work of one thread."""
    from passlm.compile import load_module

    module = load_module(path)
    rows = []
    for label, pipeline in pipelines:
        instructions, object_size = module.evaluate(pipeline)
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
                _error(_describe(e))
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
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif rows:
        print(_format_table(rows, with_relative=args.passes is not None))
    return 1 if failures else 0


# --------------------------------------------------------------------- demo


def cmd_demo(args: argparse.Namespace) -> int:
    from pathlib import Path

    from passlm.demo import default_examples, run_demo
    from passlm.engine import DEFAULT_ENGINE

    examples = Path(args.examples) if args.examples else default_examples()
    if examples is None:
        raise UserError("no examples folder here; pass --examples DIR")
    rows = run_demo(examples, args.engine or os.environ.get("PASSLM_ENGINE") or DEFAULT_ENGINE)
    return 0 if all(r.output_ok for r in rows) else 1


# --------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    from passlm import __version__

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Predict and apply the LLVM pass pipeline that makes each module smallest.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="build the examples with the plugin inside clang -Oz; sizes against -Oz",
        description=(
            "Build every example with clang-19 -Oz -fpass-plugin, check that each "
            "program prints its expected output, and compare object sizes with "
            "plain clang-19 -Oz. Exit status 1 if any output is wrong."
        ),
    )
    demo.add_argument("--engine", metavar="SPEC", help="engine spec (default: $PASSLM_ENGINE, else model:default)")
    demo.add_argument("--examples", metavar="DIR", help="folder of NAME.c + NAME.expected (default: examples/)")
    demo.set_defaults(func=cmd_demo)

    from passlm.data.cli import register as register_data
    from passlm.eval.cli import register as register_eval
    from passlm.screen.cli import register as register_screen
    from passlm.tune.cli import register as register_tune
    from passlm.train.cli import register as register_train
    from passlm.engine.coreset_cli import register as register_coreset
    from passlm.server.cli import register as register_server
    from passlm.text.cli import register_disasm
    from passlm.text.cli import register_emulate

    register_data(sub)
    register_tune(sub)
    register_screen(sub)
    register_eval(sub)
    register_train(sub)
    register_coreset(sub)
    register_server(sub)
    register_disasm(sub)
    register_emulate(sub)

    info = sub.add_parser("info", help="versions, plugin path and model")
    info.set_defaults(func=cmd_info)

    plugin = sub.add_parser(
        "plugin-path", help="absolute path of the pass plugin (for -fpass-plugin=)"
    )
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
    size.add_argument("--json", action="store_true", help="a JSON list instead of a table")
    size.add_argument(
        "-j", "--jobs", type=int, default=2, help="files worked on at once (default 2)"
    )
    size.set_defaults(func=cmd_size)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, usage errors (2)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    if not getattr(args, "func", None):
        parser.print_usage(sys.stderr)
        _error("a command is required (cache, coreset, data, demo, disasm, emulate, eval, info, plugin-path, screen, serve, size, train, tune)")
        return 2
    try:
        return args.func(args)
    except UserError as e:
        _error(str(e))
        return 1
    except USER_ERRORS as e:
        _error(_describe(e))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (passlm size ... | head): not an error.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
