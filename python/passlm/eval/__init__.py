"""Evaluation: one command that reproduces every number, with plots.

    passlm eval SUITE [--engine SPEC] [-k N] [--tuned DB] [--json OUT] [--report DIR] [--seed S]
    passlm eval --replay OUT.json

- ``suite``: what SUITE names (a directory of .ll/.bc/.c files, a file, or a
  store split ``DB:split``);
- ``run``: predictions, evaluations in crash-isolated workers, per-module rows
  and aggregates (the columns and how failures count are defined there);
- ``report``: the terminal table, report.md and its plots;
- ``replay``: re-run a recorded evaluation and list what differs;
- ``search``: ``--search N``, the column of what the plugin's search=N keeps;
- ``manifest``: versions, commit, model hash, machine, time;
- ``textmetrics``: round-trip rate, exact match and BLEU for the IR/assembly
  tasks (disassembly, compiler emulation);
- ``cli``: the ``eval`` subcommand (``register(subparsers)``).

The JSON document (``--json``)::

    {"format": "passlm-eval", "version": 1,
     "manifest": {passlm_version, git_commit, llvm_version,
                  engine: {spec, resolved, model_hash}, settings: {k, seed, jobs, timeout[, search]},
                  suite: {spec, kind, resolved, description, modules: [hash, ...]},
                  tuned: {spec, resolved} | null, machine: {...}, command,
                  started, finished, seconds},
     "modules": [{name, hash, group, source, O0, Oz, prediction, candidates,
                  top1, top1_guarded, best_of_k, best_of_k_guarded, tuned[, searched]}, ...],
     "aggregates": {modules, usable_modules, excluded, columns: {O0, top1, ...},
                    predictions, candidates, latency}}

Each column of a row is ``{pipeline, status, instructions, object_size,
detail}`` (guarded columns add ``kept``: "candidate" or "-Oz"; best_of_k adds
``rank``; ``tuned`` is null without a result and adds ``oz_object_size``, the
store's own -Oz figure; ``searched``, with ``--search N`` only, adds ``kept``
and ``search``, see ``passlm.eval.search``).
"""
from .aggregate import COLUMNS, aggregate
from .run import Settings, run_eval
from .suite import EvalError, Suite, SuiteModule, load_suite

__all__ = ["COLUMNS", "EvalError", "Settings", "Suite", "SuiteModule", "aggregate", "load_suite", "run_eval"]
