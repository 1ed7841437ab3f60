"""The plugin's trials (a forked copy of the compiler per candidate) and
passlm._core measure with the same passlm::evaluate: the same figures, and a
result that fails the verifier is refused with the verifier's message."""
from __future__ import annotations

import re

import pytest

import passlm
from passlm.defaults import OZ
from support import EXAMPLE_SOURCES, run

PRINT_LINE = re.compile(r"^passlm: \S+: '(?P<pipeline>.*)' (?P<size>\d+) bytes, -Oz (?P<oz>\d+) bytes", re.M)
PIPELINES = ["mem2reg,gvn,dse,function(loop-mssa(licm)),simplifycfg", "module(sroa,inline,globaldce)"]

# Parses, but %x does not dominate its use: only the verifier objects.
UNVERIFIABLE_IR = """\
define i32 @f(i1 %c) {
entry:
  br i1 %c, label %a, label %b
a:
  %x = add i32 1, 2
  br label %b
b:
  ret i32 %x
}
"""


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLE_SOURCES])
def test_trial_sizes_equal_core_evaluate(tools, plugin, oz_ir, name):
    """Guard off and print on, the plugin reports the sizes its children
    measured for the one candidate and for -Oz."""
    module = passlm.Module.from_file(str(oz_ir[name]))
    for pipeline in PIPELINES:
        result = run([tools["opt"], f"-load-pass-plugin={plugin}", "-passes=passlm<guard=0;k=1;print>",
                      oz_ir[name], "-o", "/dev/null"], {"PASSLM_ENGINE": f"fixed:{pipeline}"})
        printed = PRINT_LINE.search(result.stderr)
        assert printed, result.stderr
        assert (printed["pipeline"], int(printed["size"]), int(printed["oz"])) == \
            (pipeline, module.evaluate(pipeline)[1], module.evaluate(OZ)[1])


def test_a_trial_whose_result_fails_the_verifier_is_dropped(tools, plugin, tmp_path):
    """Not measuring (guard off, no print) still verifies: the candidate is
    refused with the verifier's message (strict: an error, before anything
    runs on the broken module in the compiler itself)."""
    broken = tmp_path / "broken.ll"
    broken.write_text(UNVERIFIABLE_IR)
    result = run([tools["opt"], "-disable-verify", f"-load-pass-plugin={plugin}", "-passes=passlm<guard=0;strict>",
                  broken, "-o", "/dev/null"], {"PASSLM_ENGINE": "fixed:function(no-op-function)"}, check=False)
    assert result.returncode != 0
    assert "'function(no-op-function)': the result fails the verifier: " in result.stderr, result.stderr
    assert "dominate" in result.stderr
