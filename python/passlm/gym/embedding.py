"""The model's embedding of a module, as an observation (``observation_space="embedding"``).

The model (the shipped one, ``passlm/models/default``, or ``model=DIR``: a
pipeline model or a ranker) reads a module as it does when it predicts:
normalized, condensed to its input budget (``passlm.model.encode``), ending
in ``<answer>``. The observation is the last layer's hidden state at that
final token, the vector the model's answer is decided from (``hidden``
numbers, 256 for the shipped model). It is computed in the agent's process
(torch, CPU unless CUDA is there) from the IR text the worker prints.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
from gymnasium import spaces


class Embedder:
    def __init__(self, directory: Optional[str | Path] = None, device: Optional[str] = None):
        from ..engine.model import DEFAULT_MODEL_DIR
        from ..model import load_model

        self.directory = Path(directory or DEFAULT_MODEL_DIR)
        self.lm = load_model(self.directory, device)
        self.size = int(self.lm.model.config.hidden_size)

    def space(self) -> spaces.Box:
        largest = float(np.finfo(np.float32).max)  # any finite float32 (Gymnasium warns of infinite bounds)
        return spaces.Box(low=-largest, high=largest, shape=(self.size,), dtype=np.float32)

    def __call__(self, ir_text: str) -> np.ndarray:
        import torch

        ids = self.lm.encode(ir_text).ids
        with torch.no_grad():
            inputs = torch.tensor([ids], device=self.lm.model.device)
            hidden = self.lm.model(input_ids=inputs, output_hidden_states=True).hidden_states[-1]
        return hidden[0, -1].float().cpu().numpy().astype(np.float32)
