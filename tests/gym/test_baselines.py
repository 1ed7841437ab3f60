"""Greedy and random search, and the lookahead greedy search stands on."""
from __future__ import annotations

from dataclasses import replace

import pytest

pytest.importorskip("gymnasium")  # passlm.gym needs the [gym] extra

from passlm.defaults import OZ
from passlm.gym import baselines, replay
from passlm.gym.env import PhaseOrderingEnv
from support import EXAMPLES


def test_lookahead_predicts_the_reward_of_each_action_without_taking_it():
    actions = ["function(sroa)", OZ, "trigger-crash-module", "function(simplifycfg)"]
    env = PhaseOrderingEnv(benchmark=EXAMPLES / "rle.c", actions=actions, observation_space="instruction_count")
    env.reset(seed=0)
    env.step(0)
    predicted = env.lookahead(range(4))
    assert predicted[2] is None  # aborted LLVM in the worker; the episode goes on
    for action in (1, 3):
        _, reward, terminated, _, info = env.step(action)
        assert reward == pytest.approx(predicted[action], abs=1e-12) and not terminated
        predicted = env.lookahead([0, 1, 2, 3])
    assert info["pipeline"] == f"function(sroa),{OZ},function(simplifycfg)"
    assert replay.object_size(env.benchmark.bitcode, info["replay_pipeline"]) == info["object_size"]
    env.close()


def test_greedy_search_never_ends_worse_than_oz_and_replays_exactly():
    [result] = baselines.run(str(EXAMPLES / "crc32.c"), "greedy", budget=2)
    assert result.improvement >= 0 and result.steps >= 1
    bitcode = PhaseOrderingEnv(benchmark=EXAMPLES / "crc32.c", actions=[OZ]).dataset[0].bitcode
    assert replay.object_size(bitcode, replay.exact(result.pipeline)) == result.best_object_size
    assert result.improvement == pytest.approx(1 - result.best_object_size / result.oz_object_size)


def test_random_search_repeats_with_its_seed():
    def once(seed):
        return [replace(r, seconds=0) for r in baselines.run(str(EXAMPLES / "bits.c"), "random", budget=15,
                                                            episode_length=5, seed=seed)]
    first = once(1)
    assert once(1) == first and first[0].evaluations == 15


def test_summary_is_a_geometric_mean_over_oz():
    results = [baselines.Result("a", 100, 90, 0.1, "", 1, 1, 0.0), baselines.Result("b", 100, 110, -0.1, "", 1, 1, 0.0)]
    total = baselines.summary(results)
    assert total["geomean"] == pytest.approx(1 - (0.9 * 1.1) ** 0.5)
    assert (total["beat_oz"], total["worse_than_oz"], total["empty"]) == (1, 1, 0)
    assert baselines.summary(results + [baselines.Result("c", 0, 0, 0.0, "", 1, 1, 0.0)])["empty"] == 1


def test_the_baseline_command_prints_json_and_writes_the_output_file(tmp_path, capsys):
    import json

    from passlm.cli import main

    out = tmp_path / "r.json"
    assert main(["gym", "baselines", "--benchmark", str(EXAMPLES / "sort.c"), "--search", "random", "--budget", "3",
                 "--json", "-o", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)  # the rows went to stderr
    assert printed["summary"]["modules"] == 1 and json.loads(out.read_text()) == printed
    assert printed["arguments"]["budget"] == 3 and "func" not in printed["arguments"]


@pytest.mark.parametrize("arguments, status, message", [
    (["--benchmark", "/no/such/dir", "--search", "random", "--budget", "2"], 1, "no such file or folder"),
    (["--benchmark", "examples", "--search", "random", "--budget", "0"], 2, "--budget: must be at least 1"),
    (["--benchmark", "examples", "--search", "random", "--budget", "2", "--limit", "0"], 2, "--limit"),
    (["--benchmark", "examples", "--search", "annealing", "--budget", "2"], 2, "invalid choice"),
])
def test_bad_baseline_arguments_are_one_error_line_and_no_file(arguments, status, message, tmp_path, capsys):
    from passlm.cli import main

    out = tmp_path / "r.json"
    assert main(["gym", "baselines", *arguments, "-o", str(out)]) == status
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()
    assert main(["gym"]) == 2 and "baselines" in capsys.readouterr().err


def test_the_prior_plays_the_engine_s_candidates_element_by_element(tmp_path):
    pool = tmp_path / "pool.json"
    from passlm.engine.coreset import Coreset

    first, second = "function(sroa),function(instcombine<no-verify-fixpoint>)", "function(sroa),default<Oz>"
    Coreset((first, second)).save(pool)
    [one] = baselines.run(str(EXAMPLES / "crc32.c"), "prior", budget=2, engine_spec=f"coreset:{pool}")
    assert one.steps == 2 and one.pipeline in ("function(sroa)", first)  # the first candidate's best prefix
    [both] = baselines.run(str(EXAMPLES / "crc32.c"), "prior", budget=4, engine_spec=f"coreset:{pool}")
    assert both.steps == 4 and both.improvement >= one.improvement  # 4 steps: the second candidate played too
    bitcode = PhaseOrderingEnv(benchmark=EXAMPLES / "crc32.c", actions=[OZ]).dataset[0].bitcode
    assert replay.object_size(bitcode, replay.exact(both.pipeline)) == both.best_object_size
    Coreset(("function(no-such-pass)",)).save(pool)
    with pytest.raises(ValueError, match="not an action"):
        baselines.run(str(EXAMPLES / "crc32.c"), "prior", budget=2, engine_spec=f"coreset:{pool}")
