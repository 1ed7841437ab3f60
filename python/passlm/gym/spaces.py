"""Observation and reward spaces, chosen by name when the environment is made.

Observations (``observation_space=``):

- ``autophase``: 56 counts, ``features.AUTOPHASE`` (each one defined there);
- ``opcodes``: instructions per opcode, ``features.OPCODES`` order (65);
- ``instruction_count``: one number, ``Module.instruction_count`` (no IR
  printing: the cheapest);
- ``ir``: the normalized IR text the model reads (``passlm.model.normalize``);
- ``ir_raw``: the textual IR as ``opt -S`` prints it;
- ``embedding``: the model's vector for the module (``embedding``; needs the
  model, loaded when the environment is made).

Any of them can also be read once, at any step, with
``env.unwrapped.observe(name)``.

Rewards (``reward_space=``): ``object_size`` (bytes of text + data of the
object clang -Oz's backend makes) or ``instructions``. With s_t the
measure after step t and s_Oz the measure of the benchmark under -Oz,
r_t = (s_{t-1} - s_t) / s_Oz with s_0 = s_Oz, so an episode's return is
exactly 1 - s_T / s_Oz, its improvement over -Oz.
"""
from __future__ import annotations

import string

import numpy as np
from gymnasium import spaces

from .features import AUTOPHASE_NAMES, OPCODES

REWARDS = ("object_size", "instructions")
_COUNT_MAX = np.iinfo(np.int64).max
#: Every character textual IR is printed with (LLVM escapes the rest as \\XX).
IR_CHARSET = frozenset(string.printable)
IR_MAX_LENGTH = 1 << 24  # 16 M characters: 25 times the largest Lua module


def _counts(n: int) -> spaces.Box:
    return spaces.Box(low=0, high=_COUNT_MAX, shape=(n,), dtype=np.int64)


OBSERVATIONS = {
    "autophase": lambda: _counts(len(AUTOPHASE_NAMES)),
    "opcodes": lambda: _counts(len(OPCODES)),
    "instruction_count": lambda: _counts(1),
    "ir": lambda: spaces.Text(max_length=IR_MAX_LENGTH, min_length=0, charset=IR_CHARSET),
    "ir_raw": lambda: spaces.Text(max_length=IR_MAX_LENGTH, min_length=0, charset=IR_CHARSET),
}


def observation_space(name: str) -> spaces.Space:
    if name not in OBSERVATIONS:
        raise ValueError(f"unknown observation space '{name}' (one of {', '.join(OBSERVATIONS)})")
    return OBSERVATIONS[name]()


def to_observation(name: str, value):
    """The worker's plain value as an element of ``observation_space(name)``."""
    if isinstance(value, str):
        return value
    return np.asarray(value, dtype=np.int64)


def check_reward(name: str) -> str:
    if name not in REWARDS:
        raise ValueError(f"unknown reward space '{name}' (one of {', '.join(REWARDS)})")
    return name
