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


def new_llama(llama_config, seed: int, model_class: str = "LlamaForCausalLM"):
    """A freshly initialized transformers ``model_class`` (seeded)."""
    import torch
    import transformers

    quiet_transformers()
    torch.manual_seed(seed)
    return getattr(transformers, model_class)(llama_config)


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


def load_model_dir(directory: str | Path, format_name: str, config_class, model_class: str, device=None):
    """(model, tokenizer, config) of a model directory that ``save_model`` wrote
    in format ``format_name``; ``model_class`` names the transformers class.
    Raises ``ValueError`` naming the directory and what is wrong with it:
    missing files, another format, a config this passlm does not know, or IR
    normalized by another version than this passlm's."""
    from .normalize import NORMALIZATION_VERSION
    from .tokenizer import load_tokenizer

    directory = Path(directory)
    if not directory.is_dir():
        raise ValueError(f"{directory}: no such model directory")
    meta_path = directory / META_FILE
    if not meta_path.is_file():
        raise ValueError(f"{directory}: not a passlm model (no {META_FILE})")
    if not (directory / "model.safetensors").is_file():
        raise ValueError(f"{directory}: no model.safetensors (passlm loads safetensors weights only)")
    try:
        meta = json.loads(meta_path.read_text())
        if meta.get("format") != format_name or meta.get("version") != 1:
            raise ValueError(f"format {meta.get('format')!r} version {meta.get('version')!r}, "
                             f"not {format_name} version 1")
        config = config_class(**meta["config"])
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise ValueError(f"{meta_path}: not a valid {format_name} file ({e})") from None
    normalization = getattr(config, "normalization", NORMALIZATION_VERSION)
    if normalization != NORMALIZATION_VERSION:
        raise ValueError(f"{directory}: trained on IR normalization version {normalization}, "
                         f"this passlm normalizes with version {NORMALIZATION_VERSION}")
    import transformers

    quiet_transformers()
    model = getattr(transformers, model_class).from_pretrained(directory, local_files_only=True,
                                                               use_safetensors=True, trust_remote_code=False)
    model.to(device or default_device()).eval()
    return model, load_tokenizer(str(directory)), config
