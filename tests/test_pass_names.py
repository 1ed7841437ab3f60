"""The pass names the linked LLVM knows (passlm.pass_names): levels, and that each parses and runs."""
from __future__ import annotations

import pytest

import passlm
from passlm import Module

WRAP = {
    "module": "module({})",
    "cgscc": "cgscc({})",
    "function": "function({})",
    "loop": "function(loop({}))",
}


def test_pass_names_levels():
    names = passlm.pass_names()
    assert set(names) == {"module", "cgscc", "function", "loop"}
    assert "instcombine" in names["function"]
    assert "globaldce" in names["module"]
    assert "licm" in names["loop"]
    assert "inline" in names["cgscc"]
    assert "instcombine" not in names["module"]
    assert "globaldce" not in names["function"]
    for level, listed in names.items():
        assert listed == sorted(set(listed)), level


@pytest.mark.parametrize("level", sorted(WRAP))
def test_every_pass_name_parses_at_its_level(level):
    """What pass_names() offers at a level is a pipeline element there."""
    rejected = {}
    for name in passlm.pass_names()[level]:
        try:
            passlm.check_pipeline(WRAP[level].format(name))
        except passlm.PipelineError as e:
            rejected[name] = e.message
    assert not rejected, rejected


def test_sample_of_names_runs_at_module_level(example_bcs):
    """A sample of module-level names round-trips: parses, runs, keeps a valid module."""
    names = passlm.pass_names()["module"]
    sample = [n for n in ("globaldce", "globalopt", "ipsccp", "deadargelim", "constmerge",
                          "strip-dead-prototypes", "elim-avail-extern") if n in names]
    assert len(sample) >= 5
    module = Module.from_file(str(example_bcs["hash"]))
    for name in sample:
        passlm.check_pipeline(name)
        passlm.check_pipeline(f"module({name})")
        copy = module.clone()
        copy.run(f"module({name})")
        copy.verify()
