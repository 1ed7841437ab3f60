"""passlm serve's command line, and ``python -m passlm.server`` (how the
plugin's client starts a server) as the same command."""
from __future__ import annotations

import json
import subprocess
import sys

from support import run


def python_m_server(*args):
    return subprocess.run([sys.executable, "-m", "passlm.server", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def test_python_dash_m_is_passlm_serve(short_dir):
    help_text = python_m_server("--help")
    assert help_text.returncode == 0 and help_text.stdout.startswith("usage: passlm serve")
    for option in ("--background", "--lazy", "--socket", "--engine", "--idle-timeout"):
        assert option in help_text.stdout
    none = python_m_server("--status", "--socket", short_dir / "s.sock")
    assert none.returncode == 1 and "Traceback" not in none.stderr
    assert none.stderr.startswith("passlm: error: no server answers on ") and len(none.stderr.splitlines()) == 1


def test_background_start_status_json_and_stop(short_dir):
    socket = short_dir / "s.sock"
    started = python_m_server("--background", "--lazy", "--socket", socket, "--cache", "off", "--idle-timeout", 60)
    assert started.returncode == 0, started.stderr
    try:
        status = python_m_server("--status", "--json", "--socket", socket)
        assert status.returncode == 0, status.stderr
        state = json.loads(status.stdout)
        assert state["socket"] == str(socket)
        assert not any(engine["loaded"] for engine in state["engines"].values())  # lazy: nothing loaded
    finally:
        assert python_m_server("--stop", "--socket", socket).returncode == 0
    assert not socket.exists()


def test_json_without_status_is_a_usage_error(passlm_exe, short_dir):
    done = run([passlm_exe, "serve", "--json", "--socket", short_dir / "s.sock"], check=False)
    assert done.returncode == 2 and "--json goes with --status" in done.stderr
    assert list(short_dir.iterdir()) == []


def test_starting_a_server_imports_no_other_command(short_dir):
    # The plugin's client waits for it during the first compile of a build.
    code = ("import sys\n"
            "from passlm.cli import main\n"
            f"assert main(['serve', '--status', '--socket', {str(short_dir / 's.sock')!r}]) == 1\n"
            "others = [m for m in ('passlm.data', 'passlm.eval', 'passlm.tune', 'passlm.train', 'passlm.screen',\n"
            "                      'passlm.text', 'torch') if m in sys.modules]\n"
            "assert not others, others\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
