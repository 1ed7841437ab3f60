"""The plugin loaded into a Python process through passlm._core.

Runs in a child interpreter: loading a plugin is for the life of a process,
and it would change what default<Oz> means for the other tests.

test_passlm_pass_in_python_threads failed once (2026-11-25, in a full run,
message not kept) and never since. The likely cause then: the plugin detached every
bridge call's helper thread; one still exiting (Python releasing its thread
state, thread-local destructors) when the process forked a trial or exited
could crash it, as it crashed clang now and then (SIGSEGV right after a last
bridge call). The plugin now joins a helper once it has answered (detached
only when the engine times out, which this engine cannot), so that race is
gone. What is left to chance is time: four threads each fork a trial per
candidate, on a machine that may be loaded, and a trial past the measuring
budget, or an engine call past its timeout, is a warning and changes the
choice. That is the one failure seen since, reproduced: with every thread
and trial on one core (taskset), 8 threads and every module 4 times, beside
other jobs, 1 run in about 35 printed "time budget of 30000 ms spent" and
"did not finish within 29146 ms" for sieve.c. So the budgets here are far
above any trial, and the test asserts outcomes and warning counts, never
time. With the default budgets: 60 runs on an idle machine and 22 beside
three busy loops passed.
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


#: Budgets no trial or engine call reaches, loaded machine or not (see the module's docstring).
UNREACHABLE_MS = {"PASSLM_BUDGET_MS": "600000", "PASSLM_TIMEOUT_MS": "600000"}


def test_passlm_pass_in_python_threads(oz_ir):
    paths = [str(p) for p in oz_ir.values()]
    result = run([sys.executable, "-c", SCRIPT, ENGINE, *paths], env_extra=UNREACHABLE_MS)
    data = json.loads(result.stdout)
    assert data["threaded"] == data["serial"] * 2  # same answers on 4 threads
    for chosen, oz in data["serial"]:
        assert chosen <= oz  # the guard holds in-process too
    assert "warning" not in result.stderr
    assert result.stderr.count("passlm: ") == 3 * len(paths)
