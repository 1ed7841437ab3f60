"""Training a TextLM (assembly -> IR) from scratch on (assembly, IR) pairs; resumable.

``train_text(config, out)`` writes into ``out`` what ``loop.train`` writes for
the pipeline model: the model directory itself (``model:OUT`` lifts with it),
``train_config.json`` (``TextTrainConfig``), ``history.jsonl`` and
``checkpoint/`` (safetensors weights and optimizer state; running again
resumes from it, batch for batch).

Pairs come from ``passlm data pairs`` (JSON lines, smallest first); those
that do not fit the context are left out. The loss is next-token
cross-entropy over the IR and ``</s>`` (weight 1) and over the assembly
(weight ``asm_loss_weight``: the model is also a language model of
assembly). After every epoch, ``eval_pairs`` held-out pairs are lifted
greedily and checked: round trip (llc-19 gives back the input assembly) and
exact match.
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ..model.text_lm import TextConfig
from .data import batches
from .loop import CHECKPOINT, _learning_rate, _load_optimizer, _loss, _read_history, _save_checkpoint

CONFIG_FILE = "train_config.json"


@dataclass
class TextTrainConfig:
    pairs: str = ""                 # training pairs (JSON lines)
    eval_pairs_file: str = ""       # held-out pairs measured after every epoch ("" = none)
    limit_pairs: int = 0            # the first N pairs only (0: all); they are smallest first
    model: TextConfig = field(default_factory=TextConfig)
    vocab_size: int = 4096
    tokenizer_pairs: int = 4000     # pairs the tokenizer is trained on
    epochs: int = 3
    batch_size: int = 16
    learning_rate: float = 1e-3
    warmup_steps: int = 100
    weight_decay: float = 0.01
    asm_loss_weight: float = 0.25   # next-token loss on the assembly
    eval_pairs: int = 24            # held-out pairs lifted after every epoch
    checkpoint_every: int = 50
    seed: int = 0

    def save(self, directory: str | Path) -> None:
        Path(directory, CONFIG_FILE).write_text(json.dumps({"task": "disasm", **asdict(self)}, indent=1) + "\n")

    @classmethod
    def load(cls, directory: str | Path) -> "TextTrainConfig":
        data = json.loads(Path(directory, CONFIG_FILE).read_text())
        if data.pop("task", None) != "disasm":
            raise ValueError(f"{Path(directory, CONFIG_FILE)}: not a disassembly training run")
        data["model"] = TextConfig(**data["model"])
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"{Path(directory, CONFIG_FILE)}: unknown fields {sorted(unknown)}")
        return cls(**data)


def _log(message: str) -> None:
    print(f"passlm train: {message}", file=sys.stderr, flush=True)


def _pair_tensors(items: list[tuple[list[int], list[int]]], pad_id: int, asm_weight: float, device):
    import torch

    length = max(len(s) + len(t) for s, t in items)
    inputs = torch.full((len(items), length), pad_id, dtype=torch.long)
    mask = torch.zeros((len(items), length), dtype=torch.long)
    weights = torch.zeros((len(items), length), dtype=torch.float)
    for row, (source, target) in enumerate(items):
        sequence = source + target
        inputs[row, :len(sequence)] = torch.tensor(sequence)
        mask[row, :len(sequence)] = 1
        weights[row, 1:len(source)] = asm_weight        # the assembly (and <ir>)
        weights[row, len(source):len(sequence)] = 1.0   # the IR and </s>
    return inputs.to(device), mask.to(device), weights.to(device)


def _tokenizer(config: TextTrainConfig, out: Path, pairs):
    from ..model.text_lm import train_text_tokenizer
    from ..model.tokenizer import load_tokenizer

    if (out / "tokenizer.json").is_file():
        return load_tokenizer(str(out))
    sample = pairs[:: max(1, len(pairs) // config.tokenizer_pairs)][:config.tokenizer_pairs]
    _log(f"training the tokenizer on {len(sample)} pairs")
    tokenizer = train_text_tokenizer((text for p in sample for text in (p.asm, p.ir)), config.vocab_size)
    tokenizer.save_pretrained(out)
    return tokenizer


def train_text(config: TextTrainConfig, out: str | Path, evaluate: bool = True) -> list[dict]:
    """Trains (or resumes) a disassembly model into ``out``; returns the per-epoch history."""
    import torch
    from tqdm import tqdm

    from ..disasm.pairs import read_pairs
    from ..model.pipeline_lm import default_device
    from ..model.text_lm import TextLM

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if (out / CONFIG_FILE).is_file():
        saved = TextTrainConfig.load(out)
        saved.epochs = config.epochs
        if saved != config:
            raise ValueError(f"{out}: holds a run with another configuration (train_config.json); "
                             "use a new --out, or the same options to resume")
    config.save(out)
    torch.manual_seed(config.seed)
    pairs = read_pairs(config.pairs)
    if config.limit_pairs:
        pairs = pairs[:config.limit_pairs]
    if not pairs:
        raise ValueError(f"{config.pairs}: no pairs")
    tokenizer = _tokenizer(config, out, pairs)
    device = default_device()
    checkpoint = out / CHECKPOINT
    if (checkpoint / "state.json").is_file():
        lm = TextLM.load(checkpoint, device)
        state = json.loads((checkpoint / "state.json").read_text())
        _log(f"resuming at epoch {state['epoch'] + 1}, step {state['step']}")
    else:
        lm = TextLM.create(tokenizer, config.model, config.seed)
        lm.model.to(device)
        state = {"epoch": 0, "step": 0, "batch": 0}
    encoded = [lm.pair_ids(p.asm, p.ir) for p in pairs]
    encoded = [e for e in encoded if len(e[0]) + len(e[1]) <= config.model.context]
    _log(f"{len(encoded)} of {len(pairs)} pairs fit the context of {config.model.context} tokens")
    if not encoded:
        raise ValueError(f"{config.pairs}: no pair fits the context of {config.model.context} tokens "
                         "(a larger --context, or smaller pairs: passlm data pairs --max-chars)")
    held_out = read_pairs(config.eval_pairs_file)[:config.eval_pairs] if evaluate and config.eval_pairs_file else []

    optimizer = torch.optim.AdamW(lm.model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    if state["step"]:
        _load_optimizer(optimizer, checkpoint, state)
    lengths = [len(s) + len(t) for s, t in encoded]
    per_epoch = len(batches(range(len(encoded)), lengths, config.batch_size, 0, config.seed))
    total = per_epoch * config.epochs
    history = _read_history(out)
    while state["epoch"] < config.epochs:
        epoch = state["epoch"]
        plan = batches(range(len(encoded)), lengths, config.batch_size, epoch, config.seed)
        lm.model.train()
        losses = []
        bar = tqdm(plan, initial=state["batch"], total=len(plan), desc=f"epoch {epoch + 1}/{config.epochs}",
                   unit="batch", file=sys.stderr)
        for number, batch in enumerate(plan):
            if number < state["batch"]:
                continue  # done before a resume
            inputs, mask, weights = _pair_tensors([encoded[i] for i in batch], lm.pad_id, config.asm_loss_weight,
                                                  device)
            for group in optimizer.param_groups:
                group["lr"] = _learning_rate(config, state["step"], total)
            loss = _loss(lm.model, inputs, mask, weights)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(lm.model.parameters(), 1.0)
            optimizer.step()
            losses.append(loss.item())
            state["step"] += 1
            state["batch"] = number + 1
            bar.update(1)
            bar.set_postfix(loss=f"{sum(losses[-20:]) / len(losses[-20:]):.3f}")
            if state["step"] % config.checkpoint_every == 0:
                _save_checkpoint(lm, optimizer, state, out)
        bar.close()
        lm.model.eval()
        record = {"epoch": epoch + 1, "step": state["step"], "loss": sum(losses) / max(1, len(losses)),
                  "time": time.time()}
        if held_out:
            record.update(measure_lifting(lm, held_out))
        history.append(record)
        with open(out / "history.jsonl", "a") as f:
            f.write(json.dumps(record) + "\n")
        _log(json.dumps(record))
        state = {"epoch": epoch + 1, "step": state["step"], "batch": 0}
        lm.save(out)
        _save_checkpoint(lm, optimizer, state, out)
    return history


def measure_lifting(lm, pairs) -> dict:
    """Greedy lifting of held-out pairs: round-trip and exact-match rates."""
    from ..eval.textmetrics import exact_match, round_trips

    trips = exact = lifted = 0
    for pair in pairs:
        try:
            answers = lm.lift(pair.asm, 1)
        except ValueError:
            continue  # does not fit
        lifted += 1
        if answers:
            trips += round_trips(answers[0][0], pair.asm)
            exact += exact_match(answers[0][0], pair.ir)
    return {"heldout_pairs": lifted, "heldout_round_trip": trips / max(1, lifted),
            "heldout_exact": exact / max(1, lifted)}
