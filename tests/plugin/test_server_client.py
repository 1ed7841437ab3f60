"""The plugin's own client of the server (cpp/plugin/ServerClient.cpp): a
compiler asks the server over its socket without starting Python, and gets
the objects the embedded bridge's route gives for the same answers."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from support import EXAMPLES, run, warning_lines

def served_env(server, tiny_model_dir, **extra) -> dict:
    return {"PASSLM_SERVER": str(server.socket), "PASSLM_ENGINE": f"model:{tiny_model_dir}", "PASSLM_K": "2",
            "PASSLM_PRINT": "1", "PASSLM_DEBUG": "1", **extra}


@pytest.mark.parametrize("guard", ["1", "0"])
def test_both_routes_give_identical_objects(compile_c, debug_line, tmp_path, tiny_server, tiny_model_dir, guard):
    env = served_env(tiny_server, tiny_model_dir, PASSLM_GUARD=guard)
    for name, first in (("bits", "cpp"), ("sort", "python")):
        src = EXAMPLES / f"{name}.c"
        routes = {}
        for client in (first, "python" if first == "cpp" else "cpp"):
            extra = {"PASSLM_CLIENT": "python"} if client == "python" else {}
            result = compile_c(src, tmp_path / f"{name}-{client}.o", env, extra)
            assert not warning_lines(result.stderr), result.stderr
            routes[client] = debug_line(result.stderr)
        assert routes["cpp"]["route"] == "server" and routes["python"]["route"] == "bridge"
        # The second compile of each pair reuses the first one's verdict, whichever route recorded it.
        second = "python" if first == "cpp" else "cpp"
        assert (routes[first]["verdict"], routes[second]["verdict"]) == ("no", "yes")
        assert (tmp_path / f"{name}-cpp.o").read_bytes() == (tmp_path / f"{name}-python.o").read_bytes()


def test_a_cache_hit_loads_no_libpython(compile_c, debug_line, tmp_path, tiny_server, tiny_model_dir):
    env = served_env(tiny_server, tiny_model_dir)
    src = EXAMPLES / "crc32.c"
    compile_c(src, tmp_path / "warm.o", env)  # fills the cache and records the verdict
    # The dynamic loader names every library it loads (LD_DEBUG=files).
    hit = compile_c(src, tmp_path / "hit.o", env, {"LD_DEBUG": "files"})
    assert debug_line(hit.stderr)["route"] == "server" and debug_line(hit.stderr)["verdict"] == "yes"
    assert "passlm/libpasslm.so" in hit.stderr  # the loader's report is there: the plugin was loaded
    assert "libpython" not in hit.stderr
    through_python = compile_c(src, tmp_path / "py.o", env, {"LD_DEBUG": "files", "PASSLM_CLIENT": "python"})
    assert "libpython" in through_python.stderr
    assert (tmp_path / "hit.o").read_bytes() == (tmp_path / "py.o").read_bytes() == (tmp_path / "warm.o").read_bytes()


def test_server_off_never_asks_a_server(compile_c, debug_line, tmp_path, tiny_server, tiny_model_dir):
    env = served_env(tiny_server, tiny_model_dir, PASSLM_SERVER="off")
    result = compile_c(EXAMPLES / "bits.c", tmp_path / "off.o", env)
    assert debug_line(result.stderr)["route"] == "bridge"
    assert tiny_server.status()["counters"]["predictions"] == 0


def test_a_named_socket_that_is_missing_is_one_warning(compile_c, debug_line, tmp_path, tiny_model_dir, short_dir):
    """A socket the user named is never started (client.route): its absence is
    the one warning line, and the engine answers in-process."""
    env = {"PASSLM_SERVER": str(short_dir / "none.sock"), "PASSLM_ENGINE": f"model:{tiny_model_dir}", "PASSLM_K": "2",
           "PASSLM_PRINT": "1", "PASSLM_DEBUG": "1"}
    result = compile_c(EXAMPLES / "bits.c", tmp_path / "m.o", env)
    (warning,) = warning_lines(result.stderr)
    assert warning.endswith(f"server {short_dir / 'none.sock'}: No such file or directory; answered in-process")
    assert debug_line(result.stderr)["route"] == "in-process"


def test_the_default_route_starts_a_server_then_asks_it_directly(compile_c, debug_line, tmp_path, tiny_model_dir, passlm_exe):
    """PASSLM_SERVER=auto: the first compiler finds no server and starts one
    through the bridge; the next one finds its socket (the same path as
    protocol.default_socket) and asks it without Python."""
    with tempfile.TemporaryDirectory(prefix="pla") as runtime:
        env = {"XDG_RUNTIME_DIR": runtime, "XDG_CACHE_HOME": str(tmp_path / "cache"),
               "PASSLM_ENGINE": f"model:{tiny_model_dir}", "PASSLM_K": "2", "PASSLM_DEBUG": "1"}
        try:
            first = compile_c(EXAMPLES / "bits.c", tmp_path / "1.o", env)
            second = compile_c(EXAMPLES / "bits.c", tmp_path / "2.o", env)
        finally:
            run([passlm_exe, "serve", "--stop"], env, check=False)
    assert not warning_lines(first.stderr + second.stderr), first.stderr + second.stderr
    assert debug_line(first.stderr)["route"] == "bridge"
    assert debug_line(second.stderr)["route"] == "server" and debug_line(second.stderr)["verdict"] == "yes"
    assert (tmp_path / "1.o").read_bytes() == (tmp_path / "2.o").read_bytes()


def test_the_client_mirrors_the_python_rules():
    """The C++ client's constants are passlm's (client.SERVED_KINDS, DEFAULT_ENGINE)."""
    from passlm.defaults import DEFAULT_ENGINE
    from passlm.server import client

    source = (Path(__file__).resolve().parents[2] / "cpp" / "plugin" / "ServerClient.cpp").read_text()
    header = (Path(__file__).resolve().parents[2] / "cpp" / "plugin" / "ServerClient.h").read_text()
    kinds = re.search(r"ServedKinds\[\] = \{(.*?)\};", source, re.S).group(1)
    assert re.findall(r'"([^"]+)"', kinds) == list(client.SERVED_KINDS)
    assert f'DefaultEngineSpec[] = "{DEFAULT_ENGINE}"' in header
    assert f"DefaultServerTimeoutMs = {client.DEFAULT_TIMEOUT_MS}" in source


@pytest.mark.parametrize("client", ["cpp", "python"])
def test_both_clients_send_the_same_specs(tools, plugin, tmp_path, tiny_server, client):
    """client.resolve_spec, rule for rule in C++: a path is made absolute (the server runs elsewhere);
    "default" and a bare name that is no path here (a shipped model) go as they are."""
    import shutil

    from passlm.engine.coreset import coreset_file

    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    shutil.copy(coreset_file("default"), work / "sub" / "mine.json")
    extra = {"PASSLM_CLIENT": "python"} if client == "python" else {}
    specs = {"coreset:default": "coreset:default", "coreset:sub/mine.json": f"coreset:{work / 'sub' / 'mine.json'}",
             "model:ranker": "model:ranker"}
    for spec in specs:
        env = {"PASSLM_SERVER": str(tiny_server.socket), "PASSLM_ENGINE": spec, "PASSLM_K": "1", **extra}
        run([tools["clang"], "-Oz", f"-fpass-plugin={plugin}", "-c", EXAMPLES / "bits.c", "-o", tmp_path / "x.o"],
            env, cwd=work)
    assert set(specs.values()) <= set(tiny_server.status()["engines"])
