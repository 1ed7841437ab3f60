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
object, the quantity the headline geomean averages.

Which k it proposes: the first is the pipeline predicted smallest (or -Oz,
below the margin, and then k more, since -Oz costs the guard no trial). A
guard then keeps the best of the k, so the others should *complement* the
first on modules like this one; the k predicted smallest tend to be near
copies of one another (they win and lose together). With
``neighbours`` n > 0, the rest are the greedy set cover (the coreset's rule)
of the matrix rows of the n training modules whose measured rows are nearest
to the predicted one (``neighbours.safetensors``), then the predicted order.
Training chooses n, like the margin, on its validation packages. Output = head + prior,
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
NEIGHBOURS_FILE = "neighbours.safetensors"  # the training rows the candidates after the first cover

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
    neighbours: int = 0    # > 0: candidates after the first cover the rows of this many nearest training modules
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

    def __init__(self, model, tokenizer, config: RankerConfig, rows=None):
        self.model, self.tokenizer, self.config = model, tokenizer, config
        self.pad_id = tokenizer.convert_tokens_to_ids(PAD)
        self.rows = rows  # [training modules, P] measured log ratios (a float tensor), or None

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
        if self.rows is not None:
            from safetensors.torch import save_file

            save_file({"rows": self.rows.contiguous()}, str(Path(directory) / NEIGHBOURS_FILE))

    @classmethod
    def load(cls, directory: str | Path, device: Optional[str] = None) -> "RankerLM":
        """Raises ``ValueError`` naming the directory and what is wrong with it."""
        lm = cls(*load_model_dir(directory, FORMAT, RankerConfig, "LlamaForSequenceClassification", device))
        path = Path(directory) / NEIGHBOURS_FILE
        if path.is_file():
            from safetensors.torch import load_file

            lm.rows = load_file(str(path))["rows"]
            if tuple(lm.rows.shape[1:]) != (len(lm.config.pool),):
                raise ValueError(f"{path}: rows of {tuple(lm.rows.shape)}, not of the pool's {len(lm.config.pool)}")
        elif lm.config.neighbours:
            raise ValueError(f"{directory}: no {NEIGHBOURS_FILE}, which neighbours={lm.config.neighbours} needs")
        return lm

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

    def order(self, scores: list[float], k: int) -> list[Optional[int]]:
        """The k pool indices proposed for one module's predicted log ratios
        (``scores``), best first; ``None`` stands for -Oz.

        The first is what a build without a guard runs, unmeasured: the pool
        pipeline predicted smallest if it is predicted to beat -Oz by more than
        the margin, else -Oz (a wrong guess costs size, -Oz costs nothing). The
        others, which a guard measures against -Oz and keeps only when they win,
        start with the predicted smallest (when it is not first), then the
        module docstring's cover of the nearest training rows, then the
        predicted order. A first -Oz costs no trial (the guard measures -Oz
        anyway), so it takes none of the k places: k pool pipelines follow it."""
        predicted = sorted(range(len(scores)), key=lambda i: (scores[i], i))
        best = predicted[0]
        first = best if -scores[best] > self.config.margin else None
        others = predicted
        if self.config.neighbours > 0 and self.rows is not None and k > 1:
            covered = self._cover(scores, k, best)
            chosen = set(covered)
            others = covered + [i for i in predicted if i not in chosen]
        trials = [i for i in others if i != first][:k if first is None else k - 1]
        return [first] + trials

    def _cover(self, scores: list[float], limit: int, start: int) -> list[int]:
        """Greedy set cover (the coreset's rule; ties to the lower index) of the
        ``neighbours`` training rows nearest to ``scores``, from ``start``."""
        import torch

        predicted = torch.tensor(scores, dtype=self.rows.dtype)
        distance = ((self.rows - predicted) ** 2).sum(1)
        near = self.rows[torch.argsort(distance, stable=True)[:self.config.neighbours]]
        best = torch.clamp(near[:, start], max=0.0)
        chosen = [start]
        while len(chosen) < limit:
            gain = (best[:, None] - near).clamp(min=0).sum(0)
            gain[chosen] = -1.0
            i = int(torch.argmax(gain))  # the first of equal maxima: the lower index
            if gain[i] <= 0:
                break
            chosen.append(i)
            best = torch.minimum(best, near[:, i])
        return chosen

    def candidates(self, scores: list[float], k: int) -> list[tuple[str, float]]:
        """``order`` as (pipeline, predicted gain over -Oz), best first."""
        return [(OZ, 0.0) if i is None else (self.config.pool[i], -scores[i]) for i in self.order(scores, k)]

    def candidates_batch(self, batch: list[list[int]], k: int) -> list[list[tuple[str, float]]]:
        """``candidates`` for several encoded modules: one forward pass."""
        return [self.candidates(scores, k) for scores in self.scores_batch(batch)]

    def predict(self, ir_text: str, k: int) -> tuple[list[tuple[str, float]], bool]:
        """(candidates, cut): ``candidates(k)`` and whether the module was condensed to fit."""
        encoded = self.encode(ir_text)
        return self.candidates_batch([encoded.ids], k)[0], encoded.cut

    def parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())
