"""The plugin's opt-in search after the guard (passlm<search=N>, PASSLM_SEARCH=N),
driven through opt as a user would, and against passlm.pipelines.hillclimb."""
from __future__ import annotations

import re

import pytest

import passlm
from passlm.pipelines.hillclimb import search_around
from support import run, warning_lines

CANDIDATES = ["function(instcombine<no-verify-fixpoint>),default<Oz>", "default<O1>",
              "function(sroa),globalopt,default<Oz>"]
ENGINE = {"PASSLM_ENGINE": "fixed:" + "|".join(CANDIDATES)}
PRINT_LINE = re.compile(r"^passlm: \S+: '(?P<pipeline>.*)' (?P<size>\d+) bytes, -Oz (?P<oz>\d+) bytes", re.M)
DEBUG_LINE = re.compile(r"^passlm: debug: .* trials=(?P<trials>\d+) .*$", re.M)
SEARCH = re.compile(r" search=(?P<ran>\d+)/(?P<asked>\d+) (?P<outcome>won|lost)")


def opt(tools, plugin, bc, out, passes, env=None, check=True):
    return run([tools["opt"], f"-load-pass-plugin={plugin}", f"-passes={passes}", bc, "-o", out],
               {**ENGINE, **(env or {})}, check=check)


def chosen(stderr: str) -> tuple[str, int, int]:
    (m,) = PRINT_LINE.finditer(stderr)
    return m["pipeline"], int(m["size"]), int(m["oz"])


@pytest.mark.parametrize("name", ["strings", "interp", "sort"])
def test_search_runs_n_trials_and_never_keeps_larger(tools, plugin, oz_ir, tmp_path, name):
    plain = opt(tools, plugin, oz_ir[name], tmp_path / "plain.bc", "passlm<k=3;print;debug>")
    searched = opt(tools, plugin, oz_ir[name], tmp_path / "s.bc", "passlm<k=3;print;debug;search=8>")
    assert not warning_lines(searched.stderr), searched.stderr
    (debug,) = DEBUG_LINE.finditer(searched.stderr)
    s = SEARCH.search(debug.group(0))
    assert s and (s["ran"], s["asked"]) == ("8", "8"), debug.group(0)
    assert int(debug["trials"]) == 4 + 8  # -Oz, three candidates, eight mutations
    guard_pipeline, guard_size, oz = chosen(plain.stderr)
    pipeline, size, oz_again = chosen(searched.stderr)
    assert oz_again == oz and size <= guard_size <= oz
    assert (s["outcome"] == "won") == (size < guard_size)
    if s["outcome"] == "lost":
        assert pipeline == guard_pipeline


def test_search_is_deterministic(tools, plugin, oz_ir, tmp_path):
    runs = [opt(tools, plugin, oz_ir["strings"], tmp_path / f"{i}.bc", "passlm<k=3;print;search=8>")
            for i in range(2)]
    assert runs[0].stderr == runs[1].stderr
    assert (tmp_path / "0.bc").read_bytes() == (tmp_path / "1.bc").read_bytes()


def test_the_plugin_keeps_what_eval_computes(tools, plugin, oz_ir, tmp_path):
    """The same generator, seed and measurement: search_around gives the plugin's choice."""
    result = opt(tools, plugin, oz_ir["strings"], tmp_path / "p.bc", "passlm<k=3;print;search=8>")
    pipeline, size, _ = chosen(result.stderr)
    expected = search_around(passlm.Module.from_file(str(oz_ir["strings"])), CANDIDATES, 8)
    assert (pipeline, size) == (expected.best, expected.object_size)


def test_search_zero_changes_nothing(tools, plugin, oz_ir, tmp_path):
    default = opt(tools, plugin, oz_ir["strings"], tmp_path / "d.bc", "passlm<k=3;print;debug>")
    zero = opt(tools, plugin, oz_ir["strings"], tmp_path / "z.bc", "passlm<k=3;print;debug>",
               {"PASSLM_SEARCH": "0"})
    untimed = [re.sub(r" (engine|guard|final)_ms=[\d.]+", "", r.stderr) for r in (default, zero)]
    assert untimed[0] == untimed[1] and " search=" not in zero.stderr
    assert (tmp_path / "d.bc").read_bytes() == (tmp_path / "z.bc").read_bytes()


def test_environment_sets_the_search_and_parameters_override_it(tools, plugin, oz_ir, tmp_path):
    by_env = opt(tools, plugin, oz_ir["strings"], tmp_path / "e.bc", "passlm<k=3;debug>", {"PASSLM_SEARCH": "3"})
    assert " search=3/3 " in by_env.stderr
    overridden = opt(tools, plugin, oz_ir["strings"], tmp_path / "o.bc", "passlm<k=3;debug;search=0>",
                     {"PASSLM_SEARCH": "3"})
    assert " search=" not in overridden.stderr


@pytest.mark.parametrize("value", ["x", "-1", "2.5"])
def test_a_bad_value_is_an_error(tools, plugin, oz_ir, tmp_path, value):
    result = opt(tools, plugin, oz_ir["bits"], tmp_path / "p.bc", f"passlm<search={value}>", check=False)
    assert result.returncode != 0
    assert f"passlm: error: invalid value '{value}' for search (expected an integer >= 0)" in result.stderr


def test_a_bad_environment_value_is_one_warning(tools, plugin, oz_ir, tmp_path):
    result = opt(tools, plugin, oz_ir["bits"], tmp_path / "p.bc", "passlm<k=3;debug>", {"PASSLM_SEARCH": "lots"})
    assert warning_lines(result.stderr) == [
        "passlm: warning: invalid value 'lots' for search (expected an integer >= 0) (from PASSLM_SEARCH)"]
    assert " search=" not in result.stderr


def test_without_the_guard_one_warning_and_no_search(tools, plugin, oz_ir, tmp_path):
    result = opt(tools, plugin, oz_ir["strings"], tmp_path / "p.bc", "passlm<k=3;guard=0;debug;search=8>")
    assert warning_lines(result.stderr) == [
        "passlm: warning: search=8 needs the guard (guard=1) to measure its trials; not searching"]
    (debug,) = DEBUG_LINE.finditer(result.stderr)
    assert " search=" not in debug.group(0) and debug["trials"] == "1"  # the first candidate only
