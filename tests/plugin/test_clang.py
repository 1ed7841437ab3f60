"""The plugin inside clang -Oz, as a build uses it: programs, objects, CMake, LTO."""
from __future__ import annotations

import re
import shutil

import pytest

from support import EXAMPLE_SOURCES, EXAMPLES, berkeley_size, run, warning_lines

SHORT_LISTS = "fixed:mem2reg,gvn,dse,function(loop-mssa(licm)),simplifycfg|module(sroa,inline,globaldce)|default<Oz>"
PIPELINES = [
    "instcombine<no-verify-fixpoint>,simplifycfg",
    "mem2reg,gvn,dse,function(loop-mssa(licm)),simplifycfg",
    "module(sroa,inline,globaldce)",
    "default<Oz>",
]


def clang_plugin(tools, plugin, args, env=None, check=True):
    return run([tools["clang"], "-Oz", f"-fpass-plugin={plugin}", *args], env, check=check)


@pytest.mark.parametrize("src", EXAMPLE_SOURCES, ids=lambda p: p.stem)
def test_every_example_runs_correctly(tools, plugin, tmp_path, src):
    exe = tmp_path / src.stem
    result = clang_plugin(tools, plugin, [src, "-o", exe], {"PASSLM_ENGINE": SHORT_LISTS, "PASSLM_PRINT": "1"})
    assert len(re.findall(r"^passlm: \S+: '", result.stderr, re.M)) == 1, result.stderr
    assert not warning_lines(result.stderr)
    assert run([exe]).stdout == src.with_suffix(".expected").read_text()


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("name", ["interp", "sort", "statemachine"])
def test_object_identical_to_opt_then_codegen(tools, plugin, tmp_path, pipeline, name):
    """clang + plugin with pipeline P == opt -passes=P on clang's IR, then codegen."""
    src = EXAMPLES / f"{name}.c"
    clang_plugin(tools, plugin, ["-c", src, "-o", tmp_path / "plugin.o"],
                 {"PASSLM_ENGINE": f"fixed:{pipeline}", "PASSLM_GUARD": "0", "PASSLM_STRICT": "1"})
    ir, opt_out = tmp_path / "m.bc", tmp_path / "m.opt.bc"
    run([tools["clang"], "-Oz", "-Xclang", "-disable-llvm-passes", "-emit-llvm", "-c", src, "-o", ir])
    # clang builds PIE code by default: opt needs the same relocation model,
    # which changes what some passes do (relative lookup tables).
    run([tools["opt"], "-relocation-model=pic", f"-passes={pipeline}", ir, "-o", opt_out])
    run([tools["clang"], "-Oz", "-Xclang", "-disable-llvm-passes", "-c", opt_out, "-o", tmp_path / "ref.o"])
    assert (tmp_path / "plugin.o").read_bytes() == (tmp_path / "ref.o").read_bytes()


def test_baseline_engine_object_equals_plain_clang_oz(tools, plugin, tmp_path):
    src = EXAMPLES / "hash.c"
    clang_plugin(tools, plugin, ["-c", src, "-o", tmp_path / "p.o"], {"PASSLM_ENGINE": "fixed:default<Oz>"})
    run([tools["clang"], "-Oz", "-c", src, "-o", tmp_path / "oz.o"])
    assert (tmp_path / "p.o").read_bytes() == (tmp_path / "oz.o").read_bytes()


@pytest.mark.parametrize("name", ["interp", "bigint"])
def test_by_default_the_shipped_coreset_chooses(tools, plugin, tmp_path, llvm_size, example_bcs, debug_line, name):
    """No PASSLM_ENGINE nor PASSLM_K: clang asks coreset:default for DEFAULT_K candidates and
    measures each beside -Oz; the guard keeps one of them or -Oz."""
    import passlm
    from passlm.defaults import DEFAULT_K
    from passlm.engine import make_engine

    src, exe = EXAMPLES / f"{name}.c", tmp_path / name
    env = {"PASSLM_PRINT": "1", "PASSLM_DEBUG": "1"}  # and no PASSLM_ENGINE (run() clears PASSLM_*)
    result = clang_plugin(tools, plugin, ["-c", src, "-o", tmp_path / "p.o"], env)
    assert not warning_lines(result.stderr), result.stderr
    assert int(debug_line(result.stderr)["trials"]) == DEFAULT_K + 1
    printed = re.search(r"^passlm: \S+: '(.*)' (\d+) bytes, -Oz (\d+) bytes", result.stderr, re.M)
    pipeline, size, oz = printed[1], int(printed[2]), int(printed[3])
    proposed = [c.pipeline for c in make_engine("coreset:default").predict(
        passlm.Module.from_file(str(example_bcs[name])).to_text(), DEFAULT_K)]
    assert pipeline in proposed + ["default<Oz>"]
    run([tools["clang"], "-Oz", "-c", src, "-o", tmp_path / "oz.o"])
    assert size == berkeley_size(llvm_size, tmp_path / "p.o") <= berkeley_size(llvm_size, tmp_path / "oz.o") == oz
    run([tools["clang"], tmp_path / "p.o", "-o", exe])
    assert run([exe]).stdout == src.with_suffix(".expected").read_text()


def test_other_levels_are_left_alone(tools, plugin, tmp_path):
    src = EXAMPLES / "hash.c"
    result = clang_plugin(tools, plugin, ["-O2", "-c", src, "-o", tmp_path / "p.o"], {"PASSLM_PRINT": "1"})
    assert "passlm:" not in result.stderr
    run([tools["clang"], "-O2", "-c", src, "-o", tmp_path / "o2.o"])
    assert (tmp_path / "p.o").read_bytes() == (tmp_path / "o2.o").read_bytes()


@pytest.mark.parametrize("env,words", [
    ({"PASSLM_PYTHON": "/nonexistent/python3", "PASSLM_SERVER": "off"}, "libpython"),  # a server would need no Python
    ({"PASSLM_ENGINE": "python:{engines}:raises"}, "RuntimeError: engine exploded"),
    ({"PASSLM_ENGINE": "python:{engines}:crashes_llvm", "PASSLM_GUARD": "0"}, "LICM requires MemorySSA"),
    ({"PASSLM_ENGINE": "python:{engines}:sleeps", "PASSLM_TIMEOUT_MS": "500"}, "did not answer within 500 ms"),
])
def test_failures_still_build_a_working_program(tools, plugin, tmp_path, engine_file, env, words):
    env = {k: v.format(engines=engine_file) for k, v in env.items()}
    src, exe = EXAMPLES / "bigint.c", tmp_path / "bigint"
    result = clang_plugin(tools, plugin, [src, "-o", exe], env)
    (warning,) = warning_lines(result.stderr)
    assert words in warning and warning.endswith("; using default<Oz>")
    assert run([exe]).stdout == src.with_suffix(".expected").read_text()
    strict = clang_plugin(tools, plugin, ["-c", src, "-o", tmp_path / "s.o"], {**env, "PASSLM_STRICT": "1"}, check=False)
    assert strict.returncode != 0 and words in strict.stderr


@pytest.mark.slow
def test_cmake_project_builds_and_runs(tools, plugin, tmp_path):
    cmake = shutil.which("cmake")
    assert cmake, "cmake is needed (apt-get install cmake)"
    project, build = EXAMPLES / "cmake_project", tmp_path / "build"
    run([cmake, "-S", project, "-B", build, f"-DCMAKE_C_COMPILER={tools['clang']}",
         f"-DCMAKE_C_FLAGS=-Oz -fpass-plugin={plugin}"])
    result = run([cmake, "--build", build, "--", "-j2"], {"PASSLM_ENGINE": SHORT_LISTS, "PASSLM_PRINT": "1"})
    sources = sorted((project / "src").glob("*.c"))
    assert len(re.findall(r"^passlm: \S+: '", result.stderr, re.M)) == len(sources), result.stderr
    assert run([build / "calc"]).stdout == (project / "expected_output.txt").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("lto", ["thin", "full"])
def test_lto_builds_once_per_module(tools, plugin, tmp_path, lto):
    """Under LTO the plugin replaces the pre-link pipeline of each compile, once."""
    project = EXAMPLES / "cmake_project"
    objects, printed = [], 0
    for src in sorted((project / "src").glob("*.c")):
        obj = tmp_path / (src.stem + ".o")
        result = clang_plugin(tools, plugin, [f"-flto={lto}", "-I", project / "include", "-c", src, "-o", obj],
                              {"PASSLM_ENGINE": SHORT_LISTS, "PASSLM_PRINT": "1"})
        printed += len(re.findall(r"^passlm: \S+: '", result.stderr, re.M))
        objects.append(obj)
    assert printed == len(objects)
    exe = tmp_path / "calc"
    link = run([tools["clang"], "-Oz", f"-flto={lto}", "-fuse-ld=lld", *objects, "-o", exe,
                f"-Wl,--load-pass-plugin={plugin}"], {"PASSLM_PRINT": "1"})
    assert "passlm:" not in link.stderr  # no second application at link time
    assert run([exe]).stdout == (project / "expected_output.txt").read_text()


@pytest.mark.slow
def test_concurrent_thinlto_backends_run_passlm(tools, plugin, tmp_path):
    """lld runs ThinLTO backends on threads; passlm as their pipeline is thread-safe."""
    project = EXAMPLES / "cmake_project"
    objects = []
    for src in sorted((project / "src").glob("*.c")):
        obj = tmp_path / (src.stem + ".o")
        run([tools["clang"], "-Oz", "-flto=thin", "-I", project / "include", "-c", src, "-o", obj])
        objects.append(obj)
    exe = tmp_path / "calc"
    result = run([tools["clang"], "-Oz", "-flto=thin", "-fuse-ld=lld", *objects, "-o", exe,
                  f"-Wl,--load-pass-plugin={plugin}", "-Wl,--lto-newpm-passes=passlm", "-Wl,--thinlto-jobs=4"],
                 {"PASSLM_ENGINE": SHORT_LISTS, "PASSLM_PRINT": "1"})
    assert len(re.findall(r"^passlm: \S+: '", result.stderr, re.M)) == len(objects), result.stderr
    assert not warning_lines(result.stderr)
    assert run([exe]).stdout == (project / "expected_output.txt").read_text()
