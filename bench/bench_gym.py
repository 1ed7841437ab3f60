#!/usr/bin/env python3
"""Steps per second of passlm/PhaseOrdering-v0 against a subprocess step.

One *step* applies one pipeline element to the current module and measures
the object size of the result (the reward needs it). Routes, on the same
seeded random element sequences, in the same run:

  env             PhaseOrderingEnv.step, incremental in its worker process;
                  observation instruction_count (the cheapest), then
                  autophase (prints the IR and reads 56 features);
                  with the codegen of an unchanged module skipped (default)
                  and without (skip_unchanged=False)
  subprocess      what a script does per step, on the module's bitcode:
                    opt-19 -relocation-model=pic -passes=ELEMENT cur.bc -o next.bc
                    llc-19 -O2 -relocation-model=pic -filetype=obj next.bc | llvm-size-19 -B
                  no observation at all (in its favour); "skip" leaves out
                  llc and llvm-size when opt's output is the input, timed
                  from the same run (opt and codegen are timed apart)

Every subprocess step's size is compared with the environment's: any
difference is printed as MISMATCH and the script exits 1.

Groups: the twelve examples (examples/*.c) and mid-size real code (Lua 5.4's
lparser.c and lvm.c, bench/data/). An element LLVM aborts on ends the
episode in both routes (counted, not timed).

Run:  .venv/bin/python bench/bench_gym.py                 (about five minutes on 2 cores)
      .venv/bin/python bench/bench_gym.py --steps 10 --groups mid-size
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from passlm.gym import replay
from passlm.gym.env import PhaseOrderingEnv
from passlm.gym.vocabulary import default_actions

HERE = Path(__file__).resolve().parent
GROUPS = {
    "examples": sorted((HERE.parent / "examples").glob("*.c")),
    "mid-size": [HERE / "data" / "lua5.4_lparser.c", HERE / "data" / "lua5.4_lvm.c"],
}
ENV_ROUTES = [("env", "instruction_count", True), ("env, no skip", "instruction_count", False),
              ("env, autophase", "autophase", True), ("env, autophase, no skip", "autophase", False)]


@dataclass
class Totals:
    times: list = field(default_factory=list)  # seconds of each step

    @property
    def steps(self) -> int:
        return len(self.times)

    def rate(self) -> float:
        return len(self.times) / sum(self.times) if self.times else float("nan")

    def median_ms(self) -> float:
        return 1000 * float(np.median(self.times)) if self.times else float("nan")


@dataclass
class Group:
    routes: dict = field(default_factory=dict)
    unchanged: int = 0
    aborted: int = 0
    mismatches: list = field(default_factory=list)

    def add(self, route: str, seconds: float) -> None:
        self.routes.setdefault(route, Totals()).times.append(seconds)


def env_episode(source: Path, actions: list[str], sequence: list[int], observation: str, skip: bool,
                group: Group, route: str) -> list[tuple[str, int, bool]]:
    """(element, object size, changed) of every step the episode made."""
    env = PhaseOrderingEnv(benchmark=source, actions=actions, observation_space=observation,
                           skip_unchanged=skip)
    _, info = env.reset(seed=0)
    steps = [("", info["object_size"], True)]
    for action in sequence:
        start = time.perf_counter()
        _, _, terminated, _, info = env.step(action)
        seconds = time.perf_counter() - start
        if "error" in info:
            break
        group.add(route, seconds)
        steps.append((actions[action], info["object_size"], info["changed"]))
    env.close()
    return steps


def subprocess_episode(bitcode: bytes, steps: list[tuple[str, int, bool]], group: Group, name: str) -> None:
    current = bitcode
    for element, size, _ in steps[1:]:
        start = time.perf_counter()
        following = replay.optimize(current, element)
        optimized = time.perf_counter()
        measured = replay.codegen_size(following)
        done = time.perf_counter()
        unchanged = following == current
        group.add("subprocess", done - start)
        group.add("subprocess, skip", (optimized - start) if unchanged else (done - start))
        group.unchanged += unchanged
        if measured != size:
            group.mismatches.append(f"{name}: {element}: subprocess {measured}, env {size}")
        current = following


def run_group(sources: list[Path], actions: list[str], steps: int, seed: int) -> Group:
    group = Group()
    rng = np.random.default_rng(seed)
    for source in sources:
        sequence = rng.integers(len(actions), size=steps).tolist()
        reference = None
        for route, observation, skip in ENV_ROUTES:
            made = env_episode(source, actions, sequence, observation, skip, group, route)
            if reference is None:
                reference = made
                group.aborted += len(made) - 1 < steps
            elif [s for _, s, _ in made] != [s for _, s, _ in reference]:
                group.mismatches.append(f"{source.name}: {route} sizes differ from the first env route")
        bitcode = PhaseOrderingEnv(benchmark=source, actions=actions).dataset[0].bitcode
        subprocess_episode(bitcode, reference, group, source.name)
    return group


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="steps per module and route (default 20)")
    parser.add_argument("--groups", default="examples,mid-size")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    actions = default_actions()
    print(f"passlm/PhaseOrdering-v0 steps/s; {len(actions)} actions, {args.steps} random steps per module, "
          f"seed {args.seed}; {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"{'group':10} {'route':26} {'steps':>6} {'steps/s':>8} {'vs subprocess':>14} {'median ms':>10}"
          f" {'vs subprocess':>14}")
    failed = False
    for name in args.groups.split(","):
        group = run_group(GROUPS[name], actions, args.steps, args.seed)
        for route, totals in group.routes.items():
            base = group.routes["subprocess" if "no skip" in route or route == "subprocess" else "subprocess, skip"]
            print(f"{name:10} {route:26} {totals.steps:6d} {totals.rate():8.2f} {totals.rate() / base.rate():13.2f}x"
                  f" {totals.median_ms():10.1f} {base.median_ms() / totals.median_ms():13.2f}x")
        total = group.routes["subprocess"].steps
        print(f"{name:10} unchanged steps {group.unchanged}/{total} ({group.unchanged / max(total, 1):.0%}), "
              f"episodes ended by an abort {group.aborted}")
        for line in group.mismatches:
            print("MISMATCH", line)
            failed = True
    print("(routes that skip are compared with the subprocess skip route, the others with the plain one;"
          " steps/s = steps / their total time, dominated by the slowest elements; median = a typical step)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
