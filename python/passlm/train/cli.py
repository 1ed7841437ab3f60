"""``passlm train``: a small Llama over IR, from scratch, on a label store.

    passlm train --db corpus.db --out models/mine [--epochs N] [--hidden H] ...

Running it again with the same --out and options resumes where it stopped.
``register(subparsers)`` adds the subcommand; ``main(argv)`` runs it alone.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from .config import TrainConfig
from ..model.pipeline_lm import ModelConfig

DESCRIPTION = """\
Train a small Llama-architecture model (transformers LlamaForCausalLM) from
scratch on (IR, best screened pipeline) pairs of a corpus store made by
`passlm data build` and `passlm tune`. Writes a model directory usable as
--engine model:OUT, its TrainConfig (train_config.json), history.jsonl and a
checkpoint; the same command resumes an interrupted run. After every epoch,
held-out modules are compiled with the model's candidates and the
improvement over -Oz is printed."""

# Options that set TrainConfig / ModelConfig fields directly: name -> (type, help).
TRAIN_OPTIONS = {
    "train_split": (str, "split to train on"), "eval_split": (str, "split measured after every epoch"),
    "limit_modules": (int, "train on the first N modules only"), "epochs": (int, "passes over the data"),
    "batch_size": (int, "modules per step"), "learning_rate": (float, "peak AdamW learning rate"),
    "vocab_size": (int, "BPE vocabulary over IR"), "eval_modules": (int, "held-out modules measured per epoch"),
    "eval_k": (int, "candidates measured per held-out module"), "oz_weight": (float, "weight of -Oz targets"),
    "seed": (int, "seed of everything random"),
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
    parser.add_argument("--db", required=True, help="the corpus store (passlm data build / passlm tune)")
    parser.add_argument("--out", required=True, help="the model directory to write (or resume)")
    defaults, model_defaults = TrainConfig(), ModelConfig()
    for name, (kind, text) in TRAIN_OPTIONS.items():
        parser.add_argument("--" + name.replace("_", "-"), type=kind, default=getattr(defaults, name),
                            help=f"{text} (default {getattr(defaults, name)})")
    for name, (kind, text) in MODEL_OPTIONS.items():
        parser.add_argument("--" + name, type=kind, default=getattr(model_defaults, name),
                            help=f"{text} (default {getattr(model_defaults, name)})")
    parser.add_argument("--no-eval", action="store_true", help="skip the held-out measurement")


def config_from_args(args) -> TrainConfig:
    model = ModelConfig(**{name: getattr(args, name) for name in MODEL_OPTIONS})
    return TrainConfig(db=str(Path(args.db).resolve()), model=model,
                       **{name: getattr(args, name) for name in TRAIN_OPTIONS})


def cmd_train(args) -> int:
    from .loop import train

    if not Path(args.db).is_file():
        print(f"passlm: error: {args.db}: no such store", file=sys.stderr)
        return 1
    try:
        history = train(config_from_args(args), args.out, evaluate=not args.no_eval)
    except ValueError as e:
        print(f"passlm: error: {e}", file=sys.stderr)
        return 1
    if history:
        last = history[-1]
        print(" ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in last.items()
                       if k != "time"))
    print(f"model: {args.out} (use --engine model:{args.out})")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="passlm train", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    return cmd_train(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
