"""Training a RankerLM on matrix rows; resumable.

``train_ranker(config, out)`` writes into ``out`` what ``loop.train`` writes
for the generative model: the model directory (``model:OUT`` loads it),
``train_config.json`` (``RankTrainConfig``, with ``"task": "rank"``),
``history.jsonl``, ``encoded-*.jsonl`` and ``checkpoint/``.

Data: the store's training modules whose matrix row (``tune.matrix.
log_ratios`` over the pool) is measured for at least ``min_coverage`` of the
pool. A share of the training *packages* (``validation_packages``) is kept
out as the validation split: modules of one package resemble each other, so
validating on unseen packages is what predicts held-out behaviour. The
held-out split itself is never read here: it is measured once, at the end,
by ``passlm eval``.

Loss, per module: mean squared error between predicted and measured log
ratios over the measured pairs, plus ``listwise_weight`` times ListNet's
cross entropy between the two softmax distributions of ``-ratio /
temperature`` (the ranking, which is what choosing depends on).

After every epoch the validation rows give, without compiling anything
(``tune.ranking``): top-1 unguarded, best of 4 and of 16 guarded, the pool
oracle, and the coreset of the same pool built on the training rows at 4 and
16, and a chooser that reads only the summary's counts (``tune.ranking.
feature_neighbours``: the cover of the rows of the ``FEATURE_NEIGHBOURS``
training modules nearest in them): what the network adds is measured against
both. The margin of top-1 (``RankerConfig.margin``) is chosen there too: the
one that maximizes validation top-1 among those whose top-1 makes at least
``TOP1_WIN_RATIO`` modules smaller per module made larger (a gain that
wins and loses about as often is noise on a few dozen modules, and costs
size on others; margin 1.0, never leaving -Oz, always qualifies); and the neighbours
(``RankerConfig.neighbours``, whose rows the model directory keeps): the
number that maximizes validation best of 4, against 0 (the predicted order).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..model.encode import summary_features
from ..model.ranker import WORST, RankerConfig
from ..store import Store
from ..tune import ranking
from ..tune.matrix import log_ratios
from .config import load_config, save_config
from .data import batches
from .loop import CHECKPOINT, _log, _encoded, _tokenizer, resume_or_create, run_epochs, start_run

MARGINS = (0.0, 0.0025, 0.005, 0.01, 0.02, 0.04, 1.0)  # 1.0: never leave -Oz
NEIGHBOURS = (0, 10, 20, 40, 80)  # 0: the candidates after the first in predicted order
TOP1_WIN_RATIO = 3  # smaller : larger modules a top-1 margin must reach on validation
FEATURE_NEIGHBOURS = 40  # training rows the summary-count baseline covers (fixed, never tuned)


@dataclass
class RankTrainConfig:
    db: str = ""                    # the store with the matrix (modules, evaluations)
    pool: str = ""                  # the pool file (passlm pool / coreset format)
    train_split: str = "train"
    validation_packages: float = 0.1  # share of training packages kept for validation
    min_coverage: float = 0.9       # rows measured on at least this share of the pool
    limit_modules: int = 0          # the first N training modules only (0: all)
    model: RankerConfig = field(default_factory=RankerConfig)
    tokenizer_from: str = ""        # a model directory whose tokenizer to reuse ("" trains one)
    init_from: str = ""             # a generative model whose trunk, shape and tokenizer start the ranker
    vocab_size: int = 4096
    tokenizer_modules: int = 400
    epochs: int = 8
    batch_size: int = 16
    learning_rate: float = 5e-4
    warmup_steps: int = 100
    weight_decay: float = 0.01
    listwise_weight: float = 1.0
    temperature: float = 0.01       # of the listwise softmax, in log-ratio units (1 % size)
    checkpoint_every: int = 50
    seed: int = 0

    def save(self, directory: str | Path) -> None:
        save_config(self, directory, "rank")

    @classmethod
    def load(cls, directory: str | Path) -> "RankTrainConfig":
        return load_config(cls, directory, RankerConfig, "rank", "ranker")


def read_pool(path: str) -> list[str]:
    """The pool's pipelines, in order: a pool is a coreset file (``passlm pool``)."""
    from ..engine.coreset import Coreset

    return list(Coreset.load(path).pipelines)


def split_by_package(store: Store, modules: list[str], share: float, seed: int) -> tuple[list[str], list[str]]:
    """(training, validation): whole packages, chosen by a seeded hash of their names."""
    package = {m: store.module_info(m)["package"] or "" for m in modules}
    names = sorted(set(package.values()))
    keyed = sorted(names, key=lambda n: hashlib.sha256(f"{seed}:validation:{n}".encode()).hexdigest())
    held = set(keyed[:max(1, round(share * len(names)))]) if share > 0 and len(names) > 1 else set()
    return [m for m in modules if package[m] not in held], [m for m in modules if package[m] in held]


def prior_of(rows: dict[str, list], width: int) -> list[float]:
    """Each pipeline's mean log ratio over the rows that measured it (0 if none)."""
    sums, counts = [0.0] * width, [0] * width
    for row in rows.values():
        for i, v in enumerate(row):
            if v is not None:
                sums[i] += v
                counts[i] += 1
    return [s / c if c else 0.0 for s, c in zip(sums, counts)]


def listwise_mse(predicted, target, mask, temperature: float, weight: float):
    """MSE over measured pairs + weight x ListNet cross entropy of the rankings."""
    import torch

    mse = ((predicted - target) ** 2 * mask).sum() / mask.sum().clamp(min=1)
    hidden = torch.where(mask > 0, 0.0, -1e9)
    p_target = torch.softmax(-target / temperature + hidden, dim=-1)
    log_p = torch.log_softmax(-predicted / temperature + hidden, dim=-1)
    listnet = -(p_target * log_p * mask).sum(-1).mean()
    return mse / temperature ** 2 + weight * listnet  # the squared error in units of the temperature


def validate(lm, rows: dict[str, list], encoded: dict[str, list[int]], train_rows: dict[str, list],
             features: dict[str, list[int]]) -> dict:
    """Validation figures from the matrix (nothing compiled); sets the model's
    margin (best top-1 of those winning TOP1_WIN_RATIO : 1) and its neighbours
    (best of 4, the k the model card reports; ties to fewer)."""
    if not rows:
        return {}
    modules = sorted(rows)
    scores = {}
    for start in range(0, len(modules), 16):
        chunk = modules[start:start + 16]
        for m, s in zip(chunk, lm.scores_batch([encoded[m] for m in chunk])):
            scores[m] = s
    best_margin, best_top1 = None, None
    for margin in MARGINS:
        lm.config.margin = margin
        first = {m: lm.order(scores[m], 1)[0] for m in modules}
        # A first choice the matrix lacks (rows are >= min_coverage complete) counts as -Oz.
        figure = ranking.top1(rows, {m: i if i is None or rows[m][i] is not None else None
                                     for m, i in first.items()})
        trusted = figure.wins >= TOP1_WIN_RATIO * figure.losses
        if trusted and (best_top1 is None or figure.improvement > best_top1.improvement):
            best_margin, best_top1 = margin, figure
    lm.config.margin = best_margin
    by_neighbours = {}
    for n in NEIGHBOURS:
        lm.config.neighbours = n
        order = {m: lm.order(scores[m], 16) for m in modules}
        # best_of reads the first k pool pipelines past a first -Oz, as the plugin measures them.
        by_neighbours[n] = {k: ranking.best_of(rows, order, k).improvement for k in (4, 16)}
    chosen = max(NEIGHBOURS, key=lambda n: (by_neighbours[n][4], -n))
    lm.config.neighbours = chosen
    coreset = ranking.greedy_order(train_rows, 16)
    near = ranking.feature_neighbours({m: features[m] for m in train_rows}, {m: features[m] for m in modules},
                                      FEATURE_NEIGHBOURS)
    by_features = {m: ranking.greedy_order({t: train_rows[t] for t in near[m]}, 16) for m in modules}
    result = {"validation_modules": len(modules), "margin": best_margin, "neighbours": chosen,
              "top1": best_top1.improvement, "top1_wins": best_top1.wins, "top1_losses": best_top1.losses,
              "oracle": ranking.oracle(rows).improvement}
    for k in (4, 16):
        result[f"best_of_{k}"] = by_neighbours[chosen][k]
        result[f"best_of_{k}_predicted_order"] = by_neighbours[0][k]
        result[f"coreset_{k}"] = ranking.best_of(rows, {m: coreset for m in modules}, k).improvement
        result[f"summary_neighbours_{k}"] = ranking.best_of(rows, by_features, k).improvement
    return result


def neighbour_rows(train_rows: dict[str, list]):
    """The training rows the ranker's candidates cover (a [modules, P] tensor; unmeasured: WORST)."""
    import torch

    return torch.tensor([[WORST if v is None else v for v in train_rows[m]] for m in sorted(train_rows)])


def train_ranker(config: RankTrainConfig, out: str | Path) -> list[dict]:
    """Trains (or resumes) into ``out``; returns the per-epoch history."""
    import torch

    from ..model.llama import default_device
    from ..model.ranker import RankerLM
    from ..model.tokenizer import load_tokenizer

    out = Path(out)
    pool = read_pool(config.pool)
    config.model.pool = pool
    store = Store(config.db)
    modules = store.module_hashes(split=config.train_split)
    rows = {m: r for m, r in log_ratios(store, modules, pool, WORST).items()
            if sum(v is not None for v in r) >= config.min_coverage * len(pool)}
    modules = sorted(rows)[:config.limit_modules or None]
    if not modules:
        raise ValueError(f"{config.db}: no '{config.train_split}' module has a matrix row over "
                         f"{config.min_coverage:.0%} of the {len(pool)} pool pipelines of {config.pool}")
    train_modules, val_modules = split_by_package(store, modules, config.validation_packages, config.seed)
    train_rows = {m: rows[m] for m in train_modules}
    val_rows = {m: rows[m] for m in val_modules}
    config.model.prior = prior_of(train_rows, len(pool))
    if config.init_from:
        from ..model.ranker import shape_of

        config.tokenizer_from = config.init_from
        for name, value in shape_of(config.init_from).items():
            setattr(config.model, name, value)
    start_run(config, out, RankTrainConfig.load)
    torch.manual_seed(config.seed)
    _log(f"{len(train_modules)} training and {len(val_modules)} validation modules, pool of {len(pool)}")
    tokenizer = (load_tokenizer(config.tokenizer_from) if config.tokenizer_from
                 else _tokenizer(config, out, store, train_modules))

    device = default_device()
    def create() -> RankerLM:
        lm = RankerLM.create(tokenizer, config.model, config.seed)
        if config.init_from:
            lm.start_trunk_from(config.init_from)
        return lm

    lm, state = resume_or_create(out / CHECKPOINT, RankerLM.load, create, device)
    lm.rows = neighbour_rows(train_rows)
    encoded = _encoded(out, config.train_split, store, modules, lm.encode)
    lengths = [len(encoded[m]) for m in train_modules]
    features = {m: summary_features(store.load_module(m).to_text()) for m in modules}

    def epoch_plan(epoch: int):
        def tensors(batch):
            chosen = [train_modules[i] for i in batch]
            target = torch.tensor([[WORST if v is None else v for v in rows[m]] for m in chosen], device=device)
            mask = torch.tensor([[float(v is not None) for v in rows[m]] for m in chosen], device=device)
            return [encoded[m] for m in chosen], target, mask

        return batches(range(len(train_modules)), lengths, config.batch_size, epoch, config.seed), tensors

    def loss_of(tensors):
        ids, target, mask = tensors
        return listwise_mse(lm.forward(ids), target, mask, config.temperature, config.listwise_weight)

    per_epoch = len(batches(range(len(train_modules)), lengths, config.batch_size, 0, config.seed))
    return run_epochs(lm, config, out, state, per_epoch, epoch_plan,
                      lambda: validate(lm, val_rows, encoded, train_rows, features), loss_of)
