"""Fixtures for driving opt and clang with the plugin, as a user would."""
from __future__ import annotations

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
