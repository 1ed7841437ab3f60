"""The plugin loaded into a Python process through passlm._core.

Runs in a child interpreter: loading a plugin is for the life of a process,
and it would change what default<Oz> means for the other tests.
"""
from __future__ import annotations

import json
import sys

from support import run

SCRIPT = r"""
import json, os, sys
from concurrent.futures import ThreadPoolExecutor
import passlm, passlm.paths

os.environ["PASSLM_ENGINE"] = sys.argv[1]
os.environ["PASSLM_PYTHON"] = "/nonexistent"   # must be ignored: Python already runs here
passlm.load_pass_plugin(str(passlm.paths.plugin_path()))
modules = [passlm.Module.from_file(path) for path in sys.argv[2:]]

def optimize(module):
    copy = module.clone()
    copy.run("passlm<print>")
    copy.verify()
    return [copy.object_size(), module.evaluate("default<Oz>")[1]]

serial = [optimize(m) for m in modules]
with ThreadPoolExecutor(4) as pool:
    threaded = list(pool.map(optimize, modules * 2))
print(json.dumps({"serial": serial, "threaded": threaded}))
"""

ENGINE = "fixed:mem2reg,gvn,dse,function(loop-mssa(licm)),simplifycfg|module(sroa,inline,globaldce)|default<Oz>"


def test_passlm_pass_in_python_threads(oz_ir):
    paths = [str(p) for p in oz_ir.values()]
    result = run([sys.executable, "-c", SCRIPT, ENGINE, *paths])
    data = json.loads(result.stdout)
    assert data["threaded"] == data["serial"] * 2  # same answers on 4 threads
    for chosen, oz in data["serial"]:
        assert chosen <= oz  # the guard holds in-process too
    assert "warning" not in result.stderr
    assert result.stderr.count("passlm: ") == 3 * len(paths)
