"""pipelines.process: a child dies with its parent, even when it is busy and reads nothing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

# A child busy for ever, as a worker in a pipeline that never ends: it never reads its pipe again.
BUSY_CHILD = """
import sys, time
from passlm.pipelines.process import child_connections
child_connections(sys.argv)
print("busy", file=sys.stderr, flush=True)
time.sleep(600)
"""
PARENT = """
import sys, time
from passlm.pipelines.process import IsolatedProcess
child = IsolatedProcess("busy_child")
print(child.process.pid, flush=True)
while not child.printed():
    time.sleep(0.05)
print("ready", flush=True)
time.sleep(600)
"""


def test_a_busy_child_dies_with_its_killed_parent(tmp_path):
    (tmp_path / "busy_child.py").write_text(BUSY_CHILD)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True, env=env)
    child = int(parent.stdout.readline())
    assert parent.stdout.readline() == "ready\n"
    os.kill(parent.pid, signal.SIGKILL)  # no finally, no close(): only the kernel can end the child
    parent.wait()
    for _ in range(100):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        if open(f"/proc/{child}/stat").read().split()[2] == "Z":
            return  # dead; a zombie until its new parent reaps it
        time.sleep(0.1)
    os.kill(child, signal.SIGKILL)
    raise AssertionError(f"worker {child} outlived its killed parent")
