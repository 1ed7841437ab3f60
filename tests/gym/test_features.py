"""The Autophase-like features and opcode counts, on a function whose every
count is known, and against Module.instruction_count on the examples."""
from __future__ import annotations

import pytest

pytest.importorskip("gymnasium")  # passlm.gym needs the [gym] extra

import passlm
from passlm.compile import c_to_ir
from passlm.gym import features
from support import EXAMPLE_SOURCES

SMALL = """
declare i32 @g(i64)

define i32 @f(i32 %a, i1 %c) {
entry:
  br i1 %c, label %then, label %join
then:
  %x = add nsw i32 %a, 1
  %y = call i32 @g(i64 0)
  br label %join
join:
  %p = phi i32 [ %x, %then ], [ 0, %entry ]
  ret i32 %p
}
"""

EXPECTED = {
    "blocks": 3, "edges": 3, "critical_edges": 1, "functions": 1, "instructions": 6,
    "blocks_one_pred": 1, "blocks_one_pred_one_succ": 1, "blocks_one_succ": 1, "blocks_two_pred": 1,
    "blocks_two_succ": 1, "blocks_two_pred_one_succ": 0, "blocks_over_two_pred": 0,
    "blocks_no_phi": 2, "blocks_1_to_3_phis": 1, "blocks_phi_args_1_to_5": 1, "phi_incoming_values": 2,
    "phis_at_block_start": 1, "branches": 2, "unconditional_branches": 1, "calls_returning_int": 1,
    "const_i32": 2, "const_i64": 1, "const_zero": 2, "const_one": 1, "binary_ops_with_const": 1,
    "add": 1, "call": 1, "ret": 1, "phi": 1, "br": 2, "memory_instructions": 0, "unary_instructions": 0,
    "blocks_under_15_insts": 3, "blocks_15_to_500_insts": 0,
}


def test_every_feature_of_a_small_function():
    text = passlm.Module.from_string(SMALL).to_text()  # as LLVM prints it
    got = dict(zip(features.AUTOPHASE_NAMES, features.autophase(text)))
    assert {name: got[name] for name in EXPECTED} == EXPECTED


def test_autophase_has_56_documented_features():
    assert len(features.AUTOPHASE) == 56 == len(set(features.AUTOPHASE_NAMES))
    assert all(definition for _, definition in features.AUTOPHASE)


@pytest.mark.parametrize("source", EXAMPLE_SOURCES[:4], ids=lambda p: p.stem)
def test_counts_agree_with_the_core(source):
    module = passlm.Module.from_string(c_to_ir(source))
    for pipeline in ("", "default<Oz>"):
        if pipeline:
            module.run(pipeline)
        text = module.to_text()
        counts = features.opcode_counts(text)
        vector = dict(zip(features.AUTOPHASE_NAMES, features.autophase(text)))
        assert sum(counts) == module.instruction_count == vector["instructions"]
        assert vector["blocks"] == vector["blocks_no_phi"] + vector["blocks_1_to_3_phis"] + vector["blocks_over_3_phis"]
        assert vector["phis_at_block_start"] == counts[features.OPCODES.index("phi")]
