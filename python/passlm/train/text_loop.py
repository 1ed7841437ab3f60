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

from dataclasses import dataclass, field
from pathlib import Path

from ..model.text_lm import TextConfig
from .config import load_config, save_config
from .data import batches
from .loop import CHECKPOINT, _log, resume_or_create, run_epochs, start_run


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
        save_config(self, directory, "disasm")

    @classmethod
    def load(cls, directory: str | Path) -> "TextTrainConfig":
        return load_config(cls, directory, TextConfig, "disasm", "disassembly")


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

    from ..text.pairfile import read_pairs
    from ..model.llama import default_device
    from ..model.text_lm import TextLM

    out = Path(out)
    start_run(config, out, TextTrainConfig.load)
    torch.manual_seed(config.seed)
    pairs = read_pairs(config.pairs)
    if config.limit_pairs:
        pairs = pairs[:config.limit_pairs]
    if not pairs:
        raise ValueError(f"{config.pairs}: no pairs")
    tokenizer = _tokenizer(config, out, pairs)
    device = default_device()
    lm, state = resume_or_create(out / CHECKPOINT, TextLM.load,
                                 lambda: TextLM.create(tokenizer, config.model, config.seed), device)
    encoded = [lm.pair_ids(p.asm, p.ir) for p in pairs]
    encoded = [e for e in encoded if len(e[0]) + len(e[1]) <= config.model.context]
    _log(f"{len(encoded)} of {len(pairs)} pairs fit the context of {config.model.context} tokens")
    if not encoded:
        raise ValueError(f"{config.pairs}: no pair fits the context of {config.model.context} tokens "
                         "(a larger --context, or smaller pairs: passlm data pairs --max-chars)")
    held_out = read_pairs(config.eval_pairs_file)[:config.eval_pairs] if evaluate and config.eval_pairs_file else []
    lengths = [len(s) + len(t) for s, t in encoded]

    def epoch_plan(epoch: int):
        def tensors(batch):
            return _pair_tensors([encoded[i] for i in batch], lm.pad_id, config.asm_loss_weight, device)

        return batches(range(len(encoded)), lengths, config.batch_size, epoch, config.seed), tensors

    per_epoch = len(batches(range(len(encoded)), lengths, config.batch_size, 0, config.seed))
    return run_epochs(lm, config, out, state, per_epoch, epoch_plan,
                      lambda: measure_lifting(lm, held_out) if held_out else {})


def measure_lifting(lm, pairs) -> dict:
    """Greedy lifting of held-out pairs: round-trip and exact-match rates."""
    from ..llc import round_trips
    from ..textmetrics import exact_match

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
