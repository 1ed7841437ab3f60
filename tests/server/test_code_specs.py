"""An engine spec that runs code (python:FILE:FUNC) is run by the server only
if the server was started with it; sent by a client otherwise, it is refused
with an error reply that says why, and the file is never run."""
from __future__ import annotations

import pytest

from passlm import messages
from passlm.server import client
from serving import Running

ENGINE_FILE = """\
import pathlib
pathlib.Path(__file__).with_name("ran").write_text("ran")

def propose(ir, k, facts):
    return ["default<Oz>"]
"""


@pytest.fixture
def code_spec(short_dir) -> str:
    (short_dir / "mine.py").write_text(ENGINE_FILE)
    return f"python:{short_dir / 'mine.py'}:propose"


def predict(server: Running, spec: str) -> dict:
    message = messages.predict(spec, 1, "define void @f() {\n  ret void\n}\n", messages.module_facts("m", "h"))
    return client.call(str(server.socket), message, 30.0)


def test_a_code_spec_the_server_was_not_started_with_is_refused(short_dir, code_spec):
    server = Running(short_dir, "fixed:default<Oz>")
    try:
        with pytest.raises(client.ServerUnavailable, match=r"runs code: this server runs it only if started with it "
                                                            r"\(passlm serve --engine SPEC, or --allow-engine SPEC\)"):
            predict(server, code_spec)
        assert not (short_dir / "ran").exists()  # never imported
        assert code_spec not in server.status()["engines"]
        assert predict(server, "fixed:default<Oz>")["candidates"]  # and the server goes on
    finally:
        server.stop()


@pytest.mark.parametrize("how", [("--engine",), ("--lazy", "--allow-engine")])
def test_a_code_spec_the_server_was_started_with_is_run(short_dir, code_spec, how):
    *flags, option = how
    server = Running(short_dir, "fixed:default<Oz>", *flags, option, code_spec)
    try:
        assert (short_dir / "ran").exists() == (option == "--engine")  # preloaded, or loaded on first use
        assert predict(server, code_spec)["candidates"][0]["pipeline"] == "default<Oz>"
        assert (short_dir / "ran").exists()
        # The same file by another path is the same engine; another function of it is not.
        assert predict(server, code_spec.replace(str(short_dir), str(short_dir / ".." / short_dir.name)))
        with pytest.raises(client.ServerUnavailable, match="runs code"):
            predict(server, code_spec.replace(":propose", ":other"))
    finally:
        server.stop()
