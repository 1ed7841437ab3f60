"""RankerLM: reads a module's IR once and scores every pipeline of a pool.

A generative model (``PipelineLM``) writes one pipeline a token at a time and
learns what is best on average; a ranker is asked a different question: for
*this* module, how large will each of P known, screened pipelines make it?
One forward pass answers for all P, so proposing the best 16 costs what
proposing the best one does.

The model is a transformers ``LlamaForSequenceClassification``: a Llama trunk
over the module's input ids (``encode.encode_module``: ``<s>`` summary
globals functions ``<answer>``, condensed to fit the context) whose hidden
state at the last token (``<answer>``, which has attended to everything
before it) goes through a linear head with one output per pool pipeline.

What it predicts, per pipeline p: ``log(size_p / size_-Oz)`` of the module's
object, the quantity the headline geomean averages. Output = head + prior,
where ``prior[p]`` is p's mean log ratio over the training modules (saved in
``passlm.json``): the trunk learns how this module differs from the average
one, and an untrained model already ranks like the coreset.

A model directory holds ``config.json`` and ``model.safetensors`` (the Llama,
safetensors only), the tokenizer files, and ``passlm.json``:
``RankerConfig`` (architecture, input layout, the pool in order, the prior,
the margin). torch and transformers are imported only inside the methods
that need them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..defaults import OZ
from .encode import Encoded, encode_module
from .llama import load_model_dir, new_llama, save_model
from .normalize import NORMALIZATION_VERSION
from .tokenizer import PAD

FORMAT = "passlm-ranker"

#: A failed evaluation (crash, invalid, timeout) and every ratio beyond it count as this
#: log ratio: bad enough never to be proposed, bounded so one outlier does not dominate the loss.
WORST = math.log(1.25)


@dataclass
class RankerConfig:
    """Architecture, input layout and the pool (saved in passlm.json)."""

    hidden: int = 256
    layers: int = 4
    heads: int = 4
    intermediate: int = 768
    context: int = 1024                      # input tokens
    pool: list = field(default_factory=list)  # the P pipelines, in head order
    prior: list = field(default_factory=list)  # mean log ratio of each, on the training modules
    margin: float = 0.0    # top-1 without a guard proposes a pipeline only if it predicts a gain above this
    vocab_size: int = 0
    normalization: int = NORMALIZATION_VERSION
    notes: dict = field(default_factory=dict)

    def llama_config(self, tokenizer):
        from transformers import LlamaConfig

        return LlamaConfig(
            vocab_size=len(tokenizer), hidden_size=self.hidden, num_hidden_layers=self.layers,
            num_attention_heads=self.heads, num_key_value_heads=self.heads,
            intermediate_size=self.intermediate, max_position_embeddings=self.context,
            num_labels=len(self.pool), problem_type="regression", bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)


def shape_of(directory: str | Path) -> dict:
    """The RankerConfig fields (hidden, layers, heads, intermediate) of a generative
    model directory's Llama, so that a ranker's trunk can start from its weights."""
    import json

    path = Path(directory) / "config.json"
    try:
        c = json.loads(path.read_text())
        return {"hidden": c["hidden_size"], "layers": c["num_hidden_layers"],
                "heads": c["num_attention_heads"], "intermediate": c["intermediate_size"]}
    except (OSError, ValueError, KeyError) as e:
        raise ValueError(f"{path}: not a Llama config ({e})") from None


class RankerLM:
    """A ranker, its tokenizer and its config, ready to score."""

    def __init__(self, model, tokenizer, config: RankerConfig):
        self.model, self.tokenizer, self.config = model, tokenizer, config
        self.pad_id = tokenizer.convert_tokens_to_ids(PAD)

    # ------------------------------------------------------------ building

    @classmethod
    def create(cls, tokenizer, config: RankerConfig, seed: int = 0) -> "RankerLM":
        import torch

        if not config.pool:
            raise ValueError("a ranker needs a pool of at least one pipeline")
        if len(config.prior) != len(config.pool):
            config.prior = [0.0] * len(config.pool)
        config.vocab_size = len(tokenizer)
        model = new_llama(config.llama_config(tokenizer), seed, "LlamaForSequenceClassification")
        with torch.no_grad():  # start at the prior: the head adds nothing yet
            model.score.weight.mul_(0.01)
        return cls(model, tokenizer, config)

    def start_trunk_from(self, directory: str | Path) -> None:
        """Starts the trunk (embeddings, layers, final norm) from a generative model's
        weights: it has read the corpus's IR for longer than a ranker's rows allow.
        The shapes must match (``shape_of`` gives them); the head stays new."""
        from safetensors.torch import load_file

        weights = load_file(str(Path(directory) / "model.safetensors"))
        trunk = {k[len("model."):]: v for k, v in weights.items() if k.startswith("model.")}
        try:
            self.model.model.load_state_dict(trunk, strict=True)
        except RuntimeError as e:
            raise ValueError(f"{directory}: its weights do not fit this ranker's trunk ({e})") from None

    def save(self, directory: str | Path) -> None:
        save_model(self.model, self.tokenizer, directory, FORMAT, self.config)

    @classmethod
    def load(cls, directory: str | Path, device: Optional[str] = None) -> "RankerLM":
        """Raises ``ValueError`` naming the directory and what is wrong with it."""
        return cls(*load_model_dir(directory, FORMAT, RankerConfig, "LlamaForSequenceClassification", device))

    # ------------------------------------------------------------- scoring

    def encode(self, ir_text: str) -> Encoded:
        return encode_module(ir_text, self.tokenizer, self.config.context)

    def forward(self, batch: list[list[int]]):
        """Predicted log ratios, a [len(batch), P] tensor (with gradients when training).
        Right padding: the head reads each row's last real token."""
        import torch

        width = max(len(ids) for ids in batch)
        inputs = torch.full((len(batch), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            inputs[row, :len(ids)] = torch.tensor(ids)
            mask[row, :len(ids)] = 1
        device = self.model.device
        logits = self.model(input_ids=inputs.to(device), attention_mask=mask.to(device)).logits
        return logits.float() + torch.tensor(self.config.prior, device=device)

    def scores_batch(self, batch: list[list[int]]) -> list[list[float]]:
        import torch

        with torch.no_grad():
            return self.forward(batch).tolist()

    def candidates(self, scores: list[float], k: int) -> list[tuple[str, float]]:
        """The k candidates passlm proposes for one module's predicted log ratios
        (``scores``), as (pipeline, predicted gain over -Oz), best first.

        The first is what a build without a guard runs, unmeasured: the pool
        pipeline predicted smallest if it is predicted to beat -Oz by more than
        the margin, else ``default<Oz>`` (a wrong guess costs size, -Oz costs
        nothing). The others are the next pipelines predicted smallest, which a
        guard measures against -Oz and keeps only when they win.
        """
        order = sorted(range(len(scores)), key=lambda i: (scores[i], i))
        ranked = [(self.config.pool[i], -scores[i]) for i in order]
        first = ranked[0] if ranked and ranked[0][1] > self.config.margin else (OZ, 0.0)
        return ([first] + [c for c in ranked if c[0] != first[0] and c[0] != OZ])[:k]

    def candidates_batch(self, batch: list[list[int]], k: int) -> list[list[tuple[str, float]]]:
        """``candidates`` for several encoded modules: one forward pass."""
        return [self.candidates(scores, k) for scores in self.scores_batch(batch)]

    def predict(self, ir_text: str, k: int) -> tuple[list[tuple[str, float]], bool]:
        """(candidates, cut): ``candidates(k)`` and whether the module was condensed to fit."""
        encoded = self.encode(ir_text)
        return self.candidates_batch([encoded.ids], k)[0], encoded.cut

    def parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())
