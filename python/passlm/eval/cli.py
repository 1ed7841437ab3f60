"""``passlm eval``: one command that reproduces every number, with plots.

    passlm eval SUITE [--engine SPEC] [-k N] [--tuned DB] [--search N] [-o OUT.json | --json]
                      [--report DIR] [--seed S] [--jobs 2] [--timeout 60]
    passlm eval --replay OUT.json [--jobs N] [-o OUT2.json | --json] [--report DIR]
    passlm eval --task disasm PAIRS.jsonl [--engine lifter:default] [-k N] [--limit N] [-o OUT.json | --json]
    passlm eval SUITE --perplexity [--engine model:default]     (or PAIRS.jsonl --task disasm --perplexity)

``register(subparsers)`` adds the subcommand to passlm's parser
(``python -m passlm.eval ...`` is ``passlm eval ...``). -o writes the record
(every number and a manifest); --json prints it on stdout instead of the
table, the rest of what is said going to stderr.
Exit status: 0 when the evaluation ran (failed predictions are results, not
errors) and, with --replay, when every number reproduces; 1 for a replay that
differs and for user errors (``passlm: error: ...``); 2 for usage errors.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Callable, Optional

from .. import command
from ..command import UsageError
from ..defaults import DEFAULT_ENGINE, DEFAULT_K

DESCRIPTION = """\
Evaluate an engine on a suite: object size and IR instruction count of every
module under -O0, -Oz, the engine's top-1 candidate, the best of its first k
candidates that evaluate ok (and that best guarded by -Oz), and the
autotuner's best screened pipeline (--tuned). Prints a table and the improvement over -Oz
(1 - geomean(size / size(-Oz)), the total-size form, wins/ties/losses);
-o OUT.json records every number with a manifest (--json prints it instead),
--report writes report.md and plots, --replay re-runs a recorded evaluation
and lists what differs.

SUITE is a directory of .ll/.bc/.c files, one such file, or DB:SPLIT (the
modules of a corpus store in that split, e.g. corpus.db:test).

--task disasm evaluates disassembly on held-out (assembly, IR) pairs from
`passlm data pairs` (SUITE is the pairs file) with the shipped lifter unless
--engine names another: round-trip rate of the first candidate and of the
best of k, exact match, BLEU and median time, by assembly length and with the
near-duplicates of training pairs apart. --perplexity prints
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
                        help=f"engine spec (default: $PASSLM_ENGINE, else {DEFAULT_ENGINE})")
    parser.add_argument("-k", type=command.positive_int, metavar="N",
                        help=f"candidates asked of the engine (default {DEFAULT_K}, the plugin's)")
    parser.add_argument("--tuned", metavar="DB",
                        help="a store with autotuning results to compare with (its best screened deterministic "
                             "pipeline per module)")
    parser.add_argument("--seed", type=int, metavar="S", help="seed for the engine's randomness (default 0)")
    parser.add_argument("--search", type=command.non_negative_int, metavar="N",
                        help="add the column the plugin's search=N keeps: N mutations around the guard's choice "
                             "(default 0: none)")
    command.add_output_option(parser, "every number and a manifest (JSON)")
    command.add_json_flag(parser, "what -o writes (instead of the table)")
    parser.add_argument("--report", metavar="DIR", help="write DIR/report.md and PNG plots")
    parser.add_argument("-j", "--jobs", type=command.positive_int, metavar="N", help="worker processes (default 2)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS",
                        help="time allowed for one evaluation (default 60)")
    parser.add_argument("--replay", metavar="OUT.json",
                        help="re-run a recorded evaluation and say whether every number reproduces")
    parser.add_argument("--task", choices=("pipeline", "disasm"), default="pipeline",
                        help="pipeline (default): object sizes; disasm: lifting held-out pairs (SUITE = pairs file)")
    parser.add_argument("--perplexity", action="store_true", help="the held-out perplexity of the engine's model")
    parser.add_argument("--limit", type=command.positive_int, metavar="N", help="the first N modules or pairs only")


def _progress():
    """A tqdm bar on a terminal's stderr (else nothing), fed the run's "phase i/n" messages."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(file=sys.stderr, leave=False, desc="passlm eval", unit="")

    def show(message: str) -> None:
        counted = re.match(r"(?P<phase>\S+) (?P<done>\d+)/(?P<total>\d+)", message)
        if counted is None:
            bar.set_description_str(message)
            return
        if bar.desc != counted["phase"] or bar.total != int(counted["total"]):
            bar.reset(total=int(counted["total"]))
            bar.set_description_str(counted["phase"], refresh=False)
        bar.n = int(counted["done"])
        bar.refresh()

    return show, bar.close


def _say(args: argparse.Namespace) -> Callable[[str], None]:
    """Where the words go: stdout, or stderr when stdout carries --json."""
    stream = sys.stderr if _json_to_stdout(args) else sys.stdout
    return lambda line: print(line, file=stream, flush=True)


def _json_to_stdout(args: argparse.Namespace) -> bool:
    return args.json or args.output == "-"


def _outputs(doc: dict, args: argparse.Namespace) -> None:
    """The record: on stdout (--json, -o -), into -o FILE; then the report."""
    say = _say(args)
    if args.output and args.output != "-":
        command.write_output(args.output, json_text(doc))
        say(f"wrote {args.output}")
    if _json_to_stdout(args):
        command.print_json(doc)
    if args.report:
        from .report import write_report

        json_path = args.output if args.output and args.output != "-" else None
        say(f"wrote {write_report(doc, args.report, json_path=json_path)}")


def json_text(doc: dict) -> str:
    import json

    return json.dumps(doc, indent=1) + "\n"


def _command(args: argparse.Namespace) -> Optional[list[str]]:
    """The command as typed (for the manifest and the report), when it is known."""
    return getattr(args, "command_line", None)


def cmd_eval(args: argparse.Namespace) -> int:
    from .run import Settings, run_eval
    from .suite import load_suite

    if args.replay:
        fixed = [name for name, value in (("SUITE", args.suite), ("--engine", args.engine), ("-k", args.k),
                                          ("--seed", args.seed), ("--tuned", args.tuned),
                                          ("--search", args.search)) if value is not None]
        if fixed:
            raise UsageError(f"--replay re-runs the recorded settings; drop {', '.join(fixed)}")
    elif args.suite is None:
        raise UsageError("a SUITE (directory, file or DB:split) or --replay OUT.json is required")
    show, done = _progress()
    if args.replay:
        return _replay(args, _command(args), show, done)
    if args.task == "disasm" or args.perplexity:
        return _text_task(args, show, done)
    settings = Settings(engine=args.engine or os.environ.get("PASSLM_ENGINE") or DEFAULT_ENGINE,
                        k=DEFAULT_K if args.k is None else args.k, seed=args.seed or 0, tuned=args.tuned,
                        jobs=args.jobs or 2, timeout=args.timeout or 60.0, search=args.search or 0)
    from ..engine import make_engine

    engine = make_engine(settings.engine)  # a bad spec fails before the suite is compiled
    suite = load_suite(args.suite)
    try:
        doc = run_eval(suite, settings, command=_command(args), progress=show, engine=engine)
    finally:
        done()
    from .report import format_terminal

    if not _json_to_stdout(args):
        print(format_terminal(doc))
    _outputs(doc, args)
    return 0


def _text_task(args: argparse.Namespace, show, done) -> int:
    """--task disasm and --perplexity: the text tasks' numbers (passlm.eval.text_eval)."""
    from . import text_eval
    from .suite import EvalError

    limit = slice(None, args.limit)
    say = _say(args)
    if args.task == "disasm":
        from ..text.pairfile import read_pairs

        from ..text.lift import DEFAULT_DISASM_ENGINE

        engine = args.engine or ("" if args.perplexity else DEFAULT_DISASM_ENGINE)
        if not engine:
            raise UsageError("--task disasm --perplexity needs --engine model:DIR (of passlm train --task disasm)")
        pairs = read_pairs(args.suite)[limit]
        try:
            if args.perplexity:
                doc = text_eval.disasm_model_perplexity(engine, pairs)
            else:
                from ..text.cli import DEFAULT_DISASM_K

                from .disasm_replay import lifter_sha256, suite_of

                doc = text_eval.eval_disasm(pairs, engine, DEFAULT_DISASM_K if args.k is None else args.k,
                                            progress=show, train_lifter=_train_lifter(engine))
                doc["suite"], doc["lifter_sha256"] = suite_of(args.suite, args.limit), lifter_sha256(engine)
        finally:
            done()
        if args.perplexity:
            say(f"perplexity of {engine} on {doc['pairs']} held-out pairs: assembly {doc['asm']:.3f} "
                f"({doc['asm_tokens']} tokens), IR given the assembly {doc['ir']:.3f} ({doc['ir_tokens']} tokens)")
        else:
            say(text_eval.format_disasm(doc))
    else:
        engine = args.engine or os.environ.get("PASSLM_ENGINE") or "model:default"
        if not engine.startswith("model:"):
            raise EvalError(f"--perplexity needs a passlm model engine (model:default or model:DIR), not '{engine}'")
        from .suite import load_suite
        from .. import Module

        texts = [Module.from_string(m.bitcode, m.name).to_text() for m in list(load_suite(args.suite))[limit]]
        doc = text_eval.pipeline_model_perplexity(engine, texts)
        say(f"perplexity of {engine} on the IR of {doc['modules']} modules: {doc['ir']:.3f} "
            f"({doc['tokens']} tokens, condensed as in prediction)")
    _outputs(doc, args)
    return 0


def _train_lifter(engine: str):
    """The lifter learned from the training pairs, which tells near-duplicates apart: the engine's own when
    it is a lifter, else the shipped one (None when there is none)."""
    from ..text.lifter import load_lifter

    kind, _, argument = engine.partition(":")
    try:
        return load_lifter(argument if kind == "lifter" else "default")
    except ValueError:
        return None


def _replay(args: argparse.Namespace, command_line: Optional[list[str]], show, done) -> int:
    from .disasm_replay import is_disasm_record
    from .replay import replay

    if is_disasm_record(args.replay):
        return _replay_disasm(args, show, done)
    try:
        fresh, differences, count = replay(args.replay, jobs=args.jobs, timeout=args.timeout, command=command_line,
                                           progress=show)
    finally:
        done()
    m = fresh["manifest"]
    say = _say(args)
    say(f"replayed {args.replay}: engine {m['engine']['spec']}, k={m['settings']['k']}, "
        f"seed={m['settings']['seed']} on {m['suite']['description']}")
    _outputs(fresh, args)
    if differences:
        say(f"{len(differences)} of {count} numbers differ:")
        for line in differences:
            say(f"  {line}")
        return 1
    say(f"every number reproduces ({count} compared)")
    return 0


def _replay_disasm(args: argparse.Namespace, show, done) -> int:
    """--replay of a --task disasm record (passlm.eval.disasm_replay)."""
    from .disasm_replay import replay_disasm

    try:
        fresh, differences, count = replay_disasm(args.replay, progress=show)
    finally:
        done()
    say = _say(args)
    say(f"replayed {args.replay}: disassembly, engine {fresh['engine']}, k={fresh['k']}, "
        f"{fresh['pairs']} pairs of {fresh['suite']['file']}")
    _outputs(fresh, args)
    if differences:
        say(f"{len(differences)} of {count} numbers differ:")
        for line in differences[:50]:
            say(f"  {line}")
        return 1
    say(f"every number reproduces ({count} compared; times are not)")
    return 0
