"""PhaseOrderingEnv: Gymnasium's checker, exact replay with opt and llc,
aborting actions, seeds, and the end action."""
from __future__ import annotations

import math

import numpy as np
import pytest

gym = pytest.importorskip("gymnasium")  # passlm.gym needs the [gym] extra
from gymnasium.utils.env_checker import check_env  # noqa: E402

import passlm  # noqa: E402
import passlm.gym  # noqa: F401  registers the environment
from passlm.defaults import OZ
from passlm.gym import ENV_ID, replay
from passlm.gym.benchmarks import default_dataset
from passlm.gym.env import PhaseOrderingEnv
from support import EXAMPLE_SOURCES, EXAMPLES


def make(**kwargs) -> gym.Env:
    return gym.make(ENV_ID, **kwargs)


@pytest.mark.parametrize("observation", ["autophase", "opcodes", "instruction_count", "ir", "embedding"])
def test_check_env_passes(observation):
    env = PhaseOrderingEnv(benchmark=EXAMPLES / "crc32.c", observation_space=observation)
    try:
        check_env(env, skip_render_check=True)
    finally:
        env.close()


@pytest.mark.parametrize("source", EXAMPLE_SOURCES[::3], ids=lambda p: p.stem)
def test_replaying_the_pipeline_with_opt_reproduces_size_and_return(source):
    env = make(benchmark=source)
    env.action_space.seed(7)
    _, info = env.reset(seed=7)
    bitcode = env.unwrapped.benchmark.bitcode
    assert replay.object_size(bitcode, "") == info["object_size"]
    assert replay.object_size(bitcode, OZ) == info["oz_object_size"]
    rewards = []
    for _ in range(15):
        _, reward, terminated, truncated, info = env.step(env.action_space.sample())
        rewards.append(reward)
        if terminated or truncated:
            break
    env.close()
    assert info["pipeline"], "the episode applied nothing"
    assert info["replay_pipeline"] == replay.exact(info["pipeline"])
    size = replay.object_size(bitcode, info["replay_pipeline"])
    assert size == info["object_size"]
    if "error" not in info:
        assert math.isclose(sum(rewards), 1 - size / info["oz_object_size"], abs_tol=1e-12)


def test_an_aborting_action_ends_the_episode_not_the_process():
    env = make(benchmark=EXAMPLES / "sort.c", actions=["function(sroa)", "trigger-crash-module"],
               observation_space="instruction_count", abort_penalty=-2.5)
    env.reset(seed=0)
    _, _, _, _, before = env.step(0)
    observation, reward, terminated, truncated, info = env.step(1)
    assert (reward, terminated, truncated) == (-2.5, True, False)
    assert "LLVM aborted (signal SIGABRT)" in info["error"] and info["aborted_element"] == "trigger-crash-module"
    assert info["pipeline"] == "function(sroa)" and observation[0] == before["instructions"]
    with pytest.raises(RuntimeError, match="reset"):
        env.unwrapped.step(0)
    _, info = env.reset()  # a new worker
    _, reward, terminated, _, info = env.step(0)
    assert not terminated and info["pipeline"] == "function(sroa)" and info["object_size"] == before["object_size"]
    env.close()


def test_a_verifier_failure_ends_the_episode_with_its_message():
    env = make(benchmark=EXAMPLES / "sort.c", actions=["trigger-verifier-error"],
               observation_space="instruction_count")
    env.reset(seed=0)
    _, reward, terminated, _, info = env.step(0)
    assert (reward, terminated) == (-1.0, True) and info["error"].startswith("VerifierError")
    env.close()


def episode(seed: int, steps: int = 8, **kwargs) -> list:
    env = make(benchmark=default_dataset(), **kwargs)
    env.action_space.seed(seed)
    observation, info = env.reset(seed=seed)
    trace = [(info["benchmark"], observation.tolist())]
    for _ in range(steps):
        observation, reward, terminated, _, info = env.step(env.action_space.sample())
        trace.append((reward, observation.tolist(), info["pipeline"], info["object_size"]))
        if terminated:
            break
    env.close()
    return trace


def test_seeds_reproduce_episodes():
    first = episode(3)
    assert episode(3) == first
    others = [episode(seed) for seed in (4, 5)]
    assert any(other != first for other in others)


def test_skipping_codegen_for_unchanged_ir_changes_no_figure():
    assert episode(11, skip_unchanged=False) == episode(11)


def test_the_end_action_and_the_instruction_reward():
    env = make(benchmark=EXAMPLES / "bits.c", end_action=True, reward_space="instructions",
               actions=["function(sroa)", OZ])
    assert env.unwrapped.actions[-1] == "end" and env.action_space.n == 3
    _, info = env.reset(seed=0)
    assert info["object_size"] is None  # no codegen for an instruction reward
    total = 0.0
    for action in (0, 1):
        _, reward, _, _, info = env.step(action)
        total += reward
    assert info["instructions"] == info["oz_instructions"] and math.isclose(total, 0.0, abs_tol=1e-12)
    _, reward, terminated, _, _ = env.step(2)
    assert (reward, terminated) == (0.0, True)
    env.close()


def test_reset_options_choose_the_benchmark_and_observe_reads_any_observation():
    env = make(observation_space="instruction_count")
    _, info = env.reset(seed=0, options={"benchmark": str(EXAMPLES / "hash.c")})
    assert info["benchmark"].endswith("hash.c")
    text = env.unwrapped.observe("ir")
    assert text.count("\ndefine ") >= 1 and env.unwrapped.observe("autophase").shape == (56,)
    assert len(env.unwrapped.bitcode()) > 0
    with pytest.raises(ValueError, match="unknown observation"):
        env.unwrapped.observe("nothing")
    env.close()


def test_the_vector_environment_of_two():
    envs = gym.vector.AsyncVectorEnv([lambda: make(benchmark=EXAMPLES / "crc32.c"),
                                      lambda: make(benchmark=EXAMPLES / "sieve.c")])
    try:
        envs.action_space.seed(0)
        observations, infos = envs.reset(seed=0)
        assert observations.shape == (2, 56)
        for _ in range(3):
            observations, rewards, terminated, truncated, infos = envs.step(envs.action_space.sample())
        assert observations.shape == (2, 56) and np.all(np.isfinite(rewards))
        assert infos["benchmark"][0].endswith("crc32.c") and infos["benchmark"][1].endswith("sieve.c")
        assert all(isinstance(p, str) for p in infos["pipeline"])
    finally:
        envs.close()


def test_an_empty_module_scores_zero_not_a_division_by_zero(tmp_path):
    source = tmp_path / "empty.ll"
    source.write_text("declare i32 @f()\n")
    env = make(benchmark=source, actions=["function(sroa)"])
    _, info = env.reset(seed=0)
    assert (info["oz_object_size"], info["object_size"], info["improvement"]) == (0, 0, 0.0)
    _, reward, _, _, info = env.step(0)
    assert (reward, info["improvement"]) == (0.0, 0.0)
    env.close()


def test_the_model_embedding_observation():
    env = make(benchmark=EXAMPLES / "crc32.c", observation_space="embedding", actions=["function(sroa)", OZ])
    first, _ = env.reset(seed=0)
    assert first.shape == (256,) and first.dtype == np.float32 and env.observation_space.contains(first)
    after, _, _, _, _ = env.step(0)
    assert np.all(np.isfinite(after)) and not np.array_equal(after, first)
    again, _ = env.reset(seed=0)
    assert np.array_equal(again, first)
    np.testing.assert_array_equal(env.unwrapped.observe("embedding"), first)
    env.close()


def test_the_replay_pipeline_separates_steps_with_invalidate_all():
    assert replay.exact("function(sroa),cgscc(inline),default<Oz>") == \
        "function(sroa),invalidate<all>,cgscc(inline),invalidate<all>,default<Oz>"
    assert replay.exact("globaldce") == "globaldce" and replay.exact("") == ""


def test_steps_are_one_run_of_the_replay_pipeline_not_of_the_plain_one():
    # One opt run of the plain pipeline lets attributor-light reuse analyses the
    # vectorizer left cached: different call attributes (same size here; on 3
    # of 440 held-out modules a different size).
    actions = ["function(sroa)", "function(load-store-vectorizer)", "attributor-light"]
    env = make(benchmark=EXAMPLES / "matrix.c", actions=actions, observation_space="instruction_count")
    env.reset(seed=0)
    for action in range(3):
        _, _, _, _, info = env.step(action)
    stepped = passlm.Module.from_string(env.unwrapped.bitcode()).hash
    bitcode = env.unwrapped.benchmark.bitcode
    env.close()

    def one_run(pipeline):
        module = passlm.Module.from_string(bitcode)
        module.run(pipeline)
        return module.hash

    assert one_run(info["replay_pipeline"]) == stepped
    assert one_run(info["pipeline"]) != stepped
