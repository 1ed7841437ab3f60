"""A Gymnasium environment for LLVM 19 phase ordering (``pip install passlm[gym]``).

Importing ``passlm.gym`` registers ``passlm/PhaseOrdering-v0``:

    import gymnasium as gym
    import passlm.gym  # registers the environment

    env = gym.make("passlm/PhaseOrdering-v0", observation_space="autophase")
    observation, info = env.reset(seed=0, options={"benchmark": "examples/sort.c"})
    observation, reward, terminated, truncated, info = env.step(env.action_space.sample())
    print(info["pipeline"], info["object_size"])

``env`` holds the environment, ``spaces`` the observation and reward spaces,
``features`` the Autophase-like features, ``benchmarks`` the datasets,
``vocabulary`` the actions, ``worker`` the crash-isolated process a module
lives in, ``replay`` the opt | llc route that reproduces an episode's size.
"""
from __future__ import annotations

try:
    import gymnasium
except ImportError as e:  # the optional extra
    raise ImportError("passlm.gym needs gymnasium: pip install 'passlm[gym]'") from e

ENV_ID = "passlm/PhaseOrdering-v0"
#: Episodes a TimeLimit ends (truncated) when no action ends them first.
MAX_EPISODE_STEPS = 50

if ENV_ID not in gymnasium.registry:
    gymnasium.register(id=ENV_ID, entry_point="passlm.gym.env:PhaseOrderingEnv",
                       max_episode_steps=MAX_EPISODE_STEPS)

__all__ = ["ENV_ID", "MAX_EPISODE_STEPS"]
