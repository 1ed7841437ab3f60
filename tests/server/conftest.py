"""Fixtures: a short private folder, a server of the tiny model, the examples' IR."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from serving import Running


@pytest.fixture
def short_dir():
    """A short folder: socket paths are limited to 107 bytes."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="pls") as folder:
        os.chmod(folder, 0o700)
        yield Path(folder)


@pytest.fixture
def tiny_server(short_dir, tiny_model_dir):
    server = Running(short_dir, f"model:{tiny_model_dir}", "--max-batch", "8", "--max-wait-ms", "50")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def example_irs(example_bcs) -> dict:
    import passlm

    return {name: passlm.Module.from_file(str(bc)).to_text() for name, bc in sorted(example_bcs.items())}


@pytest.fixture
def in_process(short_dir):
    """Start a server in this process (a thread; so a test can patch what it calls): in_process(**config)."""
    import threading

    from passlm.server.daemon import Server, ServerConfig

    started = []

    def start(**config):
        config = {"socket": str(short_dir / "s.sock"), "log": str(short_dir / "server.log"), "cache": None, **config}
        server = Server(ServerConfig(**config))
        server.bind()
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        started.append((server, thread))
        return server

    yield start
    for server, thread in started:
        server.stop()
        thread.join(30)
