"""TextLM: a small Llama that reads a function's assembly and writes its LLVM-IR.

The disassembly task of LLM Compiler, at laptop size. One sequence per pair:

    <s> ASSEMBLY <ir> IR </s>

A byte-level BPE tokenizer is trained on both languages (``<ir>`` separates
them). Training minimizes next-token loss over the whole sequence, so the
model is also a language model of assembly (its perplexity on held-out
assembly and IR is what ``passlm eval --perplexity`` reports). Lifting
decodes after ``<ir>``: greedy for one answer, beam search for several,
ranked by total log-probability; deterministic, no sampling. An input whose
assembly leaves no room for an answer in the context is refused (ValueError),
never cut: a cut function cannot round-trip.

A model directory holds ``config.json`` + ``model.safetensors`` (a
transformers ``LlamaForCausalLM``, loaded with ``trust_remote_code`` off and
``local_files_only``), the tokenizer, and ``passlm.json`` (``TextConfig``,
format ``passlm-text-model``).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .llama import META_FILE, load_model_dir, new_llama, save_model
from .tokenizer import BOS, EOS, PAD, train_tokenizer

IR_MARK = "<ir>"
FORMAT = "passlm-text-model"


@dataclass
class TextConfig:
    """The architecture (saved in passlm.json)."""

    task: str = "disasm"
    hidden: int = 192
    layers: int = 3
    heads: int = 4
    intermediate: int = 512
    context: int = 1024       # tokens: assembly + <ir> + IR + </s>
    vocab_size: int = 0       # from the tokenizer

    def llama_config(self, tokenizer):
        from transformers import LlamaConfig

        return LlamaConfig(
            vocab_size=len(tokenizer), hidden_size=self.hidden, num_hidden_layers=self.layers,
            num_attention_heads=self.heads, num_key_value_heads=self.heads,
            intermediate_size=self.intermediate, max_position_embeddings=self.context,
            tie_word_embeddings=True, bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)


def is_text_model(directory: str | Path) -> bool:
    try:
        return json.loads(Path(directory, META_FILE).read_text()).get("format") == FORMAT
    except (OSError, ValueError):
        return False


def train_text_tokenizer(texts, vocab_size: int = 4096):
    return train_tokenizer(texts, (), vocab_size, markers=(IR_MARK,))


class TextLM:
    def __init__(self, model, tokenizer, config: TextConfig):
        self.model, self.tokenizer, self.config = model, tokenizer, config
        self.bos_id, self.eos_id, self.pad_id, self.ir_id = tokenizer.convert_tokens_to_ids([BOS, EOS, PAD, IR_MARK])

    @classmethod
    def create(cls, tokenizer, config: TextConfig, seed: int = 0) -> "TextLM":
        config.vocab_size = len(tokenizer)
        return cls(new_llama(config.llama_config(tokenizer), seed), tokenizer, config)

    def save(self, directory: str | Path) -> None:
        save_model(self.model, self.tokenizer, directory, FORMAT, self.config)

    @classmethod
    def load(cls, directory: str | Path, device: Optional[str] = None) -> "TextLM":
        """Raises ``ValueError`` naming the directory and what is wrong with it."""
        return cls(*load_model_dir(directory, FORMAT, TextConfig, "LlamaForCausalLM", device))

    # ------------------------------------------------------------ sequences

    def _ids(self, text: str) -> list[int]:
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def source_ids(self, asm: str) -> list[int]:
        """``<s> ASSEMBLY <ir>``: what lifting starts from."""
        return [self.bos_id] + self._ids(asm) + [self.ir_id]

    def pair_ids(self, asm: str, ir: str) -> tuple[list[int], list[int]]:
        """(source ids, target ids ending in ``</s>``) of a training pair."""
        return self.source_ids(asm), self._ids(ir) + [self.eos_id]

    def fits(self, asm: str, ir: str) -> bool:
        source, target = self.pair_ids(asm, ir)
        return len(source) + len(target) <= self.config.context

    # -------------------------------------------------------------- lifting

    def lift(self, asm: str, k: int = 1) -> list[tuple[str, float]]:
        """(IR text, total log-probability) of the k best answers, best first."""
        import torch

        source = self.source_ids(asm)
        room = self.config.context - len(source)
        if room < 8:
            raise ValueError(f"the assembly is {len(source)} tokens: no room for an answer in the model's "
                             f"context of {self.config.context}")
        # IR is about 2.3 times as long as its assembly (median over the corpus's
        # pairs): an answer 4 times as long plus the module's boilerplate has
        # gone astray, and stopping it saves minutes of decoding.
        room = min(room, 4 * len(source) + 320)
        inputs = torch.tensor([source], device=self.model.device)
        search = dict(num_beams=k, num_return_sequences=k, length_penalty=0.0, early_stopping=True) if k > 1 else {}
        with torch.no_grad():
            out = self.model.generate(inputs, attention_mask=torch.ones_like(inputs), max_new_tokens=room,
                                      do_sample=False, eos_token_id=self.eos_id, pad_token_id=self.pad_id,
                                      output_scores=True, output_logits=True, return_dict_in_generate=True, **search)
        rows = out.sequences[:, len(source):].tolist()
        if k > 1:
            scores = out.sequences_scores.tolist()
        else:
            scores = [sum(float(torch.log_softmax(step[0].float(), -1)[t]) for step, t in zip(out.logits, rows[0]))]
        answers, seen = [], set()
        for row, score in zip(rows, scores):
            if self.eos_id in row:
                row = row[:row.index(self.eos_id)]
            text = self.tokenizer.decode([t for t in row if t != self.pad_id], skip_special_tokens=True)
            if text.strip() and text not in seen:
                seen.add(text)
                answers.append((text, float(score)))
        return answers

    # ----------------------------------------------------------- perplexity

    def token_losses(self, asm: str, ir: str) -> tuple[float, int, float, int]:
        """(summed loss, tokens) over the assembly and over the IR of one pair."""
        import torch
        import torch.nn.functional as F

        source, target = self.pair_ids(asm, ir)
        ids = (source + target)[:self.config.context]
        inputs = torch.tensor([ids], device=self.model.device)
        with torch.no_grad():
            logits = self.model(input_ids=inputs).logits[0, :-1]
        losses = F.cross_entropy(logits.float(), inputs[0, 1:], reduction="none").tolist()
        split = len(source) - 1  # losses[i] predicts ids[i+1]; ids[1:len(source)-1] are assembly
        asm_losses, ir_losses = losses[:split - 1], losses[split:]
        return sum(asm_losses), len(asm_losses), sum(ir_losses), len(ir_losses)
