"""The commands of the text tasks; each module here only registers its parsers.

    passlm disasm f.s [--engine lifter:default] [-k 4] [--triple T] [--llc-args '-O2 -relocation-model=pic'] [-o f.ll]
    passlm emulate FILE.ll --passes PIPELINE [--engine SPEC] [-k N] [--check] [--json] [-o OUT]
    passlm data pairs --db PATH --out FILE.jsonl [--split S] [--max-chars N] [--exclude OTHER.jsonl]
    passlm data lifter --pairs TRAIN.jsonl --out DIR

``disasm``: the IR goes to stdout (or -o); one line on stderr says whether it
round-trips. IR that does not is printed all the same, its first line the
comment ``; passlm: NOT VERIFIED: ...``. Exit status 0 either way; 1 for user
errors (a missing file, assembly llvm-mc rejects, an unknown triple, an
engine that cannot disassemble).

``emulate``: see :mod:`passlm.text.emulate`. ``pairs`` (under ``passlm
data``): see :mod:`passlm.text.pairs`; progress on stderr, a one-line summary
on stdout. ``lifter`` (under ``passlm data``, registered with ``pairs``): the
retrieval lifter of :mod:`passlm.text.lifter`, learned from a pair file.
"""
from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import asdict
from pathlib import Path

from .. import command
from .emulate import CODE_MAX_NEW_TOKENS, ENGINE_ENV
from .lift import DEFAULT_DISASM_ENGINE, DEFAULT_TRIPLE

#: Candidates tried by default: the retrieval lifter stops at the first that round-trips.
DEFAULT_DISASM_K = 4

# ------------------------------------------------------------------- disasm


def register_disasm(sub) -> argparse.ArgumentParser:
    """Adds ``disasm`` to the passlm command's subparsers."""
    from ..llc import DEFAULT_LLC_ARGS

    parser = sub.add_parser(
        "disasm", help="lift assembly to LLVM-IR, verified by round trip through llc-19",
        description=("Ask an engine for k LLVM-IRs of the assembly in FILE (a function as llc-19 writes it), "
                     "compile each back with llc-19 at the settings that made the assembly, and print the "
                     "first that gives exactly the input back (verified), else the closest one, marked "
                     "NOT VERIFIED."))
    parser.add_argument("file", metavar="FILE.s")
    parser.add_argument("--engine", default=DEFAULT_DISASM_ENGINE, metavar="SPEC",
                        help=f"{DEFAULT_DISASM_ENGINE} (the default: the shipped retrieval lifter, learned from "
                             "training pairs) or lifter:DIR (passlm data lifter), model:DIR (a model of passlm "
                             "train --task disasm; none is shipped), llm-compiler:DIR or openai:URL (LLM "
                             "Compiler's disassembly prompt)")
    parser.add_argument("-k", type=command.positive_int, default=DEFAULT_DISASM_K, metavar="N",
                        help=f"candidates asked of the engine (default {DEFAULT_DISASM_K})")
    parser.add_argument("--triple", default=DEFAULT_TRIPLE, help=f"target of the assembly (default {DEFAULT_TRIPLE})")
    parser.add_argument("--llc-args", default=" ".join(DEFAULT_LLC_ARGS),
                        help=f"llc-19 settings that produced the assembly (default '{' '.join(DEFAULT_LLC_ARGS)}')")
    command.add_output_option(parser, "the IR (default: stdout)")
    command.add_json_flag(parser, "every candidate and its check (instead of the IR)")
    parser.set_defaults(func=cmd_disasm)
    return parser


def cmd_disasm(args: argparse.Namespace) -> int:
    """The lifted IR on stdout (or -o, or all candidates as JSON); one line on stderr says if it is verified."""
    from .lift import lift_assembly

    asm = Path(args.file).read_text()
    lifted = lift_assembly(asm, args.engine, args.k, args.triple, shlex.split(args.llc_args), name=args.file)
    n = len(lifted.candidates)
    if args.output:
        command.write_output(args.output, lifted.marked_ir())
    if args.json:
        command.print_json({"file": args.file, "engine": args.engine, "verified": lifted.verified,
                            "chosen": lifted.chosen, "ir": lifted.ir,
                            "candidates": [vars(c) for c in lifted.candidates]})
    elif not args.output:
        sys.stdout.write(lifted.marked_ir())
    settings = f"llc-19 {args.llc_args} -mtriple={args.triple}"
    if lifted.verified:
        print(f"passlm: {args.file}: verified: candidate {lifted.chosen + 1} of {n} round-trips ({settings})",
              file=sys.stderr)
    elif n:
        best = lifted.candidates[lifted.chosen]
        command.warning(f"{args.file}: NOT VERIFIED: none of {n} candidates round-trips ({settings}); "
                        f"the closest is candidate {lifted.chosen + 1} (BLEU {best.bleu:.2f} of its assembly)")
    else:
        command.warning(f"{args.file}: the engine gave no candidate")
    return 0


# ------------------------------------------------------------------ emulate


def _with_newline(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def cmd_emulate(args: argparse.Namespace) -> int:
    """The best prediction's IR and a table of figures (see passlm.text.emulate); or all of it as JSON."""
    from .emulate import actual, compare_ir, emulate, engine_spec_for, format_table, measure, read_ir_file

    spec = engine_spec_for(args.engine)
    ir_text = read_ir_file(args.file)
    predictions = emulate(ir_text, args.passes, spec, args.k, name=args.file, max_new_tokens=args.max_new_tokens)
    source = measure(ir_text, name=args.file)
    real = actual(ir_text, args.passes, name=args.file) if args.check else None
    best_ir = _with_newline(predictions[0].ir) if predictions else ""
    if args.output:
        command.write_output(args.output, best_ir)
    if args.json:
        answers = []
        for prediction in predictions:
            entry = asdict(prediction)
            if real:
                entry.update(asdict(compare_ir(prediction.ir, real.ir)))
            answers.append(entry)
        document = {"file": args.file, "passes": args.passes, "engine": spec,
                    "input": {"instructions": source.instructions, "object_size": source.object_size},
                    "predictions": answers}
        if real:
            document["actual"] = {"ir": real.ir, "instructions": real.instructions, "object_size": real.object_size}
        command.print_json(document, indent=2)
        return 0
    table = format_table(source, predictions, real)
    if args.output:
        print(table)
    else:
        sys.stdout.write(best_ir)
        sys.stdout.flush()
        print(table, file=sys.stderr)
    return 0


def register_emulate(subparsers) -> argparse.ArgumentParser:
    """Adds ``emulate`` to the passlm command's subparsers."""
    parser = subparsers.add_parser(
        "emulate",
        help="LLM Compiler predicts the IR opt -p PIPELINE makes of a module",
        description=(
            "Ask an LLM Compiler model (llm-compiler:DIR or openai:URL) for the IR that "
            "'opt -p PIPELINE' makes of FILE (.ll or .bc), with LLM Compiler's exact emulation prompt, "
            "which states FILE's real instruction count and object size. The best answer's IR goes to "
            "stdout (or -o), then a table of the predicted figures (on stderr when the IR is on stdout); "
            "--check runs the pipeline for real and adds its figures, exact match and BLEU."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the input module (.ll or .bc)")
    parser.add_argument("--passes", required=True, metavar="PIPELINE",
                        help="a new-PM pipeline (opt -passes syntax), e.g. 'module(default<Oz>)'")
    parser.add_argument("--engine", metavar="SPEC",
                        help=f"llm-compiler:DIR or openai:URL; required unless ${ENGINE_ENV} names one of these "
                             "(the other engines only propose pipelines)")
    parser.add_argument("-k", type=int, default=1, metavar="N",
                        help="answers asked for (default 1: greedy; more: beam search or sampling)")
    parser.add_argument("--max-new-tokens", type=int, default=CODE_MAX_NEW_TOKENS, metavar="N",
                        help=f"room for each answer, in tokens (default {CODE_MAX_NEW_TOKENS})")
    parser.add_argument("--check", action="store_true",
                        help="also run the pipeline (passlm's core) and compare: figures, exact match, BLEU")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout instead of IR and table")
    parser.add_argument("-o", "--output", metavar="OUT", help="write the predicted IR to OUT instead of stdout")
    parser.set_defaults(func=cmd_emulate)
    return parser


# -------------------------------------------------------------- data pairs


def cmd_pairs(args: argparse.Namespace) -> int:
    """``passlm data pairs``: progress on stderr, a one-line summary on stdout."""
    from .pairfile import exclude_pairs
    from .pairs import build_pairs

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    counts = build_pairs(args.db, args.out, split=args.split, max_chars=args.max_chars, limit=args.limit,
                         jobs=args.jobs, log=log)
    excluded = ""
    if args.exclude:
        removed = exclude_pairs(args.out, args.exclude)
        excluded = f"; {removed} pairs whose IR is in {args.exclude} removed"
    print(f"passlm: {counts.summary()}{excluded}; wrote {args.out}")
    return 0


def register_pairs(sub) -> argparse.ArgumentParser:
    """Adds ``pairs`` to a subparsers object (``passlm data``'s)."""
    pairs = sub.add_parser(
        "pairs", help="(assembly, IR) pairs per function, for disassembly",
        description="Optimize each module of a store with default<Oz>, extract every defined function alone "
                    "(llvm-extract-19), compile it with llc-19 -O2 -relocation-model=pic, keep the pairs that "
                    "round-trip, deduplicated by IR, and write them as JSON lines, smallest first.")
    pairs.add_argument("--db", required=True, metavar="PATH", help="the store (SQLite)")
    pairs.add_argument("--out", required=True, metavar="FILE.jsonl", help="the pair file (replaced at the end)")
    pairs.add_argument("--split", choices=("train", "valid", "test"), help="only modules of this split")
    pairs.add_argument("--max-chars", type=command.positive_int, metavar="N",
                       help="keep only pairs with at most N characters of assembly and IR together")
    pairs.add_argument("--limit", type=command.positive_int, metavar="N", help="the first N modules only (store order)")
    pairs.add_argument("-j", "--jobs", type=command.positive_int, default=2, help="modules worked on at once (default 2)")
    pairs.add_argument("--exclude", metavar="OTHER.jsonl",
                       help="leave out pairs whose IR is in OTHER (e.g. the train pairs, for held-out pairs)")
    pairs.set_defaults(func=cmd_pairs)
    return pairs


def cmd_lifter(args: argparse.Namespace) -> int:
    """``passlm data lifter``: the retrieval lifter of a pair file (passlm.text.lifter)."""
    from .lifter import build_index
    from .pairfile import read_pairs

    pairs = read_pairs(args.pairs)
    if args.split:
        pairs = [p for p in pairs if p.split == args.split]
    info = build_index(pairs, args.out, source=Path(args.pairs).name,
                       log=lambda message: print(message, file=sys.stderr, flush=True))
    print(f"passlm: lifter of {info['pairs']} pairs ({info['texts']} normalized assembly texts) in {args.out}")
    return 0


def register_lifter(sub) -> argparse.ArgumentParser:
    """Adds ``lifter`` to a subparsers object (``passlm data``'s)."""
    parser = sub.add_parser(
        "lifter", help="the retrieval lifter of passlm disasm, from training pairs",
        description="Normalize every pair's assembly with placeholders (names, numbers, strings numbered), "
                    "keep each normalized text's IR templates, and write the lifter folder that "
                    "'passlm disasm --engine lifter:DIR' reads (lifter.json, index.jsonl.xz).")
    parser.add_argument("--pairs", required=True, metavar="TRAIN.jsonl", help="a pair file (passlm data pairs)")
    parser.add_argument("--out", required=True, metavar="DIR", help="the lifter folder (made or replaced)")
    parser.add_argument("--split", choices=("train", "valid", "test"), help="only the pairs of this split")
    parser.set_defaults(func=cmd_lifter)
    return parser
