"""What the plugin sends its bridge: predict requests (no describe crossing),
the IR and hash for an engine whose needs it does not know yet, then only
what the first reply said the engine reads.

Runs in a child interpreter that loads the plugin through passlm._core, so
that the bridge runs there too and its handle can be watched.
"""
from __future__ import annotations

import json
import sys

import pytest

from support import run

SCRIPT = r"""
import json, os, sys
import passlm, passlm.bridge, passlm.paths

sent = []
handle = passlm.bridge.handle

def watched(text):
    sent.append(json.loads(text))
    return handle(text)

passlm.bridge.handle = watched  # the plugin looks handle up on every call
os.environ["PASSLM_ENGINE"] = sys.argv[1]
passlm.load_pass_plugin(str(passlm.paths.plugin_path()))
for path in sys.argv[2:]:
    passlm.Module.from_file(path).run("passlm")
print(json.dumps([[m["op"], bool(m.get("ir")), bool(m.get("module", {}).get("hash"))] for m in sent]))
"""


@pytest.mark.parametrize("engine,reads", [("fixed:default<Oz>", []), ("table:{table}", ["hash"])])
def test_predict_replies_tell_the_plugin_what_to_send(oz_ir, tmp_path, engine, reads):
    from passlm.engine.table import write_table

    write_table(tmp_path / "t.json", {})
    paths = [str(oz_ir[name]) for name in ("sort", "hash", "bits")]
    result = run([sys.executable, "-c", SCRIPT, engine.format(table=tmp_path / "t.json"), *paths],
                 {"PASSLM_SERVER": "off"})
    sent = json.loads(result.stdout.strip().splitlines()[-1])
    predicts = [[ir, has_hash] for op, ir, has_hash in sent if op == "predict"]
    assert {op for op, _, _ in sent} <= {"predict", "verdict"}, sent  # never a describe
    assert predicts[0] == [True, True]  # needs not known yet: everything
    assert predicts[1:] == [["ir" in reads, "hash" in reads]] * (len(paths) - 1), sent
