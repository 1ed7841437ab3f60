"""The Llama helpers both of passlm's models share (``PipelineLM`` and
``TextLM``): a quiet transformers, the device, a seeded fresh model, and the
model directory's save format (safetensors weights, tokenizer, ``passlm.json``).
torch and transformers are imported inside the functions that use them."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

META_FILE = "passlm.json"


def quiet_transformers() -> None:
    """No progress bars or advice on stderr: inside a compiler, passlm speaks in one warning line."""
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()


def default_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def new_llama(llama_config, seed: int):
    """A freshly initialized ``LlamaForCausalLM`` (seeded)."""
    import torch
    from transformers import LlamaForCausalLM

    quiet_transformers()
    torch.manual_seed(seed)
    return LlamaForCausalLM(llama_config)


def save_model(model, tokenizer, directory: str | Path, format_name: str, config) -> None:
    """A model directory: safetensors weights, the tokenizer and ``passlm.json``
    (the format, the dataclass ``config`` and the parameter count)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory, safe_serialization=True)
    tokenizer.save_pretrained(directory)
    meta = {"format": format_name, "version": 1, "config": asdict(config),
            "parameters": sum(p.numel() for p in model.parameters())}
    (directory / META_FILE).write_text(json.dumps(meta, indent=1) + "\n")


def describe(directory: str | Path) -> str:
    """One line about a model directory, without loading it (no torch)."""
    directory = Path(directory)
    try:
        meta = json.loads((directory / META_FILE).read_text())
        weights = (directory / "model.safetensors").stat().st_size
    except (OSError, ValueError):
        return f"{directory} (not present)"
    config = meta.get("config", {})
    return (f"{directory} ({meta.get('parameters', 0) / 1e6:.1f} M parameters, {weights / 1e6:.1f} MB; "
            f"Llama, hidden {config.get('hidden')}, {config.get('layers')} layers, "
            f"context {config.get('context')} tokens)")
