"""Engine specs and the fixed:, table: and python: engines."""
from __future__ import annotations

import json

import pytest

from passlm.engine import Candidate, EngineSpecError, ModuleFacts, make_engine
from passlm.engine.table import write_table


def test_fixed_engine_splits_candidates_and_honours_k():
    engine = make_engine("fixed:default<Oz>| instcombine<no-verify-fixpoint>,simplifycfg |gvn")
    # -Oz costs the guard no trial, so it is none of the k: k=2 gives the 2 others after it.
    assert [c.pipeline for c in engine.predict("", 2)] == ["default<Oz>", "instcombine<no-verify-fixpoint>,simplifycfg",
                                                           "gvn"]
    assert [c.pipeline for c in engine.predict("", 1)] == ["default<Oz>", "instcombine<no-verify-fixpoint>,simplifycfg"]
    assert [c.pipeline for c in engine.predict("", 10)] == ["default<Oz>", "instcombine<no-verify-fixpoint>,simplifycfg", "gvn"]


@pytest.mark.parametrize("spec,message", [
    ("fixed", "has no ':'"),
    ("fixed:", "at least one pipeline"),
    ("magic:x", "unknown engine 'magic'"),
    ("table:", "needs a file"),
    ("table:/nonexistent/t.json", "no such table file"),
    ("python:nofunction", "FILE.py:FUNCTION"),
])
def test_bad_specs_say_what_is_wrong(spec, message):
    with pytest.raises(EngineSpecError, match=message):
        make_engine(spec)


def test_table_round_trip_and_miss(tmp_path):
    path = tmp_path / "t.json"
    write_table(path, {"abc": ["gvn", "default<Oz>"], "def": ["sroa"]})
    engine = make_engine(f"table:{path}")
    assert engine.predict("", 4, ModuleFacts(hash="abc")) == [Candidate("gvn", 1.0), Candidate("default<Oz>", 0.5)]
    assert engine.predict("", 4, ModuleFacts(hash="zzz")) == []


def test_table_without_facts_hashes_the_ir(tmp_path):
    import passlm

    ir = "define i32 @f() {\n  ret i32 0\n}\n"
    path = tmp_path / "t.json"
    write_table(path, {passlm.Module.from_string(ir).hash: ["gvn"]})
    assert make_engine(f"table:{path}").predict(ir, 1)[0].pipeline == "gvn"


def test_table_errors_name_file_line_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "passlm-table",\n "version": 1,\n "modules": {oops}}\n')
    with pytest.raises(EngineSpecError, match=rf"{path}:3:14: not JSON"):
        make_engine(f"table:{path}")
    path.write_text(json.dumps({"format": "other"}))
    with pytest.raises(EngineSpecError, match="not a passlm table"):
        make_engine(f"table:{path}")
    path.write_text(json.dumps({"format": "passlm-table", "version": 1, "modules": {"h": [1, 2]}}))
    with pytest.raises(EngineSpecError, match="entry h"):
        make_engine(f"table:{path}")


def test_python_engine_calls_the_function(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text("def pick(ir, k, facts):\n    return [('gvn', 0.9), 'sroa', 'dse'][:k]\n")
    engine = make_engine(f"python:{path}:pick")
    assert engine.predict("ir", 2, ModuleFacts()) == [Candidate("gvn", 0.9), Candidate("sroa", 0.5)]
    with pytest.raises(EngineSpecError, match="no function 'nothere'"):
        make_engine(f"python:{path}:nothere")


def test_python_engine_answers_up_to_k_trials_whatever_the_function_returns(tmp_path):
    path = tmp_path / "many.py"
    path.write_text("def all_of_them(ir, k, facts):\n    return ['default<Oz>', 'gvn', 'sroa', 'dse', 'licm']\n")
    engine = make_engine(f"python:{path}:all_of_them")
    # -Oz costs no trial: k=2 keeps it and the next two.
    assert [c.pipeline for c in engine.predict("ir", 2)] == ["default<Oz>", "gvn", "sroa"]
