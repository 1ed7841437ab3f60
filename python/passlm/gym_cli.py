"""``passlm gym``: the baseline agents of the Gymnasium environment (``passlm.gym.baselines``).

    passlm gym baselines --benchmark SPEC --search {random,greedy,prior} --budget N [--json] [-o FILE]

It lives outside ``passlm.gym``, whose import needs gymnasium (the ``[gym]``
extra): registering the command imports nothing heavy, and without the extra
the command says which one to install. The agents themselves are
``passlm.gym.baselines.run`` and ``summary``.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from . import command

#: The agents ``passlm.gym.baselines`` runs.
SEARCHES = ("random", "greedy", "prior")


def add_baseline_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--benchmark", required=True, help="a file, a folder or store:PATH#SPLIT")
    parser.add_argument("--search", choices=SEARCHES, required=True)
    parser.add_argument("--budget", type=command.positive_int, required=True,
                        help="random, prior: steps per module; greedy: at most steps")
    parser.add_argument("--engine", default="model:ranker", help="prior: the engine whose candidates are played")
    parser.add_argument("--episode-length", type=command.positive_int, default=20)
    parser.add_argument("--limit", type=command.positive_int, help="modules drawn from the dataset (default all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the results and summary as JSON on stdout")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the results and summary as JSON to FILE")
    parser.add_argument("--replay", action="store_true",
                        help="check every best pipeline with opt | llc | llvm-size afterwards")


def register(subparsers) -> argparse.ArgumentParser:
    gym = subparsers.add_parser("gym", help="the Gymnasium environment's baseline agents (the [gym] extra)",
                                description="The phase-ordering environment passlm/PhaseOrdering-v0 "
                                            "(import passlm.gym) and its baseline agents.")
    sub = gym.add_subparsers(dest="gym_command", metavar="COMMAND")
    gym.set_defaults(func=command.missing_subcommand(gym, sub))
    baselines = sub.add_parser("baselines", help="random, greedy or prior search on a benchmark, against -Oz",
                               description="Run a baseline agent on every module of a benchmark and report "
                                           "each module's best object size against -Oz, and their geomean.")
    add_baseline_arguments(baselines)
    baselines.set_defaults(func=cmd_baselines)
    return sub


def cmd_baselines(args: argparse.Namespace) -> int:
    try:
        from .gym import baselines
    except ImportError as e:  # no [gym] extra: the package's own message names it
        raise command.UserError(str(e)) from None
    text = sys.stderr if args.json else sys.stdout  # --json keeps stdout for the JSON

    def show(r) -> None:
        print(f"{r.improvement:+8.2%} {r.oz_object_size:8d} -> {r.best_object_size:8d} {r.evaluations:6d} evals "
              f"{r.seconds:7.1f} s  {r.benchmark}", file=text, flush=True)

    results = baselines.run(args.benchmark, args.search, args.budget, args.episode_length, args.limit, args.seed,
                            show, args.replay, args.engine)
    total = baselines.summary(results)
    print(f"{args.search} search, budget {args.budget}: {total['modules']} modules ({total['empty']} with an empty"
          f" -Oz object left out), {total['geomean']:+.2%} geomean over -Oz, {total['beat_oz']} beat -Oz,"
          f" {total['worse_than_oz']} worse, {total['seconds']} s", file=text)
    arguments = {k: v for k, v in vars(args).items() if k not in ("func", "command", "gym_command", "command_line")}
    document = {"arguments": arguments, "summary": total, "results": [asdict(r) for r in results]}
    if args.output:
        command.write_output(args.output, json.dumps(document, indent=1))
    if args.json:
        print(json.dumps(document, indent=1))
    return 0
