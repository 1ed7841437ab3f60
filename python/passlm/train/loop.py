"""Training a PipelineLM from scratch on the label store; resumable.

``train(config, out)`` writes into ``out``:

- the model directory itself (``config.json``, ``model.safetensors``, the
  tokenizer, ``passlm.json``): ``model:OUT`` loads it, after every epoch;
- ``train_config.json`` (``TrainConfig``), ``history.jsonl`` (one line per
  epoch: mean loss, and the held-out measurement), ``encoded-*.jsonl`` (the
  input ids of every module, made once);
- ``checkpoint/``: weights, optimizer state (safetensors too, no pickle) and
  ``state.json`` (epoch, step), written every ``checkpoint_every`` steps and
  at the end of every epoch. Running again with the same ``out`` resumes
  from it; the batches of an epoch depend only on (seed, epoch), so a resumed
  run trains on exactly what an uninterrupted one would.

The loss is next-token cross-entropy, weighted: the answer (pass tokens and
``</s>``) counts fully, times ``oz_weight`` for modules whose best is
``default<Oz>``; the IR tokens count ``ir_loss_weight``.

After every epoch, ``eval_modules`` modules of the held-out split are
measured for real: the model's top-1 and best of ``eval_k`` candidates are
compiled (crash-isolated worker processes) and their object sizes compared
with -Oz's.
"""
from __future__ import annotations

import json
import math
import random
import sys
import time
from pathlib import Path
from typing import Optional

from ..defaults import OZ
from ..store import Store
from ..pipelines.space import candidate_elements, split_elements
from .config import TrainConfig
from .data import batches, best_screened, draw_targets

CHECKPOINT = "checkpoint"


def _log(message: str) -> None:
    print(f"passlm train: {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ preparing

def _tokenizer(config: TrainConfig, out: Path, store: Store, train_modules: list[str]):
    from ..model.normalize import normalize_ir
    from ..model.tokenizer import load_tokenizer, train_tokenizer

    if (out / "tokenizer.json").is_file():
        return load_tokenizer(str(out))
    rng = random.Random(config.seed)
    sample = rng.sample(train_modules, min(config.tokenizer_modules, len(train_modules)))
    _log(f"training the tokenizer on {len(sample)} modules")
    texts = (normalize_ir(store.load_module(h).to_text())[:100_000] for h in sample)
    tokenizer = train_tokenizer(texts, candidate_elements(), config.vocab_size)
    tokenizer.save_pretrained(out)
    return tokenizer


def _encoded(out: Path, name: str, store: Store, modules: list[str], encode) -> dict[str, list[int]]:
    """module -> input ids, cached in out/encoded-NAME.jsonl (appended as it goes)."""
    from tqdm import tqdm

    path = out / f"encoded-{name}.jsonl"
    done: dict[str, list[int]] = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                break  # a line cut by a stop: encode it again
            done[row["module"]] = row["ids"]
    todo = [m for m in modules if m not in done]
    if todo:
        with open(path, "a") as f:
            for module in tqdm(todo, desc=f"encoding {name}", unit="module", file=sys.stderr):
                encoded = encode(store.load_module(module).to_text())
                done[module] = encoded.ids
                f.write(json.dumps({"module": module, "ids": encoded.ids, "cut": encoded.cut}) + "\n")
    return done


# ------------------------------------------------------------ optimizer state

def _save_checkpoint(lm, optimizer, state: dict, out: Path) -> None:
    from safetensors.torch import save_file

    directory = out / CHECKPOINT
    tmp = out / (CHECKPOINT + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    lm.save(tmp)
    optim = optimizer.state_dict()
    tensors = {f"{index}.{key}": value.detach().cpu().contiguous()
               for index, slots in optim["state"].items() for key, value in slots.items()}
    save_file(tensors, str(tmp / "optimizer.safetensors"))
    (tmp / "state.json").write_text(json.dumps({**state, "param_groups": optim["param_groups"]}) + "\n")
    if directory.exists():
        import shutil

        shutil.rmtree(directory)
    tmp.rename(directory)  # atomic: a stop leaves the old checkpoint or the new one


def _load_optimizer(optimizer, directory: Path, state: dict) -> None:
    from safetensors.torch import load_file

    tensors = load_file(str(directory / "optimizer.safetensors"))
    slots: dict[int, dict] = {}
    for name, value in tensors.items():
        index, key = name.split(".", 1)
        slots.setdefault(int(index), {})[key] = value
    optimizer.load_state_dict({"state": slots, "param_groups": state["param_groups"]})


# ------------------------------------------------------------------- training

def _batch_tensors(items: list[tuple[list[int], list[int], float]], pad_id: int, config: TrainConfig, device):
    """input ids, attention mask and per-token loss weights of (input ids, answer ids, weight) items."""
    import torch

    length = max(len(ids) + len(answer) for ids, answer, _ in items)
    inputs = torch.full((len(items), length), pad_id, dtype=torch.long)
    mask = torch.zeros((len(items), length), dtype=torch.long)
    weights = torch.zeros((len(items), length), dtype=torch.float)
    for row, (ids, answer, weight) in enumerate(items):
        sequence = ids + answer
        inputs[row, :len(sequence)] = torch.tensor(sequence)
        mask[row, :len(sequence)] = 1
        weights[row, 1:len(ids)] = config.ir_loss_weight  # predicting IR tokens (not <s>)
        weights[row, len(ids):len(sequence)] = weight     # predicting the answer
    return inputs.to(device), mask.to(device), weights.to(device)


def _loss(model, inputs, mask, weights):
    import torch.nn.functional as F

    logits = model(input_ids=inputs, attention_mask=mask).logits[:, :-1]
    targets = inputs[:, 1:]
    w = weights[:, 1:]
    ce = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), reduction="none")
    return (ce * w.reshape(-1)).sum() / w.sum().clamp(min=1e-6)


def _learning_rate(config: TrainConfig, step: int, total: int) -> float:
    if step < config.warmup_steps:
        return config.learning_rate * (step + 1) / config.warmup_steps
    progress = (step - config.warmup_steps) / max(1, total - config.warmup_steps)
    return config.learning_rate * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def answer_ids(tokenizer, pipeline: str) -> list[int]:
    from ..model.tokenizer import EOS, pass_token

    return tokenizer.convert_tokens_to_ids([pass_token(e) for e in split_elements(pipeline)] + [EOS])


def start_run(config, out: Path, load) -> None:
    """Refuse a run folder that holds another configuration (``load(out)``
    reads it); save this one. More (or fewer) epochs may be asked of a run to resume."""
    out.mkdir(parents=True, exist_ok=True)
    if (out / "train_config.json").is_file():
        saved = load(out)
        saved.epochs = config.epochs
        if saved != config:
            raise ValueError(f"{out}: holds a run with another configuration (train_config.json); "
                             "use a new --out, or the same options to resume")
    config.save(out)


def resume_or_create(checkpoint: Path, load, create, device):
    """(model, state): the checkpoint's when there is one (``load(dir, device)``), else ``create()``."""
    if (checkpoint / "state.json").is_file():
        lm = load(checkpoint, device)
        state = json.loads((checkpoint / "state.json").read_text())
        _log(f"resuming at epoch {state['epoch'] + 1}, step {state['step']}")
        return lm, state
    lm = create()
    lm.model.to(device)
    return lm, {"epoch": 0, "step": 0, "batch": 0}


def run_epochs(lm, config, out: Path, state: dict, steps_per_epoch: int, epoch_plan, measure_epoch,
               loss_of=None) -> list[dict]:
    """The epochs left of a run, resumable batch for batch: ``epoch_plan(epoch)``
    gives (batches, tensors) with ``tensors(batch) -> (inputs, mask, weights)``
    for the weighted next-token loss, or whatever ``loss_of(tensors(batch))``
    takes when given; ``measure_epoch()`` gives the held-out figures of the
    epoch's history line."""
    import torch
    from tqdm import tqdm

    checkpoint = out / CHECKPOINT
    optimizer = torch.optim.AdamW(lm.model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    if state["step"]:
        _load_optimizer(optimizer, checkpoint, state)
    total = steps_per_epoch * config.epochs
    history = _read_history(out)
    while state["epoch"] < config.epochs:
        epoch = state["epoch"]
        plan, tensors = epoch_plan(epoch)
        lm.model.train()
        losses = []
        bar = tqdm(plan, initial=state["batch"], total=len(plan), desc=f"epoch {epoch + 1}/{config.epochs}",
                   unit="batch", file=sys.stderr)
        for number, batch in enumerate(plan):
            if number < state["batch"]:
                continue  # done before a resume
            for group in optimizer.param_groups:
                group["lr"] = _learning_rate(config, state["step"], total)
            loss = loss_of(tensors(batch)) if loss_of else _loss(lm.model, *tensors(batch))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(lm.model.parameters(), 1.0)
            optimizer.step()
            losses.append(loss.item())
            state["step"] += 1
            state["batch"] = number + 1
            bar.update(1)
            bar.set_postfix(loss=f"{sum(losses[-20:]) / len(losses[-20:]):.3f}")
            if state["step"] % config.checkpoint_every == 0:
                _save_checkpoint(lm, optimizer, state, out)
        bar.close()
        lm.model.eval()
        record = {"epoch": epoch + 1, "step": state["step"], "loss": sum(losses) / max(1, len(losses)),
                  "time": time.time(), **measure_epoch()}
        history.append(record)
        with open(out / "history.jsonl", "a") as f:
            f.write(json.dumps(record) + "\n")
        _log(json.dumps(record))
        state = {"epoch": epoch + 1, "step": state["step"], "batch": 0}
        lm.save(out)
        _save_checkpoint(lm, optimizer, state, out)
    return history


def train(config: TrainConfig, out: str | Path, evaluate: bool = True) -> list[dict]:
    """Trains (or resumes) into ``out``; returns the per-epoch history."""
    import torch

    from ..model.llama import default_device
    from ..model.pipeline_lm import PipelineLM
    from ..model.tokenizer import pass_token_ids

    out = Path(out)
    start_run(config, out, TrainConfig.load)
    torch.manual_seed(config.seed)
    store = Store(config.db)
    train_modules = store.module_hashes(split=config.train_split)
    if config.limit_modules:
        train_modules = train_modules[:config.limit_modules]
    if not train_modules:
        raise ValueError(f"{config.db}: no modules in split '{config.train_split}'")
    tokenizer = _tokenizer(config, out, store, train_modules)
    known = set(pass_token_ids(tokenizer).values())
    examples = [e for e in best_screened(store, train_modules)
                if all(t in known for p in e.targets for t in split_elements(p))]
    _log(f"{len(examples)} training examples; {sum(e.targets != (OZ,) for e in examples)} better than -Oz")

    device = default_device()
    lm, state = resume_or_create(out / CHECKPOINT, PipelineLM.load,
                                 lambda: PipelineLM.create(tokenizer, config.model, config.seed), device)
    encoded = _encoded(out, config.train_split, store, [e.module for e in examples], lm.encode)
    eval_modules = _eval_modules(store, config)
    eval_encoded = _encoded(out, config.eval_split, store, eval_modules, lm.encode) if evaluate else {}
    lengths = [len(encoded[e.module]) for e in examples]

    def epoch_plan(epoch: int):
        targets = draw_targets(examples, epoch, config.seed)

        def tensors(batch):
            items = [(encoded[examples[i].module], answer_ids(tokenizer, targets[i]),
                      config.oz_weight if targets[i] == OZ else 1.0) for i in batch]
            return _batch_tensors(items, lm.pad_id, config, device)

        return batches(range(len(examples)), lengths, config.batch_size, epoch, config.seed), tensors

    def measure_epoch() -> dict:
        if not (evaluate and eval_encoded):
            return {}
        return measure(lm, store, eval_modules, eval_encoded, config.eval_k)

    per_epoch = len(batches(range(len(examples)), lengths, config.batch_size, 0, config.seed))
    return run_epochs(lm, config, out, state, per_epoch, epoch_plan, measure_epoch)


def _eval_modules(store: Store, config: TrainConfig) -> list[str]:
    modules = store.module_hashes(split=config.eval_split)
    rng = random.Random(f"eval:{config.seed}")
    return sorted(rng.sample(modules, min(config.eval_modules, len(modules))))


def _read_history(out: Path) -> list[dict]:
    path = out / "history.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.is_file() else []


def measure(lm, store: Store, modules: list[str], encoded: dict[str, list[int]], k: int) -> dict:
    """Held-out improvement over -Oz (geomean) of top-1 and best-of-k, on real object sizes."""
    from ..metrics import improvement_over_oz
    from ..pipelines.workers import Job, WorkerPool

    answers = {m: [p for p, _ in lm.candidates(encoded[m], k)] for m in modules}
    first = {m: answers[m][0] for m in modules}  # candidates(k)[0] is always the top-1
    jobs = [Job(m, store.bitcode(m), p) for m in modules for p in set(answers[m]) | {OZ}]
    sizes: dict[tuple[str, str], Optional[int]] = {}
    with WorkerPool(jobs=2, timeout=60) as pool:
        for e in pool.evaluate_many(jobs):
            sizes[(e.module, e.pipeline)] = e.object_size if e.ok else None
    oz, top1, best = [], [], []
    for m in modules:
        base = sizes.get((m, OZ))
        if not base:
            continue
        top = sizes.get((m, first[m]))
        candidates = [s for p in answers[m] if (s := sizes.get((m, p)))]
        oz.append(base)
        top1.append(top if top else base)  # failures counted as -Oz here (training view only)
        best.append(min(candidates + [base]))
    return {"heldout_modules": len(oz),
            "heldout_top1": improvement_over_oz(top1, oz).geomean,
            f"heldout_best_of_{k}": improvement_over_oz(best, oz).geomean}
