"""TrainConfig: everything a training run depends on, saved with the checkpoint."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Optional

from ..model.pipeline_lm import ModelConfig

CONFIG_FILE = "train_config.json"


@dataclass
class TrainConfig:
    db: str = ""                    # the corpus store (modules, evaluations, screening)
    train_split: str = "train"
    eval_split: str = "test"
    limit_modules: int = 0          # train on the first N modules only (0: all); for quick runs
    model: ModelConfig = field(default_factory=ModelConfig)
    vocab_size: int = 4096          # BPE merges over IR (pass tokens come on top)
    tokenizer_modules: int = 400    # modules sampled to train the tokenizer
    epochs: int = 4
    batch_size: int = 16
    learning_rate: float = 1e-3
    warmup_steps: int = 100
    weight_decay: float = 0.01
    ir_loss_weight: float = 0.1     # next-token loss on the IR itself (a cheap extra signal)
    oz_weight: float = 0.5          # weight of examples whose best is default<Oz>
    eval_modules: int = 48          # held-out modules measured after every epoch (0: none)
    eval_k: int = 4
    checkpoint_every: int = 50      # steps
    seed: int = 0

    def save(self, directory: str | Path) -> None:
        save_config(self, directory)

    @classmethod
    def load(cls, directory: str | Path) -> "TrainConfig":
        return load_config(cls, directory, ModelConfig, what="pipeline model")


def save_config(config, directory: str | Path, task: Optional[str] = None) -> None:
    """A run's dataclass config as train_config.json, tagged with its task (none: the pipeline model)."""
    data = {"task": task, **asdict(config)} if task else asdict(config)
    Path(directory, CONFIG_FILE).write_text(json.dumps(data, indent=1) + "\n")


def load_config(cls, directory: str | Path, model_class, task: Optional[str] = None, what: str = ""):
    """The config ``save_config`` wrote; ValueError when it is another task's (``what`` names
    this one) or has fields ``cls`` does not know."""
    path = Path(directory, CONFIG_FILE)
    data = json.loads(path.read_text())
    if data.pop("task", None) != task:
        raise ValueError(f"{path}: not a {what} training run")
    data["model"] = model_class(**data["model"])
    unknown = set(data) - {f.name for f in fields(cls)}
    if unknown:
        raise ValueError(f"{path}: unknown fields {sorted(unknown)}")
    return cls(**data)
