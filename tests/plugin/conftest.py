"""Fixtures for driving opt and clang with the plugin, as a user would."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import passlm.paths



@pytest.fixture(scope="session")
def plugin() -> str:
    path = passlm.paths.plugin_path()
    assert path.is_file(), f"plugin not built: {path}"
    return str(path)


@pytest.fixture(scope="session")
def tools() -> dict:
    return {name: passlm.paths.llvm_tool(name) for name in ("clang", "opt", "llc", "llvm-size", "ld.lld")}


@pytest.fixture(scope="session")
def oz_ir(example_bcs) -> dict[str, Path]:
    """Each example in the IR form of docs/conventions.md (the root conftest's example_bcs)."""
    return example_bcs


@pytest.fixture(scope="session")
def engine_file(tmp_path_factory) -> Path:
    """A python: engine file with functions for every failure path."""
    path = tmp_path_factory.mktemp("engine") / "engines.py"
    path.write_text(
        "import time\n"
        "def raises(ir, k, facts):\n    raise RuntimeError('engine exploded')\n"
        "def sleeps(ir, k, facts):\n    time.sleep(30)\n    return ['default<Oz>']\n"
        "def empty(ir, k, facts):\n    return []\n"
        "def garbage(ir, k, facts):\n    return ['%%% not a pipeline', 'no-such-pass']\n"
        "def wrong_type(ir, k, facts):\n    return 42\n"
        "def by_size(ir, k, facts):\n"
        "    return ['mem2reg,gvn,dse,function(loop-mssa(licm)),simplifycfg', 'module(sroa,inline,globaldce)']\n"
        "def crashes_llvm(ir, k, facts):\n    return ['mem2reg,loop(licm)']\n"
        "def facts_echo(ir, k, facts):\n"
        "    assert facts.hash and facts.instructions > 0 and 'define' in ir\n    return ['default<Oz>']\n"
    )
    return path


@pytest.fixture
def short_dir():
    """A short private folder: socket paths are limited to 107 bytes."""
    import os
    import tempfile

    with tempfile.TemporaryDirectory(prefix="plc") as folder:
        os.chmod(folder, 0o700)
        yield Path(folder)


@pytest.fixture
def tiny_server(short_dir, tiny_model_dir):
    """A server of the tiny model on its own socket (PASSLM_SERVER=its path)."""
    from serving import Running

    server = Running(short_dir, f"model:{tiny_model_dir}")
    yield server
    server.stop()


_DEBUG_LINE = re.compile(r"^passlm: debug: \S+: route=(?P<route>\S+) trials=(?P<trials>\d+) "
                         r"codegens=(?P<codegens>\d+) reused=(?P<reused>\d+) verdict=(?P<verdict>yes|no) "
                         r"baseline=(?P<baseline>\S+) adopted=(?P<adopted>yes|no) engine_ms=(?P<engine_ms>[\d.]+) "
                         r"guard_ms=(?P<guard_ms>[\d.]+) final_ms=(?P<final_ms>[\d.]+)$", re.M)


@pytest.fixture(scope="session")
def debug_line():
    """The one PASSLM_DEBUG line of a compile's stderr, as a dict: the engine's
    route (server, bridge, in-process, none), trials collected, codegens run,
    trials whose optimized module was already measured (reused), verdict
    (yes: a server's memory), baseline (when the -Oz trial started: early,
    while the engine was awaited; after; none), adopted (yes: the compiler
    took the winning trial's optimized module instead of running its pipeline), and the
    milliseconds spent asking the engine, measuring, and running the chosen pipeline."""
    def parse(stderr: str) -> dict:
        (match,) = _DEBUG_LINE.finditer(stderr)
        return match.groupdict()
    return parse


@pytest.fixture(scope="session")
def compile_c(tools, plugin):
    """clang -Oz -fpass-plugin [FLAGS] -c SRC -o OUT with PASSLM_* cleared, then env (and extra_env) set."""
    from support import run

    def compile_(src: Path, out: Path, env: dict, extra_env=None, flags=()):
        return run([tools["clang"], "-Oz", f"-fpass-plugin={plugin}", *flags, "-c", src, "-o", out],
                   {**env, **(extra_env or {})})
    return compile_
