"""A server's engine runs torch with the intra-op threads it was given (1 by default)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from passlm.server.engines import EngineSlot
from support import run


@pytest.fixture
def torch_threads():
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield torch
    torch.set_num_threads(before)


def test_a_loaded_engine_runs_torch_with_the_servers_threads(torch_threads):
    EngineSlot("fixed:default<Oz>", threads=1).engine()
    assert torch_threads.get_num_threads() == 1


def test_zero_threads_leaves_torchs_default(torch_threads):
    EngineSlot("fixed:default<Oz>", threads=0).engine()
    assert torch_threads.get_num_threads() == 2


def test_negative_threads_is_a_usage_error(tmp_path):
    passlm = str(Path(sys.executable).with_name("passlm"))
    done = run([passlm, "serve", "--threads", "-1", "--socket", tmp_path / "s.sock"], check=False)
    assert done.returncode == 2 and "--threads must be 0" in done.stderr


def test_a_half_imported_torch_is_not_a_gpu(monkeypatch):
    """A status request while an engine's thread imports torch (sys.modules holds it before
    it has ``cuda``) must not fail: that module is no GPU yet."""
    import types

    from passlm.server import inference

    monkeypatch.setitem(sys.modules, "torch", types.ModuleType("torch"))
    assert inference._on_gpu() is False
