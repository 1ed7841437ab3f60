"""llm-compiler:DIR — Meta's LLM Compiler FTD checkpoints, run locally.

DIR is a local directory holding a transformers causal LM checkpoint
(facebook/llm-compiler-7b-ftd, facebook/llm-compiler-13b-ftd, or one like
them) and its tokenizer, as ``save_pretrained`` writes them: config.json,
*.safetensors (safetensors only: pickle ``.bin`` weights are refused, they can
run code when loaded), tokenizer files. Nothing is downloaded.

The model gets LLM Compiler's flag-tuning prompt
(:func:`passlm.engine.prompts.flag_tuning_prompt`) and its answers are read
with :func:`passlm.engine.prompts.parse_pipeline_answer`. k=1 is greedy
decoding (temperature 0, as in the paper); k>1 is beam search with k beams,
each beam's answer a candidate, scored by its length-normalised
log-probability. A module too long for the model's context has its IR cut at
a line boundary (the head kept), the prompt around it unchanged.

torch and transformers are imported when an engine is loaded, not before.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from . import Candidate, EngineSpecError, ModuleFacts
from .prompts import answers_to_candidates, flag_tuning_prompt

#: Room left in the context for the answer, in tokens.
DEFAULT_MAX_NEW_TOKENS = 256


def check_checkpoint_dir(argument: str, kind: str = "llm-compiler") -> Path:
    """The checkpoint directory named by an engine argument, or EngineSpecError."""
    if not argument:
        raise EngineSpecError(f"{kind}: needs a local checkpoint directory, e.g. {kind}:/models/llm-compiler-7b-ftd")
    directory = Path(argument).expanduser()
    if not directory.is_dir():
        raise EngineSpecError(f"{kind}: {argument}: no such directory")
    if not (directory / "config.json").is_file():
        raise EngineSpecError(f"{kind}: {argument}: no config.json (not a transformers checkpoint directory)")
    if not any(directory.glob("*.safetensors")):
        pickles = sorted(p.name for p in directory.iterdir() if p.suffix in (".bin", ".pt", ".pth", ".ckpt"))
        if pickles:
            raise EngineSpecError(
                f"{kind}: {argument}: has only pickle weights ({', '.join(pickles[:3])}); passlm loads "
                "safetensors only (convert them, e.g. load and save_pretrained(..., safe_serialization=True))")
        raise EngineSpecError(f"{kind}: {argument}: no *.safetensors weights")
    return directory


class LLMCompilerEngine:
    """LLM Compiler (FTD) on a local checkpoint; see the module docstring."""

    needs = frozenset({"ir"})

    def __init__(self, directory: str, model: Any, tokenizer: Any, device: str = "cpu",
                 max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS, seed: int = 0):
        self.directory = directory
        self.model = model
        self.tokenizer = tokenizer
        self.device = device
        self.max_new_tokens = max_new_tokens
        self.seed = seed

    def __repr__(self) -> str:
        return f"LLMCompilerEngine({self.directory!r}, device={self.device!r})"

    @classmethod
    def load(cls, argument: str) -> "LLMCompilerEngine":
        directory = check_checkpoint_dir(argument)
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from ..model.pipeline_lm import default_device, quiet_transformers

        quiet_transformers()

        try:
            tokenizer = AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
            model = AutoModelForCausalLM.from_pretrained(
                str(directory), local_files_only=True, use_safetensors=True, trust_remote_code=False,
                dtype="auto")
        except (OSError, ValueError) as e:
            raise EngineSpecError(f"llm-compiler: {argument}: cannot load the checkpoint: {e}") from None
        device = default_device()
        model.to(device)
        model.eval()
        return cls(str(directory), model, tokenizer, device)

    def set_seed(self, seed: int) -> None:
        self.seed = int(seed)

    # -------------------------------------------------------------- prompt

    @property
    def context_length(self) -> Optional[int]:
        """Tokens the model can attend to (None: unknown, no limit applied)."""
        length = getattr(self.model.config, "max_position_embeddings", None)
        if not length:
            length = getattr(self.tokenizer, "model_max_length", None)
            if length and length > 10**8:  # transformers' "no limit" sentinel
                length = None
        return int(length) if length else None

    def _count(self, text: str) -> int:
        return len(self.tokenizer(text)["input_ids"])

    def prompt(self, ir_text: str) -> str:
        """The prompt predict tokenizes for ``ir_text`` (its IR cut if too long)."""
        budget = None if self.context_length is None else self.context_length - self.max_new_tokens
        text = flag_tuning_prompt(ir_text)
        if budget is None or self._count(text) <= budget:
            return text
        if self._count(flag_tuning_prompt("")) > budget:
            raise RuntimeError(
                f"llm-compiler: the prompt alone does not fit the context of {self.context_length} tokens "
                f"with {self.max_new_tokens} left for the answer")
        # The most whole lines of IR (from the top) that fit.
        lines = ir_text.splitlines(keepends=True)
        low, high = 0, len(lines) - 1  # lines[:low] fits; lines[:high + 1] does not
        while low < high:
            middle = (low + high + 1) // 2
            if self._count(flag_tuning_prompt("".join(lines[:middle]))) <= budget:
                low = middle
            else:
                high = middle - 1
        return flag_tuning_prompt("".join(lines[:low]))

    # -------------------------------------------------------------- predict

    def predict(self, ir_text: str, k: int, facts: Optional[ModuleFacts] = None) -> list[Candidate]:
        if k <= 0:
            return []
        import torch

        encoding = self.tokenizer(self.prompt(ir_text), return_tensors="pt")
        input_ids = encoding["input_ids"].to(self.device)
        attention_mask = encoding.get("attention_mask")
        if attention_mask is not None:
            attention_mask = attention_mask.to(self.device)
        pad = self.tokenizer.pad_token_id
        if pad is None:
            pad = self.tokenizer.eos_token_id
        options = dict(max_new_tokens=self.max_new_tokens, do_sample=False, pad_token_id=pad,
                       output_scores=True, return_dict_in_generate=True)
        if k > 1:
            options.update(num_beams=k, num_return_sequences=k)
        torch.manual_seed(self.seed)
        with torch.no_grad():
            output = self.model.generate(input_ids=input_ids, attention_mask=attention_mask, **options)
        sequences = getattr(output, "sequences", output)
        new_tokens = sequences[:, input_ids.shape[1]:]
        answers = [self.tokenizer.decode(row, skip_special_tokens=True) for row in new_tokens]
        return answers_to_candidates(answers, self._scores(output, new_tokens, k))

    def _scores(self, output: Any, new_tokens: Any, k: int) -> Optional[list[float]]:
        """Length-normalised log-probability of each answer, when generate gave them."""
        if getattr(output, "sequences_scores", None) is not None:  # beam search
            return [float(s) for s in output.sequences_scores]
        if k == 1 and getattr(output, "scores", None):  # greedy: mean token log-probability
            try:
                steps = self.model.compute_transition_scores(output.sequences, output.scores, normalize_logits=True)
            except Exception:  # a model without it: ranks instead
                return None
            return [float(row.mean()) for row in steps]
        return None
