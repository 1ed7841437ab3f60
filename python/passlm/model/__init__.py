"""passlm's models over IR: normalization, tokenizer, input encoding, the
generative ``PipelineLM`` and the pool ``RankerLM`` (and the disassembly
``TextLM``). Nothing here imports torch until a model is made or loaded."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional


def load_model(directory: str | Path, device: Optional[str] = None):
    """The pipeline model in ``directory``, of whichever kind its passlm.json names
    (a ``RankerLM`` or a ``PipelineLM``). Raises ``ValueError`` saying what is wrong."""
    from .llama import META_FILE

    directory = Path(directory)
    if not directory.is_dir():
        raise ValueError(f"{directory}: no such model directory")
    try:
        kind = json.loads((directory / META_FILE).read_text()).get("format")
    except (OSError, ValueError, AttributeError):
        kind = None  # the loader says what is missing or wrong
    if kind == "passlm-ranker":
        from .ranker import RankerLM

        return RankerLM.load(directory, device)
    from .pipeline_lm import PipelineLM

    return PipelineLM.load(directory, device)
