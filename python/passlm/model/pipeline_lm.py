"""PipelineLM: a small Llama that reads normalized IR and writes a pipeline.

A model directory holds what ``save`` writes and ``load`` reads:

``config.json``, ``model.safetensors``
    a transformers ``LlamaForCausalLM`` (safetensors only; loaded with
    ``trust_remote_code`` off and ``local_files_only``);
``tokenizer.json`` and friends
    the tokenizer of ``tokenizer.py`` (BPE over IR + one token per pass);
``passlm.json``
    ``ModelConfig`` (the architecture and the input layout) and the
    normalization version the model was trained with.

Input and output, one sequence: ``<s> summary IR <answer> P1 P2 ... </s>``
(``encode.encode_module`` makes the part up to ``<answer>``). Prediction
decodes after ``<answer>`` with only pass tokens allowed (and ``</s>`` once
at least one pass is out, forced after ``max_answer`` passes), so every
answer is a pipeline of known elements: greedy for one answer, beam search
for several, ranked by total log-probability (no length normalization);
deterministic, no sampling. ``candidates`` says which answers passlm
proposes, in which order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..defaults import OZ
from ..pipelines.space import candidate_elements
from .encode import Encoded, encode_module
from .llama import load_model_dir, new_llama, save_model
from .normalize import NORMALIZATION_VERSION
from .tokenizer import ANSWER, EOS, PAD, pass_token_ids

FORMAT = "passlm-model"


@dataclass
class ModelConfig:
    """The architecture and input layout (saved in passlm.json)."""

    hidden: int = 192
    layers: int = 4
    heads: int = 4
    intermediate: int = 512
    context: int = 512        # tokens: input ids + answer
    max_answer: int = 8       # passes in a predicted pipeline
    vocab_size: int = 0       # from the tokenizer
    normalization: int = NORMALIZATION_VERSION
    notes: dict = field(default_factory=dict)

    @property
    def input_budget(self) -> int:
        return self.context - self.max_answer - 1  # room for the passes and </s>

    def llama_config(self, tokenizer):
        from transformers import LlamaConfig

        return LlamaConfig(
            vocab_size=len(tokenizer), hidden_size=self.hidden, num_hidden_layers=self.layers,
            num_attention_heads=self.heads, num_key_value_heads=self.heads,
            intermediate_size=self.intermediate, max_position_embeddings=self.context,
            tie_word_embeddings=True, bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)


class PipelineLM:
    """A model, its tokenizer and its config, ready to predict."""

    def __init__(self, model, tokenizer, config: ModelConfig):
        self.model, self.tokenizer, self.config = model, tokenizer, config
        self.pass_ids = pass_token_ids(tokenizer)
        self.eos_id = tokenizer.convert_tokens_to_ids(EOS)
        self.answer_id = tokenizer.convert_tokens_to_ids(ANSWER)
        self.pad_id = tokenizer.convert_tokens_to_ids(PAD)
        # Only the elements of the LLVM in use that passlm can use (pipelines.space:
        # e.g. no nondeterministic pass), whatever the tokenizer knows.
        usable = set(candidate_elements())
        self._allowed_first = sorted(i for i, element in self.pass_ids.items() if element in usable)
        self._allowed_next = self._allowed_first + [self.eos_id]
        self.oz_id = {e: i for i, e in self.pass_ids.items()}.get(OZ)

    # ------------------------------------------------------------ building

    @classmethod
    def create(cls, tokenizer, config: ModelConfig, seed: int = 0) -> "PipelineLM":
        config.vocab_size = len(tokenizer)
        return cls(new_llama(config.llama_config(tokenizer), seed), tokenizer, config)

    def save(self, directory: str | Path) -> None:
        save_model(self.model, self.tokenizer, directory, FORMAT, self.config)

    @classmethod
    def load(cls, directory: str | Path, device: Optional[str] = None) -> "PipelineLM":
        """Raises ``ValueError`` naming the directory and what is wrong with it."""
        return cls(*load_model_dir(directory, FORMAT, ModelConfig, "LlamaForCausalLM", device))

    # ----------------------------------------------------------- predicting

    def encode(self, ir_text: str) -> Encoded:
        return encode_module(ir_text, self.tokenizer, self.config.input_budget)

    def _allowed_after(self, answer: list[int], require_oz: bool) -> list[int]:
        """The tokens that may follow ``answer`` (the ids produced after <answer>)."""
        if require_oz and self.oz_id not in answer:
            if len(answer) >= self.config.max_answer - 1:
                return [self.oz_id]  # the last place left: -Oz, so the answer contains it
            return self._allowed_first
        if not answer:
            return self._allowed_first
        if len(answer) >= self.config.max_answer:
            return [self.eos_id]
        return self._allowed_next

    def predict_ids(self, ids: list[int], k: int, require_oz: bool = False) -> list[tuple[str, float]]:
        """(pipeline, log-probability) for the k best answers, best first; with
        ``require_oz``, only answers that contain ``default<Oz>``."""
        return self.predict_ids_batch([ids], k, require_oz)[0]

    def predict_ids_batch(self, batch: list[list[int]], k: int,
                          require_oz: bool = False) -> list[list[tuple[str, float]]]:
        """``predict_ids`` for several inputs in one call to generate (left
        padding, masked): what the server does with concurrent requests."""
        import torch

        start = max(len(ids) for ids in batch)
        inputs = torch.full((len(batch), start), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), start), dtype=torch.long)
        for row, ids in enumerate(batch):
            inputs[row, start - len(ids):] = torch.tensor(ids)
            mask[row, start - len(ids):] = 1
        inputs, mask = inputs.to(self.model.device), mask.to(self.model.device)

        def allowed(batch_id, sequence):
            return self._allowed_after(sequence[start:].tolist(), require_oz)

        search = (dict(num_beams=k, num_return_sequences=k, length_penalty=0.0, early_stopping=True, output_scores=True)
                  if k > 1 else {})
        with torch.no_grad():
            out = self.model.generate(
                inputs, attention_mask=mask, max_new_tokens=self.config.max_answer + 1,
                do_sample=False, prefix_allowed_tokens_fn=allowed, eos_token_id=self.eos_id,
                pad_token_id=self.pad_id, output_logits=True, return_dict_in_generate=True, **search)
        sequences = out.sequences[:, start:].tolist()
        if k > 1:  # beam scores: total log-probability under the model (no length normalization)
            scores = out.sequences_scores.tolist()
        else:  # greedy: the same, summed from the raw logits of each step (until </s>)
            scores = []
            for row, sequence in enumerate(sequences):
                end = sequence.index(self.eos_id) + 1 if self.eos_id in sequence else len(sequence)
                scores.append(sum(float(torch.log_softmax(step[row].float(), -1)[token])
                                  for step, token in zip(out.logits, sequence[:end])))
        per_input = len(sequences) // len(batch)
        results = []
        for row in range(len(batch)):
            answers, seen = [], set()
            rows = slice(row * per_input, (row + 1) * per_input)
            for sequence, score in zip(sequences[rows], scores[rows]):
                elements = [self.pass_ids[t] for t in sequence if t in self.pass_ids]
                pipeline = ",".join(elements)
                if pipeline and pipeline not in seen:
                    seen.add(pipeline)
                    answers.append((pipeline, float(score)))
            results.append(answers)
        return results

    def candidates(self, ids: list[int], k: int) -> list[tuple[str, float]]:
        """The k candidates passlm proposes for a module, best first.

        The first is the model's most likely answer *among those that contain
        default<Oz>* (often plain ``default<Oz>``): it is what a build without
        a guard runs, and a pipeline without -Oz in it (``function(sroa)``
        alone, say) can make a module many times larger when the model is
        wrong, while -Oz plus extra passes costs a few percent at worst
        (measured on the training corpus). The other k-1 come from beam search
        over all answers, plain ``default<Oz>`` left out, so with a guard the
        model's bolder predictions are tried and kept only when they win
        (a ``default<Oz>`` candidate costs the plugin's guard nothing: it
        measures -Oz anyway).
        """
        return self.candidates_batch([ids], k)[0]

    def candidates_batch(self, batch: list[list[int]], k: int) -> list[list[tuple[str, float]]]:
        """``candidates`` for several inputs: two batched decodings in all."""
        firsts = self.predict_ids_batch(batch, 1, require_oz=self.oz_id is not None)
        if k <= 1:
            return firsts
        results = []
        for first, others in zip(firsts, self.predict_ids_batch(batch, k + 1)):
            chosen = list(first)
            for pipeline, score in others:
                if len(chosen) == k:
                    break
                if pipeline != OZ and pipeline != chosen[0][0]:
                    chosen.append((pipeline, score))
            results.append(chosen)
        return results

    def predict(self, ir_text: str, k: int) -> tuple[list[tuple[str, float]], bool]:
        """(candidates, cut): ``candidates(k)`` and whether the module was condensed."""
        encoded = self.encode(ir_text)
        return self.candidates(encoded.ids, k), encoded.cut

    def parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())
