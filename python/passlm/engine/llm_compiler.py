"""llm-compiler:DIR — Meta's LLM Compiler FTD checkpoints, run locally.

DIR is a local directory holding a transformers causal LM checkpoint
(facebook/llm-compiler-7b-ftd, facebook/llm-compiler-13b-ftd, or one like
them) and its tokenizer, as ``save_pretrained`` writes them: config.json,
*.safetensors (safetensors only: pickle ``.bin`` weights are refused, they can
run code when loaded), tokenizer files. Nothing is downloaded.

``predict`` gives the model LLM Compiler's flag-tuning prompt
(:func:`passlm.engine.prompts.flag_tuning_prompt`) and reads its answers
with :func:`passlm.engine.prompts.parse_pipeline_answer`. The other tasks
(disassembly, emulation of opt) use the same two steps ``predict`` does:

``fit(build, text, max_new_tokens)``
    the prompt ``build(text)``; when it does not fit the model's context with
    ``max_new_tokens`` left for the answer, ``text`` is cut at a line boundary
    (its head kept) and the prompt around it is unchanged; ContextError (a
    PassLMError) when even ``build("")`` does not fit.
``complete(prompt, k, max_new_tokens)``
    the k answers to a prompt, ``(text, score)``, best first. k=1 is greedy
    decoding (temperature 0, as in the paper), scored by its mean token
    log-probability; k>1 is beam search with k beams, each beam's answer
    scored by its length-normalised log-probability. When generate gives no
    scores, the answer of rank r (from 0) scores ``1/(r+1)``.

Flag-tuning answers are short (``DEFAULT_MAX_NEW_TOKENS``); the code answers
of disassembly and emulation are long (``CODE_MAX_NEW_TOKENS``).

torch and transformers are imported when an engine is loaded, not before.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from ..errors import PassLMError
from . import Candidate, EngineSpecError, ModuleFacts
from .prompts import answers_to_candidates, flag_tuning_prompt

#: Room left in the context for a flag-tuning answer, in tokens.
DEFAULT_MAX_NEW_TOKENS = 256
#: Room left for a code answer (disassembly, emulation: a whole module of IR).
CODE_MAX_NEW_TOKENS = 2048


class ContextError(PassLMError, RuntimeError):
    """A prompt that cannot fit the model's context, however its text is cut."""


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

        from ..model.llama import default_device, quiet_transformers

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

    def fit(self, build: Callable[[str], str], text: str, max_new_tokens: Optional[int] = None) -> str:
        """``build(text)``, with ``text`` cut to its most whole lines (from the
        top) that let the prompt fit the context with ``max_new_tokens``
        (default: the engine's) left for the answer. ContextError when even
        ``build("")`` does not fit."""
        new_tokens = self.max_new_tokens if max_new_tokens is None else max_new_tokens
        budget = None if self.context_length is None else self.context_length - new_tokens
        prompt = build(text)
        if budget is None or self._count(prompt) <= budget:
            return prompt
        if self._count(build("")) > budget:
            raise ContextError(
                f"llm-compiler: the prompt alone does not fit the context of {self.context_length} tokens "
                f"with {new_tokens} left for the answer")
        lines = text.splitlines(keepends=True)
        low, high = 0, len(lines) - 1  # lines[:low] fits; lines[:high + 1] does not
        while low < high:
            middle = (low + high + 1) // 2
            if self._count(build("".join(lines[:middle]))) <= budget:
                low = middle
            else:
                high = middle - 1
        return build("".join(lines[:low]))

    def prompt(self, ir_text: str) -> str:
        """The flag-tuning prompt predict sends for ``ir_text`` (its IR cut if too long)."""
        return self.fit(flag_tuning_prompt, ir_text)

    # -------------------------------------------------------------- answers

    def complete(self, prompt: str, k: int, max_new_tokens: Optional[int] = None) -> list[tuple[str, float]]:
        """The k answers (text, score) to ``prompt``, best first; see the module docstring.

        ``prompt`` is tokenized as is: ``fit`` it first.
        """
        if k <= 0:
            return []
        import torch

        encoding = self.tokenizer(prompt, return_tensors="pt")
        input_ids = encoding["input_ids"].to(self.device)
        attention_mask = encoding.get("attention_mask")
        if attention_mask is not None:
            attention_mask = attention_mask.to(self.device)
        pad = self.tokenizer.pad_token_id
        if pad is None:
            pad = self.tokenizer.eos_token_id
        new_tokens = self.max_new_tokens if max_new_tokens is None else max_new_tokens
        options = dict(max_new_tokens=new_tokens, do_sample=False, pad_token_id=pad,
                       output_scores=True, return_dict_in_generate=True)
        if k > 1:
            options.update(num_beams=k, num_return_sequences=k)
        torch.manual_seed(self.seed)
        with torch.no_grad():
            output = self.model.generate(input_ids=input_ids, attention_mask=attention_mask, **options)
        sequences = getattr(output, "sequences", output)
        generated = sequences[:, input_ids.shape[1]:]
        answers = [self.tokenizer.decode(row, skip_special_tokens=True) for row in generated]
        scores = self._scores(output, generated, k)
        if scores is None:
            scores = [1.0 / (rank + 1) for rank in range(len(answers))]
        return list(zip(answers, scores))

    def predict(self, ir_text: str, k: int, facts: Optional[ModuleFacts] = None) -> list[Candidate]:
        if k <= 0:
            return []
        answers = self.complete(self.prompt(ir_text), k)
        return answers_to_candidates([text for text, _ in answers], [score for _, score in answers])

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
