"""The guard's work, done once: each distinct optimized module is compiled
once (a candidate that makes -Oz's module, or an earlier candidate's, skips
codegen), the -Oz trial runs while the engine is awaited, and with
PASSLM_ADOPT=1 the winner's optimized module is adopted instead of running its
pipeline again. Objects are those of running the pipeline again."""
from __future__ import annotations

import re

import pytest

from support import EXAMPLE_SOURCES, berkeley_size, run, warning_lines

PRINT_LINE = re.compile(r"^passlm: \S+: '(?P<pipeline>.*)' (?P<size>\d+) bytes, -Oz (?P<oz>\d+) bytes", re.M)
# Two candidates that make -Oz's module, two that make mem2reg's: 2 codegens for 4 trials.
SAME_MODULES = "fixed:default<Oz>,verify|mem2reg|mem2reg,verify|default<Oz>"
SHORT_LISTS = "fixed:mem2reg,gvn,dse,function(loop-mssa(licm)),simplifycfg|module(sroa,inline,globaldce)|default<Oz>"


def opt_passlm(tools, plugin, bc, out, env):
    return run([tools["opt"], f"-load-pass-plugin={plugin}", "-passes=passlm", bc, "-o", out], env)


def codegen_size(tools, bc, tmp_path) -> int:
    obj = tmp_path / (bc.stem + ".o")
    run([tools["llc"], "-O2", "-relocation-model=pic", "-filetype=obj", bc, "-o", obj])
    return berkeley_size(tools["llvm-size"], obj)


@pytest.mark.parametrize("name", ["sort", "crc32"])
def test_each_distinct_optimized_module_is_compiled_once(tools, plugin, oz_ir, tmp_path, debug_line, name):
    env = {"PASSLM_ENGINE": SAME_MODULES, "PASSLM_PRINT": "1", "PASSLM_DEBUG": "1"}
    result = opt_passlm(tools, plugin, oz_ir[name], tmp_path / "p.bc", env)
    info = debug_line(result.stderr)
    assert (info["trials"], info["codegens"], info["reused"]) == ("4", "2", "2"), result.stderr
    assert not warning_lines(result.stderr)
    printed = PRINT_LINE.search(result.stderr)
    assert int(printed["size"]) <= int(printed["oz"])
    assert codegen_size(tools, tmp_path / "p.bc", tmp_path) == int(printed["size"])  # a reused size is the real one


def test_distinct_modules_are_all_compiled(tools, plugin, oz_ir, tmp_path, debug_line):
    env = {"PASSLM_ENGINE": SHORT_LISTS, "PASSLM_PRINT": "1", "PASSLM_DEBUG": "1"}
    info = debug_line(opt_passlm(tools, plugin, oz_ir["sort"], tmp_path / "p.bc", env).stderr)
    # -Oz, then two candidates that make other modules; the third is -Oz by name.
    assert (info["trials"], info["codegens"], info["reused"]) == ("3", "3", "0")


# -flto: the "object" is the optimized module's bitcode, type names and all.
@pytest.mark.parametrize("flags", [[], ["-g"], ["-flto=thin"]], ids=["plain", "debug-info", "thin-lto"])
@pytest.mark.parametrize("src", EXAMPLE_SOURCES, ids=lambda p: p.stem)
def test_adopting_the_winners_module_gives_the_same_object(compile_c, debug_line, tmp_path, src, flags):
    env = {"PASSLM_ENGINE": SHORT_LISTS, "PASSLM_DEBUG": "1", "PASSLM_PRINT": "1"}
    objects = {}
    for adopt in ("1", "0"):
        out = tmp_path / f"{adopt}.o"
        result = compile_c(src, out, env, {"PASSLM_ADOPT": adopt}, flags)
        adopted = debug_line(result.stderr)["adopted"]
        # Adopted, or said why not (its bitcode did not read back exactly) and ran the pipeline.
        assert adopted == "yes" or (adopt == "1" and "not adopted: " in result.stderr) or adopt == "0", result.stderr
        if adopt == "0":
            assert adopted == "no"
        objects[adopt] = out.read_bytes()
    assert objects["1"] == objects["0"]


def test_most_modules_are_adopted(compile_c, debug_line, tmp_path):
    """Adoption is exact by check (the adopted module writes the trial's very
    bitcode); of the examples, only interp.c's module does not read back
    exactly (a use-list order the reader cannot restore), and falls back."""
    env = {"PASSLM_ENGINE": SHORT_LISTS, "PASSLM_DEBUG": "1", "PASSLM_ADOPT": "1"}
    adopted = {src.stem: debug_line(compile_c(src, tmp_path / f"{src.stem}.o", env).stderr)["adopted"]
               for src in EXAMPLE_SOURCES}
    assert [name for name, said in adopted.items() if said != "yes"] in ([], ["interp"])


def test_the_oz_trial_overlaps_the_engine(compile_c, debug_line, tmp_path):
    """Through the bridge the -Oz trial starts before the engine is asked."""
    env = {"PASSLM_ENGINE": SHORT_LISTS, "PASSLM_DEBUG": "1"}
    info = debug_line(compile_c(EXAMPLE_SOURCES[0], tmp_path / "o.o", env).stderr)
    assert info["baseline"] == "early" and info["adopted"] == "no"  # adoption is opt-in (PASSLM_ADOPT=1)
