"""A parallel CMake build through the server, as a user runs it: the shipped
model, PASSLM_SERVER=auto (the default), make -j2; then a clean rebuild that
the cache answers entirely."""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from passlm.server import protocol
from support import EXAMPLES, run


@pytest.mark.slow
def test_cmake_build_through_the_server_then_rebuild_from_the_cache(tools, plugin, tmp_path, passlm_exe):
    cmake = shutil.which("cmake")
    assert cmake, "cmake is needed (apt-get install cmake)"
    project, build = EXAMPLES / "cmake_project", tmp_path / "build"
    sources = sorted((project / "src").glob("*.c"))
    with tempfile.TemporaryDirectory(prefix="plsb") as runtime:  # short: socket paths are limited
        env = {"XDG_RUNTIME_DIR": runtime, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PASSLM_PRINT": "1"}
        run([cmake, "-S", project, "-B", build, f"-DCMAKE_C_COMPILER={tools['clang']}",
             f"-DCMAKE_C_FLAGS=-Oz -fpass-plugin={plugin}"])
        socket_path = Path(runtime) / "passlm" / protocol.socket_name()

        def status() -> dict:
            return json.loads(run([passlm_exe, "serve", "--status", "--json"], env).stdout)["counters"]

        try:
            first = run([cmake, "--build", build, "--", "-j2"], env)
            assert socket_path.exists(), "no server was started"
            assert run([build / "calc"]).stdout == (project / "expected_output.txt").read_text()
            assert "warning" not in first.stderr, first.stderr
            cold = status()
            assert cold["predictions"] == len(sources) and cold["inferences"] + cold["cache_hits"] == len(sources)

            run([cmake, "--build", build, "--target", "clean"])
            second = run([cmake, "--build", build, "--", "-j2"], env)
            assert run([build / "calc"]).stdout == (project / "expected_output.txt").read_text()
            warm = status()
            assert warm["inferences"] == cold["inferences"], "the rebuild ran the model"
            assert warm["cache_hits"] - cold["cache_hits"] == len(sources)
            assert warm["verdict_hits"] - cold["verdict_hits"] == len(sources)  # nothing measured again
            printed = re.findall(r"^passlm: (\S+): '(.*)' \d+ bytes, -Oz \d+ bytes.*\(measured in an earlier build\)$",
                                 second.stderr, re.M)
            assert len(printed) == len(sources), second.stderr
            # The same pipelines as the first build chose.
            chosen = dict(re.findall(r"^passlm: (\S+): '(.*?)' ", first.stderr, re.M))
            assert dict(printed) == chosen

            stats = json.loads(run([passlm_exe, "cache", "stats", "--json"], env).stdout)
            assert stats["predictions"] == len(sources) and stats["verdicts"] == len(sources)
        finally:
            run([passlm_exe, "serve", "--stop"], env, check=False)
        assert not socket_path.exists()


@pytest.mark.slow
def test_without_guard_a_rebuild_tries_nothing(tools, plugin, tmp_path, passlm_exe):
    """Guard off, the first candidate that works is kept: the server remembers
    which one, per choice mode, so a rebuild does not try it in a child again."""
    src = EXAMPLES / "interp.c"
    with tempfile.TemporaryDirectory(prefix="plsg") as runtime:
        env = {"XDG_RUNTIME_DIR": runtime, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PASSLM_GUARD": "0",
               "PASSLM_PRINT": "1"}
        try:
            lines = [run([tools["clang"], "-Oz", f"-fpass-plugin={plugin}", "-c", src, "-o", tmp_path / f"{i}.o"],
                         env).stderr.strip() for i in range(2)]
            guarded = run([tools["clang"], "-Oz", f"-fpass-plugin={plugin}", "-c", src, "-o", tmp_path / "g.o"],
                          {**env, "PASSLM_GUARD": "1"}).stderr.strip()
            counters = json.loads(run([passlm_exe, "serve", "--status", "--json"], env).stdout)["counters"]
        finally:
            run([passlm_exe, "serve", "--stop"], env, check=False)
    assert not lines[0].endswith("(measured in an earlier build)")
    assert lines[1] == lines[0] + " (measured in an earlier build)"
    assert not guarded.endswith("(measured in an earlier build)")  # another choice mode: measured afresh
    assert (counters["inferences"], counters["verdict_hits"], counters["verdicts_recorded"]) == (1, 1, 2)
    assert (tmp_path / "0.o").read_bytes() == (tmp_path / "1.o").read_bytes()
