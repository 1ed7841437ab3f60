"""Baseline agents for passlm/PhaseOrdering-v0, each one command:

    passlm gym baselines --benchmark store:corpus.db#test --search random --budget 1000
    passlm gym baselines --benchmark examples --search greedy --budget 10
    passlm gym baselines --benchmark examples --search prior --budget 20 --engine model:ranker

(``passlm.gym_cli`` is that command; ``run`` and ``summary`` are what it calls.)

- ``random``: episodes of ``--episode-length`` uniformly random actions
  until ``--budget`` steps are spent on a module; the best module any prefix
  made counts (as CompilerGym's random search).
- ``greedy``: at each of at most ``--budget`` steps, every action is tried
  from the current module (``env.lookahead``) and the best taken; it stops
  once the best makes the module no smaller (after the first step, which
  starts from the unoptimized module: s_0 is the -Oz size).
- ``prior``: a passlm engine (``--engine``, default the ranking model) as a
  policy prior: its candidates for the module, best first, each played as an
  episode of its pipeline's elements, until ``--budget`` steps are spent; the
  best module any prefix made counts. With a budget of one candidate's
  length, it is the engine's top-1 played one element at a time.

Per module, the best improvement over -Oz (1 - s_best / s_Oz, the best
return) and its pipeline; over all modules, the geometric mean of
s_best / s_Oz as an improvement (``geomean``), how many modules beat -Oz,
and the time. ``--replay`` checks every best pipeline with opt | llc |
llvm-size (``replay``). ``--limit N`` takes N modules of the dataset, drawn with
``--seed``. Seeds make runs repeatable (the passes are deterministic).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from .env import PhaseOrderingEnv


@dataclass
class Result:
    benchmark: str
    oz_object_size: int
    best_object_size: int
    improvement: float  # 1 - best / oz
    pipeline: str
    steps: int
    evaluations: int
    seconds: float


def random_search(env: PhaseOrderingEnv, benchmark, budget: int, episode_length: int, seed: int) -> Result:
    start = time.perf_counter()
    env.action_space.seed(seed)
    best = None
    steps = 0
    episode = 0
    while steps < budget:
        _, info = env.reset(seed=seed + episode, options={"benchmark": benchmark})
        episode += 1
        for _ in range(min(episode_length, budget - steps)):
            _, _, terminated, _, info = env.step(env.action_space.sample())
            steps += 1
            if best is None or info["improvement"] > best["improvement"]:
                best = dict(info)
            if terminated:
                break
    return _result(best, steps, steps, time.perf_counter() - start)


def greedy_search(env: PhaseOrderingEnv, benchmark, budget: int) -> Result:
    start = time.perf_counter()
    _, info = env.reset(seed=0, options={"benchmark": benchmark})
    best, evaluations, steps = dict(info), 0, 0
    for step in range(budget):
        rewards = env.lookahead(range(env.action_space.n))
        evaluations += len(rewards)
        scored = [(r, a) for a, r in enumerate(rewards) if r is not None]
        if not scored:
            break
        reward, action = max(scored, key=lambda pair: (pair[0], -pair[1]))  # ties: the first action
        if step and reward <= 0:
            break
        _, _, terminated, _, info = env.step(action)
        steps += 1
        if info["improvement"] > best["improvement"]:
            best = dict(info)
        if terminated:
            break
    return _result(best, steps, evaluations + steps, time.perf_counter() - start)


def prior_search(env: PhaseOrderingEnv, benchmark, engine, budget: int) -> Result:
    from .. import Module
    from ..pipelines.space import split_elements

    start = time.perf_counter()
    text = Module.from_string(benchmark.bitcode, name=benchmark.name).to_text()
    action = {element: i for i, element in enumerate(env.actions)}
    best, steps = None, 0
    for candidate in engine.predict(text, max(1, budget)):
        if steps >= budget:
            break
        _, info = env.reset(seed=0, options={"benchmark": benchmark})
        best = best or dict(info)
        for element in split_elements(candidate.pipeline):
            if element not in action:
                raise ValueError(f"{candidate.pipeline}: '{element}' is not an action of the environment")
            _, _, terminated, _, info = env.step(action[element])
            steps += 1
            if info["improvement"] > best["improvement"]:
                best = dict(info)
            if terminated or steps >= budget:
                break
    return _result(best, steps, steps, time.perf_counter() - start)


def _result(info: dict, steps: int, evaluations: int, seconds: float) -> Result:
    return Result(info["benchmark"], info["oz_object_size"], info["object_size"], info["improvement"],
                  info["pipeline"], steps, evaluations, round(seconds, 3))


def summary(results: list[Result]) -> dict:
    """Over the modules whose -Oz object is not empty (the others are counted apart)."""
    ratios = [r.best_object_size / r.oz_object_size for r in results if r.oz_object_size]
    return {"modules": len(results), "empty": len(results) - len(ratios),
            "geomean": 1 - math.exp(sum(math.log(x) for x in ratios) / len(ratios)) if ratios else 0.0,
            "beat_oz": sum(r < 1 for r in ratios), "worse_than_oz": sum(r > 1 for r in ratios),
            "seconds": round(sum(r.seconds for r in results), 1)}


def replay_mismatches(results: list[Result], dataset) -> list[str]:
    """Each result's pipeline replayed with opt | llc | llvm-size: where the size differs."""
    from . import replay

    by_name = {name: i for i, name in enumerate(dataset.names)}
    wrong = []
    for r in results:
        size = replay.object_size(dataset[by_name[r.benchmark]].bitcode, replay.exact(r.pipeline))
        if size != r.best_object_size:
            wrong.append(f"{r.benchmark}: env {r.best_object_size}, opt|llc {size}")
    return wrong


def run(spec: str, search: str, budget: int, episode_length: int = 20, limit: int | None = None,
        seed: int = 0, progress=None, replay: bool = False, engine_spec: str = "model:ranker") -> list[Result]:
    engine = None
    if search == "prior":
        from ..engine import make_engine

        engine = make_engine(engine_spec)
    env = PhaseOrderingEnv(benchmark=spec, observation_space="instruction_count")
    try:
        benchmarks = list(range(len(env.dataset)))
        if limit is not None and limit < len(benchmarks):
            benchmarks = sorted(np.random.default_rng(seed).choice(len(benchmarks), limit, replace=False).tolist())
        results = []
        for index in benchmarks:
            benchmark = env.dataset[index]
            if search == "random":
                result = random_search(env, benchmark, budget, episode_length, seed)
            elif search == "prior":
                result = prior_search(env, benchmark, engine, budget)
            else:
                result = greedy_search(env, benchmark, budget)
            results.append(result)
            if progress:
                progress(result)
        if replay:
            for line in replay_mismatches(results, env.dataset):
                print("REPLAY MISMATCH", line)
        return results
    finally:
        env.close()


if __name__ == "__main__":  # the command moved; say where, rather than exit 0 having done nothing
    raise SystemExit("python -m passlm.gym.baselines is now 'passlm gym baselines' (same arguments)")
