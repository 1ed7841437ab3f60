"""``passlm eval``: one command that reproduces every number, with plots.

    passlm eval SUITE [--engine SPEC] [-k N] [--tuned DB] [--json OUT]
                      [--report DIR] [--seed S] [--jobs 2] [--timeout 60]
    passlm eval --replay OUT.json [--jobs N] [--json OUT2] [--report DIR]
    passlm eval --task disasm PAIRS.jsonl [--engine model:DIR] [-k N] [--limit N] [--json OUT]
    passlm eval SUITE --perplexity [--engine model:default]     (or PAIRS.jsonl --task disasm --perplexity)

``register(subparsers)`` adds the subcommand to passlm's parser;
``main(argv)`` runs it alone (``python -m passlm.eval ...``).
Exit status: 0 when the evaluation ran (failed predictions are results, not
errors) and, with --replay, when every number reproduces; 1 for a replay that
differs and for user errors (``passlm: error: ...``); 2 for usage errors.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Optional, Sequence

DESCRIPTION = """\
Evaluate an engine on a suite: object size and IR instruction count of every
module under -O0, -Oz, the engine's top-1 candidate, the best of its first k
candidates that evaluate ok (and that best guarded by -Oz), and the
autotuner's best (--tuned). Prints a table and the improvement over -Oz
(1 - geomean(size / size(-Oz)), the total-size form, wins/ties/losses);
--json records every number with a manifest, --report writes report.md and
plots, --replay re-runs a recorded evaluation and lists what differs.

SUITE is a directory of .ll/.bc/.c files, one such file, or DB:SPLIT (the
modules of a corpus store in that split, e.g. corpus.db:test).

--task disasm evaluates disassembly on held-out (assembly, IR) pairs from
`passlm data pairs` (SUITE is the pairs file): round-trip rate of the first
candidate and of the best of k, exact match and BLEU. --perplexity prints
the held-out perplexity of the engine's model instead: on the suite's IR for
a pipeline model, on the pairs' assembly and IR for a disassembly model."""


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``eval`` subcommand to an ``add_subparsers()`` object."""
    parser = subparsers.add_parser(
        "eval", help="evaluate an engine on a suite against -Oz (table, JSON, report, replay)",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    parser.set_defaults(func=cmd_eval)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("suite", nargs="?", metavar="SUITE", help="DIR, FILE or DB:SPLIT")
    parser.add_argument("--engine", metavar="SPEC",
                        help="engine spec (default: $PASSLM_ENGINE, else model:default, the shipped model)")
    parser.add_argument("-k", type=int, metavar="N", help="candidates asked of the engine (default 4)")
    parser.add_argument("--tuned", metavar="DB", help="a store with autotuning results to compare with")
    parser.add_argument("--seed", type=int, metavar="S", help="seed for the engine's randomness (default 0)")
    parser.add_argument("--json", metavar="OUT", help="write every number and a manifest to OUT")
    parser.add_argument("--report", metavar="DIR", help="write DIR/report.md and PNG plots")
    parser.add_argument("-j", "--jobs", type=int, metavar="N", help="worker processes (default 2)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS",
                        help="time allowed for one evaluation (default 60)")
    parser.add_argument("--replay", metavar="OUT.json",
                        help="re-run a recorded evaluation and say whether every number reproduces")
    parser.add_argument("--task", choices=("pipeline", "disasm"), default="pipeline",
                        help="pipeline (default): object sizes; disasm: lifting held-out pairs (SUITE = pairs file)")
    parser.add_argument("--perplexity", action="store_true", help="the held-out perplexity of the engine's model")
    parser.add_argument("--limit", type=int, metavar="N", help="the first N modules or pairs only")


def _progress():
    """A one-line progress display on a terminal's stderr, else nothing."""
    if not sys.stderr.isatty():
        return None, lambda: None

    def show(message: str) -> None:
        sys.stderr.write(f"\r\033[Kpasslm eval: {message}")
        sys.stderr.flush()

    def done() -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()

    return show, done


def write_json(doc: dict, path: str) -> None:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(json.dumps(doc, indent=1) + "\n")
    partial.replace(out)


def _outputs(doc: dict, args: argparse.Namespace) -> None:
    if args.json:
        write_json(doc, args.json)
        print(f"wrote {args.json}")
    if args.report:
        from .report import write_report

        print(f"wrote {write_report(doc, args.report, json_path=args.json)}")


def _command(args: argparse.Namespace) -> Optional[list[str]]:
    """The command as typed (for the manifest and the report), when it can be known."""
    argv = getattr(args, "argv", None)
    if argv is None:
        if "eval" not in sys.argv:
            return None
        argv = sys.argv[sys.argv.index("eval") + 1:]
    return ["passlm", "eval", *argv]


def cmd_eval(args: argparse.Namespace) -> int:
    from ..engine import DEFAULT_ENGINE
    from .run import Settings, run_eval
    from .suite import EvalError, load_suite

    command = _command(args)
    show, done = _progress()
    if args.replay:
        fixed = [name for name, value in (("SUITE", args.suite), ("--engine", args.engine), ("-k", args.k),
                                          ("--seed", args.seed), ("--tuned", args.tuned)) if value is not None]
        if fixed:
            raise EvalError(f"--replay re-runs the recorded settings; drop {', '.join(fixed)}")
        return _replay(args, command, show, done)
    if args.suite is None:
        raise EvalError("a SUITE (directory, file or DB:split) or --replay OUT.json is required")
    if args.task == "disasm" or args.perplexity:
        return _text_task(args, show, done)
    settings = Settings(engine=args.engine or os.environ.get("PASSLM_ENGINE") or DEFAULT_ENGINE,
                        k=4 if args.k is None else args.k, seed=args.seed or 0, tuned=args.tuned,
                        jobs=args.jobs or 2, timeout=args.timeout or 60.0)
    from ..engine import make_engine

    engine = make_engine(settings.engine)  # a bad spec fails before the suite is compiled
    suite = load_suite(args.suite)
    try:
        doc = run_eval(suite, settings, command=command, progress=show, engine=engine)
    finally:
        done()
    from .report import format_terminal

    print(format_terminal(doc))
    _outputs(doc, args)
    return 0


def _text_task(args: argparse.Namespace, show, done) -> int:
    """--task disasm and --perplexity: the text tasks' numbers (passlm.eval.text_eval)."""
    from ..engine import DEFAULT_ENGINE
    from . import text_eval
    from .suite import EvalError

    limit = slice(None, args.limit)
    if args.task == "disasm":
        from ..text.pairfile import read_pairs

        engine = args.engine
        if not engine:
            raise EvalError("--task disasm needs --engine (model:DIR of passlm train --task disasm, "
                            "llm-compiler:DIR or openai:URL)")
        pairs = read_pairs(args.suite)[limit]
        try:
            if args.perplexity:
                doc = text_eval.disasm_model_perplexity(engine, pairs)
            else:
                doc = text_eval.eval_disasm(pairs, engine, 4 if args.k is None else args.k, progress=show)
        finally:
            done()
        if args.perplexity:
            print(f"perplexity of {engine} on {doc['pairs']} held-out pairs: assembly {doc['asm']:.3f} "
                  f"({doc['asm_tokens']} tokens), IR given the assembly {doc['ir']:.3f} ({doc['ir_tokens']} tokens)")
        else:
            print(text_eval.format_disasm(doc))
    else:
        engine = args.engine or os.environ.get("PASSLM_ENGINE") or DEFAULT_ENGINE
        if not engine.startswith("model:"):
            raise EvalError(f"--perplexity needs a passlm model engine (model:default or model:DIR), not '{engine}'")
        from .suite import load_suite
        from .. import Module

        texts = [Module.from_string(m.bitcode, m.name).to_text() for m in list(load_suite(args.suite))[limit]]
        doc = text_eval.pipeline_model_perplexity(engine, texts)
        print(f"perplexity of {engine} on the IR of {doc['modules']} modules: {doc['ir']:.3f} "
              f"({doc['tokens']} tokens, condensed as in prediction)")
    if args.json:
        write_json(doc, args.json)
        print(f"wrote {args.json}")
    return 0


def _replay(args: argparse.Namespace, command: list[str], show, done) -> int:
    from .replay import replay

    try:
        fresh, differences, count = replay(args.replay, jobs=args.jobs, timeout=args.timeout, command=command,
                                           progress=show)
    finally:
        done()
    m = fresh["manifest"]
    print(f"replayed {args.replay}: engine {m['engine']['spec']}, k={m['settings']['k']}, "
          f"seed={m['settings']['seed']} on {m['suite']['description']}")
    _outputs(fresh, args)
    if differences:
        print(f"{len(differences)} of {count} numbers differ:")
        for line in differences:
            print(f"  {line}")
        return 1
    print(f"every number reproduces ({count} compared)")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``passlm eval`` on its own, with passlm's error handling."""
    from .. import cli

    parser = argparse.ArgumentParser(prog=f"{cli.PROG} eval", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    args.argv = argv
    try:
        return cmd_eval(args)
    except cli.USER_ERRORS as e:
        cli._error(cli._describe(e))
        return 1
    except KeyboardInterrupt:
        return 130
