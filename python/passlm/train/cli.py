"""``passlm train``: a small Llama, from scratch: over IR to predict pipelines
(on a label store), or over assembly to write IR (on ``passlm data pairs``).

    passlm train --db corpus.db --out models/mine [--epochs N] [--hidden H] ...
    passlm train --task disasm --pairs train.jsonl --eval-pairs test.jsonl --out models/disasm
    passlm train --task rank --db matrix.db --pool pool.json --out models/ranker

Running it again with the same --out and options resumes where it stopped.
``register(subparsers)`` adds the subcommand to passlm's parser.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from .. import command
from .config import TrainConfig
from .text_loop import TextTrainConfig
from ..model.pipeline_lm import ModelConfig
from ..model.text_lm import TextConfig

DESCRIPTION = """\
Train a small Llama-architecture model (transformers LlamaForCausalLM) from
scratch on (IR, best screened pipeline) pairs of a corpus store made by
`passlm data build` and `passlm tune`. Writes a model directory usable as
--engine model:OUT, its TrainConfig (train_config.json), history.jsonl and a
checkpoint; the same command resumes an interrupted run. After every epoch,
held-out modules are compiled with the model's candidates and the
improvement over -Oz is printed.

With --task disasm it trains a disassembly model (assembly -> LLVM-IR, the
other LLM Compiler task) on --pairs from `passlm data pairs`; after every
epoch held-out pairs are lifted and their round-trip and exact-match rates
printed. `passlm disasm --engine model:OUT` uses it.

With --task rank it trains a ranker: the same kind of Llama reads a module's
IR and predicts, in one forward pass, the object size relative to -Oz of
every pipeline of --pool (`passlm pool`), trained on the store's matrix rows
(`passlm.tune.matrix`). Whole training packages are held back for
validation; the held-out split is not read. --engine model:OUT uses it."""

# Options that set TrainConfig / ModelConfig fields directly: name -> (type, help).
TRAIN_OPTIONS = {
    "train_split": (str, "split to train on"), "eval_split": (str, "split measured after every epoch"),
    "limit_modules": (int, "train on the first N modules only"), "epochs": (int, "passes over the data"),
    "batch_size": (int, "modules per step"), "learning_rate": (float, "peak AdamW learning rate"),
    "vocab_size": (int, "BPE vocabulary over IR"), "eval_modules": (int, "held-out modules (disasm: pairs) measured per epoch"),
    "eval_k": (int, "candidates measured per held-out module"), "oz_weight": (float, "weight of -Oz targets"),
    "seed": (int, "seed of everything random"),
    "validation_packages": (float, "task rank: share of training packages held back for validation"), "limit_pairs": (int, "disasm: the first (smallest) N pairs only"),
}
MODEL_OPTIONS = {
    "hidden": (int, "model width"), "layers": (int, "transformer layers"), "heads": (int, "attention heads"),
    "intermediate": (int, "MLP width"), "context": (int, "tokens of input and answer"),
}


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("train", help="train a pipeline-predicting model on a corpus store",
                                   description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    parser.set_defaults(func=cmd_train)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--task", choices=("pipeline", "disasm", "rank"), default="pipeline",
                        help="pipeline: IR -> pass pipeline (default); disasm: assembly -> IR; "
                             "rank: IR -> the size of every pool pipeline")
    parser.add_argument("--pool", help="the pool file (passlm pool); task rank")
    parser.add_argument("--tokenizer-from", metavar="DIR", help="task rank: reuse this model's tokenizer")
    parser.add_argument("--init-from", metavar="DIR",
                        help="task rank: start the trunk from this generative model (its weights, shape and "
                             "tokenizer), e.g. the shipped python/passlm/models/default")
    parser.add_argument("--db", help="the corpus store (passlm data build / passlm tune); task pipeline")
    parser.add_argument("--pairs", help="training pairs (passlm data pairs); task disasm")
    parser.add_argument("--eval-pairs", help="held-out pairs lifted after every epoch; task disasm")
    parser.add_argument("--out", required=True, help="the model directory to write (or resume)")
    defaults = TrainConfig()
    for name, (kind, text) in TRAIN_OPTIONS.items():
        parser.add_argument("--" + name.replace("_", "-"), type=kind, default=None,
                            help=f"{text} (default {getattr(defaults, name, '-')})")
    for name, (kind, text) in MODEL_OPTIONS.items():
        parser.add_argument("--" + name, type=kind, default=None,
                            help=f"{text} (default {getattr(ModelConfig(), name)}; disasm {getattr(TextConfig(), name)})")
    parser.add_argument("--no-eval", action="store_true", help="skip the held-out measurement")


def _given(args, names, config) -> dict:
    """The options given on the command line that ``config`` has, as its fields."""
    return {n: getattr(args, n) for n in names if getattr(args, n) is not None and hasattr(config, n)}


def config_from_args(args) -> TrainConfig:
    model = ModelConfig(**_given(args, MODEL_OPTIONS, ModelConfig()))
    return TrainConfig(db=str(Path(args.db).resolve()), model=model, **_given(args, TRAIN_OPTIONS, TrainConfig()))


def text_config_from_args(args) -> TextTrainConfig:
    model = TextConfig(**_given(args, MODEL_OPTIONS, TextConfig()))
    counts = {"eval_pairs": args.eval_modules} if args.eval_modules is not None else {}
    return TextTrainConfig(pairs=str(Path(args.pairs).resolve()), **counts,
                           eval_pairs_file=str(Path(args.eval_pairs).resolve()) if args.eval_pairs else "",
                           model=model, **_given(args, TRAIN_OPTIONS, TextTrainConfig()))


def rank_config_from_args(args):
    from ..model.ranker import RankerConfig
    from .rank_loop import RankTrainConfig

    model = RankerConfig(**_given(args, MODEL_OPTIONS, RankerConfig()))
    return RankTrainConfig(db=str(Path(args.db).resolve()), pool=str(Path(args.pool).resolve()), model=model,
                           tokenizer_from=str(Path(args.tokenizer_from).resolve()) if args.tokenizer_from else "",
                           init_from=str(Path(args.init_from).resolve()) if args.init_from else "",
                           **_given(args, TRAIN_OPTIONS, RankTrainConfig()))


def cmd_train(args) -> int:
    from .loop import train
    from .text_loop import train_text

    source = args.pairs if args.task == "disasm" else args.db
    if not source:
        raise command.UsageError(f"--task {args.task} needs {'--pairs' if args.task == 'disasm' else '--db'}")
    if args.task == "rank" and not args.pool:
        raise command.UsageError("--task rank needs --pool (passlm pool)")
    for path in filter(None, (source, args.eval_pairs if args.task == "disasm" else None,
                              args.pool if args.task == "rank" else None)):
        if not Path(path).is_file():
            raise command.UserError(f"{path}: no such file")
    # A run that fails before its first checkpoint leaves no new --out behind.
    with command.removed_on_failure(args.out, keep=lambda: (Path(args.out) / "checkpoint").exists()):
        if args.task == "pipeline":
            history = train(config_from_args(args), args.out, evaluate=not args.no_eval)
        elif args.task == "rank":
            from .rank_loop import train_ranker

            history = train_ranker(rank_config_from_args(args), args.out)
        else:
            history = train_text(text_config_from_args(args), args.out, evaluate=not args.no_eval)
    if history:
        last = history[-1]
        print(" ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in last.items()
                       if k != "time"))
    print(f"model: {args.out} (use --engine model:{args.out})")
    return 0
