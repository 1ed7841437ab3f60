"""A server that dies or stops while compilers wait on it: each compile still
succeeds, with one warning line, an in-process answer and a guard that still
measures (its budget starts when the engine has answered)."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time

import pytest

from serving import Running
from support import EXAMPLES, warning_lines

PRINT_LINE = re.compile(r"^passlm: \S+: '.*' (?P<size>\d+) bytes, -Oz (?P<oz>\d+) bytes", re.M)


def clang_env(socket, tiny_model_dir, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASSLM_")}
    env.update({"PASSLM_SERVER": str(socket), "PASSLM_ENGINE": f"model:{tiny_model_dir}", "PASSLM_K": "2",
                "PASSLM_PRINT": "1", "PASSLM_DEBUG": "1", **extra})
    return env


def counters(server) -> dict:
    """The server's counters; a status request that fails (one raced the
    engine's loading torch once: 'partially initialized module torch') is
    asked again."""
    from passlm.server.client import ServerUnavailable

    for _ in range(50):
        try:
            return server.status()["counters"]
        except ServerUnavailable:
            time.sleep(0.2)
    return server.status()["counters"]


def start_clang(tools, plugin, src, out, env) -> subprocess.Popen:
    return subprocess.Popen([tools["clang"], "-Oz", f"-fpass-plugin={plugin}", "-c", str(src), "-o", str(out)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def assert_one_warning_and_measured(stderr: str, reason: str, debug_line, route: str = "in-process") -> None:
    (warning,) = warning_lines(stderr)
    assert warning.endswith(f"{reason}; answered in-process"), stderr
    sizes = PRINT_LINE.search(stderr)
    assert sizes and int(sizes["size"]) > 0 and int(sizes["oz"]) > 0, stderr
    assert int(sizes["size"]) <= int(sizes["oz"])
    info = debug_line(stderr)
    assert info["route"] == route and int(info["trials"]) >= 2, stderr


def test_server_killed_mid_request(tools, plugin, compile_c, debug_line, tmp_path, short_dir, tiny_model_dir):
    # One request waits for a batch of 8 that never fills: the compile is
    # waiting on the server when it is killed.
    server = Running(short_dir, f"model:{tiny_model_dir}", "--max-batch", "8", "--max-wait-ms", "600000")
    try:
        env = clang_env(server.socket, tiny_model_dir)
        compile = start_clang(tools, plugin, EXAMPLES / "bits.c", tmp_path / "k.o", env)
        deadline = time.monotonic() + 120
        while counters(server)["predictions"] < 1:
            assert time.monotonic() < deadline and compile.poll() is None, "the request never reached the server"
            time.sleep(0.05)
        os.kill(server.pid, signal.SIGKILL)
        _, stderr = compile.communicate(timeout=600)
    finally:
        server.stop()
    assert compile.returncode == 0, stderr
    assert_one_warning_and_measured(stderr, f"server {server.socket} closed the connection without answering", debug_line)
    assert debug_line(stderr)["baseline"] == "early"  # -Oz was measured while the server was awaited
    # The in-process answer is the server's would-be answer: the same object as with no server at all.
    off = compile_c(EXAMPLES / "bits.c", tmp_path / "off.o", clang_env("off", tiny_model_dir))
    assert not warning_lines(off.stderr)
    assert (tmp_path / "k.o").read_bytes() == (tmp_path / "off.o").read_bytes()


@pytest.mark.parametrize("client", ["cpp", "python"])
def test_stopped_server_under_parallel_compiles(tools, plugin, compile_c, debug_line, tmp_path, short_dir, tiny_model_dir,
                                                client):
    """SIGSTOP: connections are accepted by the kernel, never answered. The
    server's wait (4 s) is longer than the measuring budget (3 s): measuring
    still has its whole budget after the in-process answer, and no verdict is
    sent to the stopped server afterwards (which would wait again); through
    the plugin's own client and through the bridge's (PASSLM_CLIENT=python)."""
    server = Running(short_dir, f"model:{tiny_model_dir}")
    names = ("bits", "sort", "crc32")
    os.kill(server.pid, signal.SIGSTOP)
    try:
        env = clang_env(server.socket, tiny_model_dir, PASSLM_SERVER_TIMEOUT_MS="4000", PASSLM_BUDGET_MS="3000",
                        **({"PASSLM_CLIENT": "python"} if client == "python" else {}))
        compiles = [start_clang(tools, plugin, EXAMPLES / f"{name}.c", tmp_path / f"{name}.o", env) for name in names]
        results = [c.communicate(timeout=900) for c in compiles]
        os.kill(server.pid, signal.SIGCONT)
        # Woken, it answers the predictions nobody waits for any more; no
        # compile sent it a verdict after its in-process answer.
        deadline = time.monotonic() + 300
        while counters(server)["predictions"] < len(names):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        settle = time.monotonic() + 2  # a verdict queued behind them would be recorded by now
        while time.monotonic() < settle:
            assert counters(server)["verdicts_recorded"] == 0
            time.sleep(0.2)
    finally:
        os.kill(server.pid, signal.SIGCONT)
        server.stop()
    for compile, (_, stderr) in zip(compiles, results):
        assert compile.returncode == 0, stderr
        assert_one_warning_and_measured(stderr, f"server {server.socket} did not answer within 4000 ms", debug_line,
                                        "in-process" if client == "cpp" else "bridge")


def test_a_failed_engine_prints_real_sizes(tools, plugin, compile_c, debug_line, tmp_path, engine_file):
    """The print line of a module whose engine failed shows -Oz's measured
    size, never '0 bytes'."""
    env = clang_env("off", "unused", PASSLM_ENGINE=f"python:{engine_file}:raises")
    result = compile_c(EXAMPLES / "bits.c", tmp_path / "f.o", env)
    (warning,) = warning_lines(result.stderr)
    assert "engine exploded" in warning
    sizes = PRINT_LINE.search(result.stderr)
    assert sizes and int(sizes["size"]) == int(sizes["oz"]) > 0, result.stderr
    assert " 0 bytes" not in result.stderr
