"""passlm installed the usual way: a wheel built once (pip wheel), installed
with pip into fresh virtualenvs elsewhere, used from an empty folder.

Two installs of the one wheel: ``plain`` (no extras: the plugin, the API,
the fixed:/table:/python: engines) and ``full`` (the [model] extra, with the
CPU torch of the environment running the tests, from pip's local source).
Nothing is downloaded beyond the package index pip is configured with.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

import pytest

from passlm import paths
from passlm.server import protocol
from support import REPO, run, warning_lines, write_tree

SITE = Path("lib") / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
#: What a registered engine looks like, from another package.
TINY_ENGINE = """\
    from passlm.engine import Candidate

    class TinyEngine:
        needs = frozenset()

        def __init__(self, argument):
            self.pipeline = argument

        def predict(self, ir_text, k, facts=None):
            return [Candidate(self.pipeline)]
    """
SOURCE = "int twice(int x) { return 2 * x; }\nint main(void) { return twice(21) - 42; }\n"


def python_in(env: dict, code: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-c", code], env, check=False)


def test_a_model_engine_without_torch_names_the_extra():
    result = python_in({}, "import sys; sys.modules['torch'] = None\n"
                           "from passlm import make_engine\nmake_engine('model:default')")
    assert "MissingExtraError: engine 'model' needs the [model] extra (no module named 'torch')" in result.stderr
    assert "pip install 'passlm[model]'" in result.stderr


def test_passlm_and_its_entry_points_import_no_torch():
    code = ("import sys, passlm\n[getattr(passlm, name) for name in passlm.__all__]\n"
            "print(sorted(m for m in ('torch', 'transformers', 'matplotlib') if m in sys.modules))")
    result = python_in({}, code)
    assert result.stdout.strip() == "[]", result.stderr


def test_a_plot_without_the_plots_extra_names_it(tmp_path):
    result = python_in({}, "import sys; sys.modules['matplotlib'] = None\n"
                           f"from passlm.tune.report import plot_curve\nplot_curve([0.1], {str(tmp_path / 'c.png')!r})")
    assert "UserError: --plot needs matplotlib: pip install 'passlm[plots]'" in result.stderr, result.stderr


def test_an_engine_registered_by_entry_point(tmp_path):
    write_tree(tmp_path, {"tiny_engine.py": TINY_ENGINE,
                          "tiny_engine-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: tiny-engine\nVersion: 1.0\n",
                          "tiny_engine-1.0.dist-info/entry_points.txt": "[passlm.engines]\ntiny = tiny_engine:TinyEngine\n"
                                                                         "fixed = tiny_engine:TinyEngine\n"})
    code = ("from passlm import make_engine\n"
            "print(make_engine('tiny:sroa').predict('', 1)[0].pipeline, type(make_engine('fixed:sroa')).__name__)\n"
            "make_engine('nosuch:x')")
    result = python_in({"PYTHONPATH": str(tmp_path)}, code)
    assert result.stdout.split() == ["sroa", "FixedEngine"], result.stderr  # the built-in kinds win
    assert "unknown engine 'nosuch'" in result.stderr and "tiny" in result.stderr


def test_the_plugin_and_python_agree_on_the_install_s_server(tmp_path):
    """The plugin's own client (C++) finds the server Python started on this
    install's socket: with no usable Python in the compiler (PASSLM_PYTHON
    names none), only that client can get the answer."""
    (tmp_path / "x.c").write_text(SOURCE)
    with tempfile.TemporaryDirectory(prefix="pl") as runtime:  # short: socket paths are limited
        env = {"XDG_RUNTIME_DIR": runtime}
        run([sys.executable, "-m", "passlm.server", "--background", "--lazy"], env)
        try:
            assert (Path(runtime) / "passlm" / protocol.socket_name()).is_socket()
            result = run(["clang-19", "-Oz", f"-fpass-plugin={paths.plugin_path()}", "-c", "x.c"],
                         {**env, "PASSLM_PYTHON": "/nonexistent/python3", "PASSLM_PRINT": "1"}, cwd=tmp_path)
            assert not warning_lines(result.stderr) and "passlm: x.c: '" in result.stderr, result.stderr
        finally:
            run([sys.executable, "-m", "passlm.server", "--stop"], env, check=False)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built like a user's `pip wheel .` (in its own build folder:
    the editable install's stays untouched)."""
    out = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-build-isolation", "--no-deps",
         "-C", "build-dir=build/wheel-{wheel_tag}", "-w", out, REPO], cwd=REPO, timeout=3600)
    [built] = out.glob("passlm-*.whl")
    return built


def make_venv(folder: Path, *requirements: str) -> Path:
    """A fresh virtualenv (no system site-packages) with REQUIREMENTS pip-installed, one command each."""
    run([sys.executable, "-m", "venv", folder])
    for requirement in requirements:
        run([folder / "bin" / "python", "-m", "pip", "install", "-q", requirement], timeout=1800)
    return folder


@pytest.fixture(scope="module")
def plain(wheel, tmp_path_factory) -> Path:
    return make_venv(tmp_path_factory.mktemp("plain") / "venv", str(wheel))


@pytest.fixture(scope="module")
def full(wheel, tmp_path_factory) -> Path:
    # torch first and pinned to the CPU build the tests run with (bootstrap.sh's
    # rule): resolved from pip's local source, never the CUDA one.
    venv = make_venv(tmp_path_factory.mktemp("full") / "venv", f"torch=={version('torch')}", f"{wheel}[model,gym]")
    yield venv
    run([venv / "bin" / "passlm", "serve", "--stop"], check=False)


@pytest.fixture
def empty(tmp_path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def plugin_of(venv: Path) -> str:
    return run([venv / "bin" / "passlm", "plugin-path"]).stdout.strip()


def compile_with(venv: Path, folder: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    (folder / "x.c").write_text(SOURCE)
    return run(["clang-19", "-Oz", f"-fpass-plugin={plugin_of(venv)}", "-c", "x.c", "-o", "x.o"],
               {"PASSLM_PRINT": "1", **(env or {})}, cwd=folder)


@contextmanager
def moved_away(package: Path):
    """PACKAGE renamed while the block runs: as if that install were gone."""
    gone = package.with_name(package.name + ".gone")
    package.rename(gone)
    try:
        yield
    finally:
        gone.rename(package)


@pytest.mark.slow
def test_the_wheel_holds_its_data_and_no_path_of_its_build(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        build_info = archive.read("passlm/_build_info.py").decode()
        plugin = archive.read("passlm/libpasslm.so")
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    for shipped in ("passlm/py.typed", "passlm/_core.pyi", "passlm/examples/strings.c",
                    "passlm/screening/exitcode.status", "passlm/models/default/model.safetensors",
                    "passlm/coresets/default.json", "passlm/coresets/cover.json", "passlm/coresets/per-second.json"):
        assert shipped in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    for built_here in (str(REPO), sys.prefix):
        assert built_here not in build_info and built_here.encode() not in plugin
    assert "License-Expression: Apache-2.0" in metadata
    assert "Provides-Extra: model" in metadata and "Provides-Extra: plots" in metadata
    assert not [line for line in metadata.splitlines() if line.startswith("Requires-Dist: torch") and "extra" not in line]


@pytest.mark.slow
def test_the_plugin_embeds_the_python_it_was_installed_with(full, plain, empty):
    probe = write_tree(empty, {"probe.py": """\
        import sys, passlm
        def where(ir, k, facts):
            open("where.json", "w").write(__import__("json").dumps([sys.prefix, passlm.__file__]))
            return ["default<Oz>"]
        """})
    with moved_away(plain / SITE / "passlm"):
        result = compile_with(full, empty, {"PASSLM_ENGINE": "model:default"})
        assert not warning_lines(result.stderr), result.stderr
        assert "passlm: x.c: '" in result.stderr  # the model chose
        compile_with(full, empty, {"PASSLM_ENGINE": f"python:{probe / 'probe.py'}:where", "PASSLM_SERVER": "off"})
    prefix, package = json.loads((empty / "where.json").read_text())
    assert Path(prefix) == full and Path(package).is_relative_to(full)


@pytest.mark.slow
def test_a_plugin_without_its_python_says_why_in_one_warning(plain, empty, tmp_path):
    copy = tmp_path / "elsewhere" / "libpasslm.so"  # not in any site-packages
    copy.parent.mkdir()
    shutil.copy2(plugin_of(plain), copy)
    (empty / "x.c").write_text(SOURCE)
    result = run(["clang-19", "-Oz", f"-fpass-plugin={copy}", "-c", "x.c"], {"PASSLM_ENGINE": "fixed:default<O1>"},
                 cwd=empty)
    warnings = warning_lines(result.stderr)
    assert len(warnings) == 1, result.stderr
    warning = warnings[0]
    assert "cannot find the Python passlm was installed with" in warning and "site-packages" in warning
    strict = run(["clang-19", "-Oz", f"-fpass-plugin={copy}", "-c", "x.c"],
                 {"PASSLM_ENGINE": "fixed:default<O1>", "PASSLM_STRICT": "1"}, cwd=empty, check=False)
    assert strict.returncode != 0 and "error: passlm" in strict.stderr


@pytest.mark.slow
def test_demo_and_screen_from_the_wheel_in_an_empty_folder(full, empty):
    demo = run([full / "bin" / "passlm", "demo"], cwd=empty, timeout=1800)
    assert "strings" in demo.stdout and not warning_lines(demo.stderr), demo.stderr
    screen = run([full / "bin" / "passlm", "screen", "default<O1>", "--csmith", "0"], cwd=empty, timeout=1800)
    programs = len([*(REPO / "examples").glob("*.c"), *(REPO / "screening" / "programs").glob("*.c")])
    assert screen.stdout.startswith("pass") and f"{programs} programs ok" in screen.stdout, screen.stdout
    assert os.listdir(empty) == []  # nothing written where it ran


AGENT = """\
import gymnasium as gym
import passlm.gym  # registers passlm/PhaseOrdering-v0

env = gym.make("passlm/PhaseOrdering-v0", observation_space="autophase")
env.action_space.seed(0)
observation, info = env.reset(seed=0)
for step in range(5):
    observation, reward, terminated, truncated, info = env.step(env.action_space.sample())
print(info["benchmark"], len(observation), info["pipeline"], f"{info['improvement']:+.4f}")
"""


@pytest.mark.slow
def test_an_agent_runs_from_the_wheel_with_the_gym_extra(full, plain, empty):
    """The issue's 10-line script, in an empty folder, on the benchmarks installed with passlm."""
    (empty / "agent.py").write_text(AGENT)
    result = run([full / "bin" / "python", "agent.py"], cwd=empty, timeout=600)
    benchmark, features, pipeline, improvement = result.stdout.split()
    assert benchmark.endswith(".c") and int(features) == 56 and pipeline
    float(improvement)
    without = run([plain / "bin" / "python", "-c", "import passlm.gym"], cwd=empty, check=False)
    assert without.returncode != 0 and "pip install 'passlm[gym]'" in without.stderr


@pytest.mark.slow
def test_the_default_engine_needs_no_extra(plain, empty):
    """The base install (no torch) compiles with the default engine, through the server it starts, warning-free."""
    try:
        result = compile_with(plain, empty, {"XDG_CACHE_HOME": str(empty / "cache")})
        assert not warning_lines(result.stderr), result.stderr
        assert "passlm: x.c: '" in result.stderr
        status = json.loads(run([plain / "bin" / "passlm", "serve", "--status", "--json"]).stdout)
        assert status["counters"]["predictions"] == 1, status
    finally:
        run([plain / "bin" / "passlm", "serve", "--stop"], check=False)


@pytest.mark.slow
def test_a_model_engine_without_the_model_extra_names_it(plain, empty):
    result = compile_with(plain, empty, {"PASSLM_SERVER": "off", "PASSLM_ENGINE": "model:default"})
    warnings = warning_lines(result.stderr)
    assert len(warnings) == 1, result.stderr
    warning = warnings[0]
    assert "[model] extra" in warning and "pip install 'passlm[model]'" in warning
    code = "import sys, passlm, passlm.engine; print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    assert run([plain / "bin" / "python", "-c", code]).stdout.strip() == "[]"


@pytest.mark.slow
def test_one_server_per_install(full, plain, empty):
    sockets = [run([v / "bin" / "python", "-c", "from passlm.server import protocol; print(protocol.default_socket())"])
               .stdout.strip() for v in (full, plain)]
    assert sockets[0] != sockets[1]
    run([full / "bin" / "passlm", "serve", "--background"], check=False)  # unless one runs already
    try:
        before = json.loads(run([full / "bin" / "passlm", "serve", "--status", "--json"]).stdout)["counters"]
        # The plain install cannot run the model: an answer could only come from the other install's server
        # (a cache of its own: an install of the same version and model may reuse the other's predictions).
        result = compile_with(plain, empty, {"XDG_CACHE_HOME": str(empty / "cache"), "PASSLM_ENGINE": "model:default"})
        warnings = warning_lines(result.stderr)
        assert len(warnings) == 1, result.stderr
        warning = warnings[0]
        assert "[model] extra" in warning, warning
        after = json.loads(run([full / "bin" / "passlm", "serve", "--status", "--json"]).stdout)["counters"]
        assert after["predictions"] == before["predictions"]
    finally:
        run([full / "bin" / "passlm", "serve", "--stop"], check=False)
        run([plain / "bin" / "passlm", "serve", "--stop"], check=False)


@pytest.mark.slow
def test_an_engine_another_package_registers(plain, tmp_path):
    package = write_tree(tmp_path / "tiny-engine", {
        "pyproject.toml": """\
            [build-system]
            requires = ["setuptools>=61"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "passlm-tiny-engine"
            version = "1.0"

            [project.entry-points."passlm.engines"]
            tiny = "tiny_engine:TinyEngine"
            """,
        "tiny_engine.py": TINY_ENGINE})
    run([plain / "bin" / "python", "-m", "pip", "install", "-q", package], timeout=600)
    ir = tmp_path / "x.ll"
    (tmp_path / "x.c").write_text(SOURCE)
    run(["clang-19", "-Oz", "-Xclang", "-disable-llvm-passes", "-emit-llvm", "-S", tmp_path / "x.c", "-o", ir])
    opt = paths.llvm_tool("opt")
    result = run([opt, f"-load-pass-plugin={plugin_of(plain)}", "-passes=passlm<guard=0;k=1;print>",
                  "-disable-output", ir], {"PASSLM_ENGINE": "tiny:default<O1>"})
    assert not warning_lines(result.stderr), result.stderr
    assert "'default<O1>'" in result.stderr
    unknown = run([opt, f"-load-pass-plugin={plugin_of(plain)}", "-passes=passlm", "-disable-output", ir],
                  {"PASSLM_ENGINE": "nosuch:x"})
    warnings = warning_lines(unknown.stderr)
    assert len(warnings) == 1, unknown.stderr
    warning = warnings[0]
    assert "unknown engine 'nosuch'" in warning and "tiny" in warning


@pytest.mark.slow
def test_mypy_sees_the_installed_package_typed(plain, tmp_path):
    sample = write_tree(tmp_path, {"use.py": textwrap.dedent("""\
        import passlm

        reveal_type(passlm.Module)
        reveal_type(passlm.load_module)
        reveal_type(passlm.make_engine)
        """)}) / "use.py"
    result = run([sys.executable, "-m", "mypy", "--python-executable", plain / "bin" / "python", "--no-incremental",
                  sample], check=False, cwd=tmp_path)
    assert 'Revealed type is "def (' in result.stdout and "passlm._core.Module" in result.stdout, result.stdout
    assert '"Any"' not in result.stdout and "error" not in result.stdout.replace("Revealed", ""), result.stdout
