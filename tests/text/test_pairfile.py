"""The pair file: read back exactly, a bad line named by file and line, held-out pairs excluded."""
from __future__ import annotations

import json
import re

import pytest

from passlm.text.pairfile import Pair, exclude_pairs, read_pairs, write_pairs


@pytest.mark.parametrize("line, problem", [
    ("not json", "not JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"module": "m"}', "missing 'package'"),
    ('{"module": "m", "package": null, "split": null, "function": 3, "ir": "", "asm": ""}',
     "'function' must be a string"),
    ('{"module": "m", "package": null, "split": null, "function": "f", "ir": "", "asm": "", "x": 1}',
     "unknown 'x'"),
    ("", "empty line"),
])
def test_read_pairs_names_the_file_and_line_of_a_bad_line(tmp_path, line, problem):
    path = tmp_path / "bad.jsonl"
    good = json.dumps(Pair("m", "p", "train", "f", "ir\n", "asm\n").to_json())
    path.write_text(f"{good}\n{line}\n{good}\n")
    with pytest.raises(ValueError, match=re.escape(f"{path}:2: {problem}")):
        read_pairs(path)


def test_exclude_pairs_drops_the_pairs_whose_ir_the_other_file_has(tmp_path):
    train = [Pair("m1", "a", "train", "f", "ir f\n", "asm f\n"), Pair("m1", "a", "train", "g", "ir g\n", "asm g\n")]
    test = [Pair("m2", "b", "test", "f", "ir f\n", "asm f\n"), Pair("m2", "b", "test", "h", "ir h\n", "asm h\n")]
    write_pairs(tmp_path / "train.jsonl", train)
    write_pairs(tmp_path / "test.jsonl", test)
    assert exclude_pairs(tmp_path / "test.jsonl", tmp_path / "train.jsonl") == 1
    assert read_pairs(tmp_path / "test.jsonl") == test[1:]
    assert read_pairs(tmp_path / "train.jsonl") == train
    assert not (tmp_path / "test.jsonl.tmp").exists()
