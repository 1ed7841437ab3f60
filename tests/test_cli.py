"""The passlm command, run as a user runs it (the venv's console script)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import passlm
from passlm import paths
from passlm.compile import load_module

from conftest import REPO


def run(exe, *args, cwd=REPO):
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, cwd=cwd, timeout=300,
        stdin=subprocess.DEVNULL,
    )


def assert_user_error(done, *expected):
    """Exit 1, a `passlm: error:` line naming what went wrong, no traceback."""
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("passlm: error: ")]
    assert errors, done.stderr
    for text in expected:
        assert text in done.stderr, (text, done.stderr)


def table_rows(stdout: str):
    """Rows of the size table as lists of cells (header dropped)."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    assert lines[0].split()[:2] == ["file", "pipeline"]
    return [line.split() for line in lines[1:]]


# ------------------------------------------------------------------ info, plugin-path


def test_info(passlm_exe):
    done = run(passlm_exe, "info")
    assert done.returncode == 0, done.stderr
    fields = {}
    for line in done.stdout.splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    assert fields["passlm"] == passlm.__version__
    assert fields["llvm"] == passlm.LLVM_VERSION
    assert fields["python"].startswith(".".join(map(str, sys.version_info[:3])))
    assert str(Path(sys.executable).parent) in fields["python"]
    assert fields["torch"]  # a version or "not installed"
    assert fields["plugin"].startswith(str(paths.plugin_path()))
    assert fields["plugin"].endswith("(present)" if paths.plugin_path().is_file() else "(not built)")
    assert fields["engine"].startswith("coreset:default ")
    from passlm.engine.model import DEFAULT_MODEL_DIR

    assert fields["model"].startswith(f"model:default = {DEFAULT_MODEL_DIR} (")
    assert " M parameters, " in fields["model"] and "not present" not in fields["model"]


def test_info_does_not_import_torch(passlm_exe):
    code = (
        "import sys\n"
        "from passlm.cli import main\n"
        "assert main(['info']) == 0\n"
        "assert 'torch' not in sys.modules\n"
        "assert 'gymnasium' not in sys.modules  # passlm gym registers without the [gym] extra\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_plugin_path(passlm_exe):
    done = run(passlm_exe, "plugin-path")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    assert os.path.isabs(lines[0])
    assert lines[0] == str(paths.plugin_path())
    assert lines[0].endswith("libpasslm.so")


def test_python_dash_m(passlm_exe):
    done = subprocess.run(
        [sys.executable, "-m", "passlm", "plugin-path"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == run(passlm_exe, "plugin-path").stdout
    done = subprocess.run([sys.executable, "-m", "passlm", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and passlm.__version__ in done.stdout


# ------------------------------------------------------------------ size


def test_size_table(passlm_exe):
    files = ["examples/sort.c", "examples/crc32.c", "examples/bits.c"]
    done = run(passlm_exe, "size", *files)
    assert done.returncode == 0, done.stderr
    rows = table_rows(done.stdout)
    assert [(r[0], r[1]) for r in rows] == [(f, p) for f in files for p in ("-O0", "-Oz")]
    for f in files:
        module = load_module(REPO / f)
        o0 = module.evaluate("")
        oz = module.evaluate("default<Oz>")
        got = {r[1]: (int(r[2]), int(r[3])) for r in rows if r[0] == f}
        assert got == {"-O0": o0, "-Oz": oz}
    # Aligned columns: every line has the same width up to the last column.
    lines = done.stdout.splitlines()
    size_col = lines[0].index("object size") + len("object size")
    assert all(len(line) == size_col for line in lines)


def test_size_json_all_examples(passlm_exe, example_sources, example_bcs):
    files = [str(p.relative_to(REPO)) for p in example_sources.values()]
    files.append(str(example_bcs["sort"]))  # bitcode too
    done = run(passlm_exe, "size", "--json", *files)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert len(rows) == 2 * len(files)
    assert [r["file"] for r in rows] == [f for f in files for _ in range(2)]
    for row in rows:
        assert {"file", "pipeline", "instructions", "object_size"} <= set(row)
        assert row["pipeline"] in ("", "default<Oz>")
    by_file = {}
    for row in rows:
        by_file.setdefault(row["file"], {})[row["pipeline"]] = (row["instructions"], row["object_size"])
    for f, got in by_file.items():
        module = load_module(REPO / f)
        assert got == {p: module.evaluate(p) for p in ("", "default<Oz>")}, f


def test_size_with_passes(passlm_exe):
    pipeline = "module(sroa,inline,globaldce)"
    files = ["examples/sort.c", "examples/hash.c"]
    done = run(passlm_exe, "size", "--passes", pipeline, "--json", *files)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [(r["file"], r["pipeline"]) for r in rows] == [
        (f, p) for f in files for p in (pipeline, "default<Oz>")
    ]
    for f in files:
        module = load_module(REPO / f)
        mine = module.evaluate(pipeline)
        oz = module.evaluate("default<Oz>")
        got = {r["pipeline"]: r for r in rows if r["file"] == f}
        assert (got[pipeline]["instructions"], got[pipeline]["object_size"]) == mine
        assert (got["default<Oz>"]["instructions"], got["default<Oz>"]["object_size"]) == oz
        assert got[pipeline]["size_vs_oz"] == pytest.approx(mine[1] / oz[1] - 1)

    table = run(passlm_exe, "size", "--passes", pipeline, *files)
    assert table.returncode == 0, table.stderr
    header = table.stdout.splitlines()[0]
    assert "vs -Oz" in header
    rows = table_rows(table.stdout)
    for f in files:
        module = load_module(REPO / f)
        mine, oz = module.evaluate(pipeline), module.evaluate("default<Oz>")
        (row,) = [r for r in rows if r[0] == f and r[1] == pipeline]
        assert (int(row[2]), int(row[3])) == mine
        assert row[4] == f"{(mine[1] / oz[1] - 1) * 100:+.2f}%"
        (base,) = [r for r in rows if r[0] == f and r[1] == "-Oz"]
        assert base[4] == "(base)"


def test_size_of_ll_file(passlm_exe, example_bcs, tmp_path):
    module = passlm.Module.from_file(str(example_bcs["rle"]))
    ll = tmp_path / "rle.ll"
    ll.write_text(module.to_text())
    done = run(passlm_exe, "size", "--json", str(ll))
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [(r["instructions"], r["object_size"]) for r in rows] == [
        module.evaluate(""),
        module.evaluate("default<Oz>"),
    ]


# ------------------------------------------------------------------ errors


def test_missing_file(passlm_exe, tmp_path):
    missing = tmp_path / "nope.bc"
    assert_user_error(run(passlm_exe, "size", str(missing)), str(missing), "No such file")


def test_missing_source_file(passlm_exe, tmp_path):
    missing = tmp_path / "nope.c"
    assert_user_error(run(passlm_exe, "size", str(missing)), str(missing), "No such file")


def test_bad_ir_reports_file_line_column(passlm_exe, tmp_path):
    bad = tmp_path / "bad.ll"
    bad.write_text("define i32 @f(i32 %a) {\n  %b = add i32 %a, 1\n  %c = bogus i32 %b\n  ret i32 %c\n}\n")
    done = run(passlm_exe, "size", str(bad))
    assert_user_error(done, f"passlm: error: {bad}:3:8: expected instruction opcode")


def test_truncated_bitcode(passlm_exe, example_bcs, tmp_path):
    cut = tmp_path / "cut.bc"
    cut.write_bytes(example_bcs["sort"].read_bytes()[:200])
    assert_user_error(run(passlm_exe, "size", str(cut)), f"passlm: error: {cut}")


def test_verifier_failure(passlm_exe, tmp_path):
    bad = tmp_path / "v.ll"
    bad.write_text(
        "define i32 @f(i1 %c) {\nentry:\n  br i1 %c, label %a, label %b\n"
        "a:\n  %x = add i32 1, 2\n  br label %b\nb:\n  ret i32 %x\n}\n"
    )
    assert_user_error(run(passlm_exe, "size", str(bad)), "dominate")


@pytest.mark.parametrize("pipeline", ["nosuchpass", "instcombine(", "sroa,globaldce"])
def test_bad_pipeline(passlm_exe, pipeline, opt, example_bcs):
    llvm = subprocess.run(
        [opt, f"-passes={pipeline}", str(example_bcs["sort"]), "-o", os.devnull],
        capture_output=True, text=True,
    )
    message = llvm.stderr.strip().split(": ", 1)[1]  # drop "opt-19: "
    done = run(passlm_exe, "size", "--passes", pipeline, "examples/sort.c")
    assert_user_error(done, message, pipeline)
    assert done.stdout == ""


def test_clang_failure(passlm_exe, tmp_path):
    src = tmp_path / "broken.c"
    src.write_text("int f(int x) {\n  return x +;\n}\n")
    done = run(passlm_exe, "size", str(src))
    assert_user_error(done, f"passlm: error: {src}", f"{src}:2:")


def test_unknown_suffix(passlm_exe, tmp_path):
    odd = tmp_path / "notes.txt"
    odd.write_text("hi\n")
    assert_user_error(run(passlm_exe, "size", str(odd)), str(odd), "unknown kind of file")


def test_one_bad_file_among_good_ones(passlm_exe, tmp_path):
    missing = tmp_path / "gone.ll"
    done = run(passlm_exe, "size", "--json", "examples/sort.c", str(missing), "examples/bits.c")
    assert_user_error(done, str(missing))
    rows = json.loads(done.stdout)  # the good files are still measured
    assert sorted({r["file"] for r in rows}) == ["examples/bits.c", "examples/sort.c"]


@pytest.mark.parametrize(
    "args", [[], ["size"], ["frobnicate"], ["size", "--bogus", "x.c"]], ids=str
)
def test_usage_errors_exit_2(passlm_exe, args):
    done = run(passlm_exe, *args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert "usage:" in done.stderr and "error:" in done.stderr


def test_help(passlm_exe):
    done = run(passlm_exe, "--help")
    assert done.returncode == 0
    for command in ("info", "plugin-path", "size"):
        assert command in done.stdout
    done = run(passlm_exe, "size", "--help")
    assert done.returncode == 0 and "--passes" in done.stdout and "--json" in done.stdout


def test_directory_is_a_user_error(passlm_exe, tmp_path):
    assert_user_error(run(passlm_exe, "size", str(tmp_path)), str(tmp_path), "Is a directory")


# ------------------------------------------------------------------ the rules every command keeps


def test_info_json(passlm_exe):
    done = run(passlm_exe, "info", "--json")
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert info["passlm"] == passlm.__version__ and info["llvm"] == passlm.LLVM_VERSION
    assert info["python"]["executable"] == sys.executable
    assert info["plugin"] == {"path": str(paths.plugin_path()), "present": paths.plugin_path().is_file()}
    assert info["engine"] == "coreset:default" and info["model"]["spec"] == "model:default"


def test_plugin_path_json(passlm_exe):
    done = run(passlm_exe, "plugin-path", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"path": str(paths.plugin_path()), "present": True}


@pytest.mark.parametrize("args", [
    ["data"], ["eval"], ["eval", "examples", "-k", "0"], ["eval", "--replay", "x.json", "-k", "2"],
    ["tune", "examples/bits.c", "--db", "{tmp}/t.db", "--budget", "1"], ["size", "-j", "0", "examples/bits.c"],
    ["data", "build", "--db", "{tmp}/c.db", "--dir", "examples", "--jobs", "0"],
    ["coreset", "--db", "{tmp}/c.db", "-k", "0", "-o", "{tmp}/c.json"], ["serve", "--json"],
    ["train", "--task", "disasm", "--out", "{tmp}/m"],
], ids=" ".join)
def test_usage_errors_of_every_command_exit_2(passlm_exe, tmp_path, args):
    done = run(passlm_exe, *[a.format(tmp=tmp_path) for a in args])
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "error: " in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing created


@pytest.mark.parametrize("package, command", [("data", "data"), ("eval", "eval"), ("server", "serve")])
def test_python_dash_m_of_a_package_is_its_subcommand(passlm_exe, package, command):
    alone = subprocess.run([sys.executable, "-m", f"passlm.{package}", "--help"], capture_output=True, text=True)
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout == run(passlm_exe, command, "--help").stdout
    assert f"usage: passlm {command}" in alone.stdout


def test_only_entry_points_import_the_main_command():
    """Subcommands register themselves: below passlm.cli nothing imports it back."""
    import ast

    root = Path(passlm.__file__).parent
    importers = []
    for path in root.rglob("*.py"):
        package = path.relative_to(root.parent).parts[:-1]  # what relative imports start from
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = ".".join(package[: len(package) - node.level + 1] if node.level else ())
                module = ".".join(filter(None, (base, node.module)))
                targets = {module, *(f"{module}.{a.name}" for a in node.names)}
            elif isinstance(node, ast.Import):
                targets = {a.name for a in node.names}
            else:
                continue
            if "passlm.cli" in targets:
                importers.append(str(path.relative_to(root)))
    assert importers and all(p.endswith("__main__.py") for p in importers), importers


# ------------------------------------------------------------------ demo

SLOW_ENGINE = """\
import time


def predict(ir_text, k, facts):
    if "slow" in facts.name:  # the IR it is given has no file name
        time.sleep(4)
    return ["default<Oz>"]
"""


def demo_examples(tmp_path, *names):
    folder = tmp_path / "examples"
    folder.mkdir()
    for name in names:
        source = REPO / "examples" / f"{name.split('_')[-1]}.c"
        (folder / f"{name}.c").write_text(source.read_text())
        (folder / f"{name}.expected").write_text(source.with_suffix(".expected").read_text())
    return folder


def test_demo_prints_each_row_as_it_is_built(passlm_exe, tmp_path):
    examples = demo_examples(tmp_path, "a_bits", "b_slow_sort")
    (tmp_path / "engine.py").write_text(SLOW_ENGINE)
    process = subprocess.Popen([str(passlm_exe), "demo", "--examples", str(examples),
                                "--engine", f"python:{tmp_path / 'engine.py'}:predict"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        lines = []
        while not (lines and lines[-1].startswith("a_bits.c")):
            lines.append(process.stdout.readline())
            assert lines[-1], (lines, process.stderr.read())
        first_row = time.monotonic()
        assert lines[-2].split() == ["program", "bytes", "-Oz", "change", "output", "chosen", "pipeline"]
        assert lines[-1].split()[-2:] == ["ok", "default<Oz>"]
        rest, err = process.communicate(timeout=300)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert time.monotonic() - first_row > 3  # the row came while b_slow_sort.c was being built (4 s)
    assert rest.splitlines()[0].startswith("b_slow_sort.c") and "improvement over -Oz" in rest


def test_demo_json(passlm_exe, tmp_path):
    examples = demo_examples(tmp_path, "bits")
    done = run(passlm_exe, "demo", "--json", "--examples", examples, "--engine", "fixed:default<Oz>")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    (row,) = doc["programs"]
    assert row["program"] == "bits.c" and row["output_ok"] and row["size"] == row["oz_size"]
    assert doc["engine"] == "fixed:default<Oz>" and doc["improvement"]["ties"] == 1 and doc["outputs_ok"] == 1


def test_demo_with_a_source_that_does_not_compile_is_one_error_line(passlm_exe, tmp_path):
    examples = demo_examples(tmp_path, "bits")
    (examples / "broken.c").write_text("int main(void) { return x; }\n")
    done = run(passlm_exe, "demo", "--examples", examples, "--engine", "fixed:default<Oz>")
    assert_user_error(done, f"{examples / 'broken.c'}", "use of undeclared identifier 'x'")
    assert len(done.stderr.splitlines()) == 1, done.stderr
