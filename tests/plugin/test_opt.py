"""The plugin inside opt: -passes=passlm, its parameters, the guard, failures."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from support import berkeley_size, run, warning_lines

SHORT_LISTS = "fixed:mem2reg,gvn,dse,function(loop-mssa(licm)),simplifycfg|module(sroa,inline,globaldce)|default<Oz>"
PRINT_LINE = re.compile(r"^passlm: (?P<file>\S+): '(?P<pipeline>.*)' (?P<size>\d+) bytes, -Oz (?P<oz>\d+) bytes")


def opt_passlm(tools, plugin, bc, out, passes="passlm", env=None, check=True):
    return run([tools["opt"], f"-load-pass-plugin={plugin}", f"-passes={passes}", bc, "-o", out], env, check=check)


def codegen_size(tools, bc, tmp_path) -> int:
    obj = tmp_path / (bc.stem + ".o")
    run([tools["llc"], "-O2", "-relocation-model=pic", "-filetype=obj", bc, "-o", obj])
    return berkeley_size(tools["llvm-size"], obj)


def test_default_engine_keeps_one_of_its_candidates_never_larger_than_oz(tools, plugin, oz_ir, tmp_path):
    """No PASSLM_ENGINE: the shipped coreset's first 4 pipelines are tried and the smallest (or -Oz) kept."""
    from passlm.engine import make_engine

    bc = oz_ir["sort"]
    result = opt_passlm(tools, plugin, bc, tmp_path / "p.bc", "passlm<print>")
    printed = PRINT_LINE.search("\n".join(result.stderr.splitlines()))
    assert printed and not warning_lines(result.stderr), result.stderr
    proposed = [c.pipeline for c in make_engine("coreset:default").predict("", 4)]
    assert printed["pipeline"] in proposed + ["default<Oz>"]
    run([tools["opt"], "-relocation-model=pic", "-passes=default<Oz>", bc, "-o", tmp_path / "oz.bc"])
    oz = codegen_size(tools, tmp_path / "oz.bc", tmp_path)
    assert codegen_size(tools, tmp_path / "p.bc", tmp_path) == int(printed["size"]) <= oz == int(printed["oz"])


@pytest.mark.parametrize("name", ["sort", "interp", "hash", "statemachine", "bigint", "matrix"])
def test_guard_never_larger_than_oz_and_print_is_true(tools, plugin, oz_ir, tmp_path, name):
    out = tmp_path / "p.bc"
    result = opt_passlm(tools, plugin, oz_ir[name], out, "passlm<print>", {"PASSLM_ENGINE": SHORT_LISTS})
    lines = [PRINT_LINE.match(l) for l in result.stderr.splitlines()]
    lines = [m for m in lines if m]
    assert len(lines) == 1, result.stderr
    chosen, oz = int(lines[0]["size"]), int(lines[0]["oz"])
    assert chosen <= oz
    assert codegen_size(tools, out, tmp_path) == chosen  # the printed size is the real one
    assert not warning_lines(result.stderr)


def test_parameters_override_environment(tools, plugin, oz_ir, tmp_path):
    pipeline = "mem2reg,gvn,dse,function(loop-mssa(licm)),simplifycfg"
    result = opt_passlm(
        tools, plugin, oz_ir["sort"], tmp_path / "p.bc",
        "passlm<guard=0;k=1;print>", {"PASSLM_ENGINE": f"fixed:{pipeline}|default<Oz>", "PASSLM_GUARD": "1"},
    )
    assert f"'{pipeline}'" in result.stderr
    run([tools["opt"], "-relocation-model=pic", f"-passes={pipeline}", oz_ir["sort"], "-o", tmp_path / "ref.bc"])
    assert codegen_size(tools, tmp_path / "p.bc", tmp_path) == codegen_size(tools, tmp_path / "ref.bc", tmp_path)


def test_engine_parameter_with_brackets(tools, plugin, oz_ir, tmp_path):
    result = opt_passlm(tools, plugin, oz_ir["bits"], tmp_path / "p.bc", "passlm<engine=fixed:default<Oz>;print>")
    assert "'default<Oz>'" in result.stderr


def test_bad_parameter_is_an_error(tools, plugin, oz_ir, tmp_path):
    result = opt_passlm(tools, plugin, oz_ir["bits"], tmp_path / "p.bc", "passlm<k=zero>", check=False)
    assert result.returncode != 0
    assert "invalid value 'zero' for k" in result.stderr


def test_bad_environment_value_is_one_warning_line_each(tools, plugin, oz_ir, tmp_path):
    env = {"PASSLM_K": "zero", "PASSLM_GUARD": "maybe"}
    result = opt_passlm(tools, plugin, oz_ir["bits"], tmp_path / "p.bc", env=env)
    assert warning_lines(result.stderr) == [
        "passlm: warning: invalid value 'zero' for k (expected an integer >= 1) (from PASSLM_K)",
        "passlm: warning: invalid value 'maybe' for guard (expected 1 or 0) (from PASSLM_GUARD)"]


def test_unknown_candidate_pass_is_dropped_with_a_warning(tools, plugin, oz_ir, tmp_path):
    env = {"PASSLM_ENGINE": "fixed:no-such-pass|default<Oz>"}
    result = opt_passlm(tools, plugin, oz_ir["crc32"], tmp_path / "p.bc", env=env)
    (warning,) = warning_lines(result.stderr)
    assert warning.endswith("crc32.c: dropped candidate 'no-such-pass': unknown pass name 'no-such-pass'")


def bare_venv_python(tmp_path_factory) -> str:
    venv = tmp_path_factory.mktemp("barevenv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return str(venv / "bin" / "python")


# (environment, words the single warning must contain)
FAILURES = {
    # Python is needed only without a server's answer (a server the session
    # started would answer the default engine without it): in-process.
    "no-python": ({"PASSLM_PYTHON": "/nonexistent/python3", "PASSLM_SERVER": "off"}, "libpython"),
    "bad-engine-spec": ({"PASSLM_ENGINE": "nonsense"}, "has no ':'"),
    "unknown-engine": ({"PASSLM_ENGINE": "magic:x"}, "unknown engine 'magic'"),
    "exception": ({"PASSLM_ENGINE": "python:{engines}:raises"}, "RuntimeError: engine exploded"),
    "timeout": ({"PASSLM_ENGINE": "python:{engines}:sleeps", "PASSLM_TIMEOUT_MS": "1000"}, "did not answer within 1000 ms"),
    "empty": ({"PASSLM_ENGINE": "python:{engines}:empty"}, "returned no candidates"),
    "garbage": ({"PASSLM_ENGINE": "python:{engines}:garbage"}, "no candidate of engine python:"),
    "wrong-type": ({"PASSLM_ENGINE": "python:{engines}:wrong_type"}, "TypeError"),
    "crashes-llvm": ({"PASSLM_ENGINE": "python:{engines}:crashes_llvm", "PASSLM_GUARD": "0"}, "LICM requires MemorySSA"),
}


@pytest.fixture(scope="session")
def import_error_env(tmp_path_factory):
    return {"PASSLM_PYTHON": bare_venv_python(tmp_path_factory), "PASSLM_SERVER": "off"}


def failure_env(case, engine_file, import_error_env):
    if case == "import-error":
        return import_error_env, "No module named 'passlm'"
    env, words = FAILURES[case]
    return {k: v.format(engines=engine_file) for k, v in env.items()}, words


CASES = sorted(FAILURES) + ["import-error"]


@pytest.mark.parametrize("case", CASES)
def test_failure_falls_back_to_oz_with_one_warning(tools, plugin, oz_ir, tmp_path, engine_file, import_error_env, case):
    env, words = failure_env(case, engine_file, import_error_env)
    out = tmp_path / "p.bc"
    result = opt_passlm(tools, plugin, oz_ir["sieve"], out, env=env)
    warnings = warning_lines(result.stderr)
    assert len(warnings) == 1, result.stderr
    assert words in warnings[0] and warnings[0].endswith("; using default<Oz>"), result.stderr
    run([tools["opt"], "-relocation-model=pic", "-passes=default<Oz>", oz_ir["sieve"], "-o", tmp_path / "oz.bc"])
    assert codegen_size(tools, out, tmp_path) == codegen_size(tools, tmp_path / "oz.bc", tmp_path)


@pytest.mark.parametrize("case", CASES)
def test_strict_mode_fails(tools, plugin, oz_ir, tmp_path, engine_file, import_error_env, case):
    env, words = failure_env(case, engine_file, import_error_env)
    env["PASSLM_STRICT"] = "1"
    result = opt_passlm(tools, plugin, oz_ir["sieve"], tmp_path / "p.bc", env=env, check=False)
    assert result.returncode != 0
    assert words in result.stderr


def test_engine_receives_ir_and_facts(tools, plugin, oz_ir, tmp_path, engine_file):
    env = {"PASSLM_ENGINE": f"python:{engine_file}:facts_echo", "PASSLM_STRICT": "1"}
    opt_passlm(tools, plugin, oz_ir["hash"], tmp_path / "p.bc", env=env)


def test_table_engine_replays_by_module_hash(tools, plugin, oz_ir, tmp_path):
    import passlm
    from passlm.engine.table import write_table

    pipeline = "mem2reg,gvn,dse,function(loop-mssa(licm)),simplifycfg"
    key = passlm.Module.from_file(str(oz_ir["rle"])).hash
    table = tmp_path / "tuned.json"
    write_table(table, {key: [pipeline]})
    env = {"PASSLM_ENGINE": f"table:{table}", "PASSLM_GUARD": "0", "PASSLM_PRINT": "1"}
    result = opt_passlm(tools, plugin, oz_ir["rle"], tmp_path / "p.bc", env=env)
    assert f"'{pipeline}'" in result.stderr
    # a module not in the table: -Oz and one warning that says so
    result = opt_passlm(tools, plugin, oz_ir["bits"], tmp_path / "q.bc", env=env)
    assert len(warning_lines(result.stderr)) == 1 and "no candidates" in result.stderr
