"""model:DIR and model:default — passlm's own IR models (``passlm.model``).

A model directory holds either kind, told apart by its ``passlm.json``:
a ranker (``RankerLM``: scores every pipeline of its pool in one forward
pass; the candidates are the pipelines predicted smallest, the score is the
predicted gain over -Oz, ``-log(size / size_-Oz)``) or a generative model
(``PipelineLM``, below).

``model:default`` is the model shipped inside the package
(``passlm/models/default``, see its MODEL_CARD.md); ``model:DIR`` is any
directory ``passlm train`` wrote. Weights are loaded from safetensors only,
with ``trust_remote_code`` off, on CUDA when present, else the CPU.

For a generative model, the first candidate is the model's most likely pipeline among those that
contain ``default<Oz>`` (greedy decoding): safe to run without a guard. With
k>1 the next k-1 are its most likely other answers (beam search), plain
``default<Oz>`` left out: bolder pipelines a guard tries and keeps only when
they win (``PipelineLM.candidates``). Decoding is constrained to the pass
tokens, so every candidate is a pipeline of known elements, and it is
deterministic (no sampling). Modules longer than the context are condensed
(``passlm.model.encode``); ``stats["cut"]`` counts them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from . import Candidate, EngineSpecError, ModuleFacts, up_to_k_trials

SHIPPED_MODELS = Path(__file__).resolve().parent.parent / "models"
DEFAULT_MODEL_DIR = SHIPPED_MODELS / "default"


def model_dir(argument: str) -> Path:
    """The directory of ``model:ARGUMENT``: the shipped model for ``default``;
    else the path ARGUMENT when it exists; else a model shipped in the package
    when ARGUMENT is its bare name (``ranker``); else the path ARGUMENT. A path
    that exists wins over a shipped name because the plugin's own client
    (cpp/plugin/ServerClient.cpp) can see the paths but not the package."""
    if not argument:
        raise EngineSpecError("model: needs a directory, e.g. model:default or model:DIR")
    shipped = SHIPPED_MODELS / argument
    if argument == "default" or ("/" not in argument and argument not in (".", "..")
                                 and not Path(argument).exists() and (shipped / "passlm.json").is_file()):
        return shipped
    return Path(argument)


class ModelEngine:
    needs = frozenset({"ir"})

    def __init__(self, lm, directory: Path):
        self.lm, self.directory = lm, directory
        self.stats = {"predictions": 0, "cut": 0}

    @classmethod
    def load(cls, argument: str, device: Optional[str] = None) -> "ModelEngine":
        from ..model import load_model

        directory = model_dir(argument)
        try:
            return cls(load_model(directory, device), directory)
        except ValueError as e:
            raise EngineSpecError(f"model:{argument}: {e}") from None

    def set_seed(self, seed: int) -> None:
        """Decoding is deterministic (greedy or beam search): nothing to seed."""

    def predict(self, ir_text: str, k: int, facts: Optional[ModuleFacts] = None) -> list[Candidate]:
        answers, cut = self.lm.predict(ir_text, max(1, k))
        self.stats["predictions"] += 1
        self.stats["cut"] += int(cut)
        return up_to_k_trials([Candidate(pipeline, score) for pipeline, score in answers], k)

    def predict_batch(self, irs: list[str], k: int) -> list[list[Candidate]]:
        """``predict`` for several modules in one batched decoding (the server's batches)."""
        encoded = [self.lm.encode(ir) for ir in irs]
        answers = self.lm.candidates_batch([e.ids for e in encoded], max(1, k))
        self.stats["predictions"] += len(irs)
        self.stats["cut"] += sum(e.cut for e in encoded)
        return [up_to_k_trials([Candidate(pipeline, score) for pipeline, score in a], k) for a in answers]
