"""An API that never dies: ``Module.evaluate(..., isolated=True)`` and a loader
that refuses what is not a module file.

Pipelines that parse and then abort LLVM (report_fatal_error) end the process
that runs them; evaluated in a child, they are a ``PipelineCrash`` carrying
LLVM's message, and this interpreter goes on.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest

import passlm
from passlm import Module, PipelineCrash, _core
from passlm.defaults import OZ
from passlm.errors import CodegenError, IRParseError, PassLMError, PipelineError, VerifierError

from conftest import REPO

#: Pipelines that parse and then abort LLVM 19 on examples/matrix.c, with LLVM's message.
ABORTING = {
    "sroa,licm": "LICM requires MemorySSA (loop-mssa)",
    "loop(licm)": "LICM requires MemorySSA (loop-mssa)",
    "instcombine": "Instruction Combining did not reach a fixpoint after 1 iterations",
}


@pytest.fixture(scope="module")
def matrix(example_bcs) -> Module:
    return Module.from_file(str(example_bcs["matrix"]))


def test_in_process_evaluation_of_these_pipelines_ends_the_interpreter(example_bcs):
    """Why isolation is needed: the same call in-process is an LLVM ERROR and an exit, no exception."""
    code = ("import sys, passlm\n"
            "m = passlm.Module.from_file(sys.argv[1])\n"
            "try:\n    m.evaluate(sys.argv[2])\nexcept Exception:\n    print('caught')\n")
    done = subprocess.run([sys.executable, "-c", code, str(example_bcs["matrix"]), "sroa,licm"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "caught" not in done.stdout
    assert "LLVM ERROR: LICM requires MemorySSA" in done.stderr


@pytest.mark.parametrize("pipeline", sorted(ABORTING))
def test_llvm_abort_is_a_pipeline_crash_with_llvms_message(matrix, pipeline):
    with pytest.raises(PipelineCrash) as caught:
        matrix.evaluate(pipeline, isolated=True)
    crash = caught.value
    assert crash.message == ABORTING[pipeline]
    assert crash.pipeline == pipeline and crash.returncode not in (0, None)
    assert ABORTING[pipeline] in str(crash) and pipeline in str(crash)
    assert isinstance(crash, PassLMError)
    assert matrix.evaluate(OZ)[1] > 0  # this process and its module are fine


@pytest.mark.parametrize("pipeline", ["", OZ, "sroa,loop-mssa(licm)", "function(instcombine<max-iterations=4>)",
                                      "module(sroa,inline,globaldce)"])
def test_isolated_figures_are_the_in_process_ones(example_bcs, pipeline):
    for name in ("matrix", "sort", "bigint"):
        module = Module.from_file(str(example_bcs[name]))
        assert module.evaluate(pipeline, isolated=True) == module.evaluate(pipeline), (name, pipeline)


def test_isolated_raises_the_in_process_errors_with_their_fields(matrix):
    with pytest.raises(PipelineError) as caught:
        matrix.evaluate("function(no-such-pass)", isolated=True)
    assert caught.value.pipeline == "function(no-such-pass)"
    assert "no-such-pass" in caught.value.message
    assert not isinstance(caught.value, PipelineCrash)


def test_a_child_past_its_timeout_is_a_crash(matrix):
    with pytest.raises(PipelineCrash, match="did not finish within") as caught:
        matrix.evaluate(OZ, isolated=True, timeout=0.001)  # the child cannot even start in a millisecond
    assert caught.value.returncode is None


def test_isolated_is_keyword_only(matrix):
    with pytest.raises(TypeError):
        matrix.evaluate(OZ, True, True)


@pytest.mark.parametrize("error", [
    IRParseError("expected type", "f.ll", 3, 8),
    PipelineError("unknown pass name 'x'", "x"),
    PipelineCrash("LICM requires MemorySSA (loop-mssa)", "licm", 1),
    VerifierError("broken"),
    CodegenError("no target"),
])
def test_errors_cross_a_process_boundary_unchanged(error):
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and str(copy) == str(error) and vars(copy) == vars(error)


# ------------------------------------------------------------- loading


def assert_refused(path, errno_name: str, words: str):
    with pytest.raises(OSError) as caught:
        Module.from_file(str(path))
    assert caught.value.errno == getattr(__import__("errno"), errno_name)
    assert caught.value.filename == str(path)
    assert words in caught.value.strerror


def test_a_symlink_to_dev_zero_is_refused_not_read(tmp_path):
    link = tmp_path / "zero.ll"
    link.symlink_to("/dev/zero")
    assert_refused(link, "EINVAL", "is a character device, not a module file")


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.bc"
    os.mkfifo(fifo)
    assert_refused(fifo, "EINVAL", "is a FIFO")


def test_a_directory_is_refused(tmp_path):
    assert_refused(tmp_path, "EISDIR", "is a directory")


def test_a_file_over_the_limit_is_refused(tmp_path):
    big = tmp_path / "big.ll"
    with open(big, "wb") as f:
        f.truncate(_core.MAX_MODULE_FILE_BYTES + 1)  # sparse: costs no disk
    assert_refused(big, "EFBIG", "over the limit of 512 MiB")


def test_ir_text_of_a_whole_number_of_pages_reads(tmp_path, example_bcs):
    """The IR lexer needs a NUL after the text: a file of 16 KiB or more whose size is a multiple of
    the page size was mapped without one, and parsing read past the mapping (SIGSEGV, now and then).
    In a child, so that a crash fails this test only."""
    text = Module.from_file(str(example_bcs["matrix"])).to_text().encode()
    page = os.sysconf("SC_PAGE_SIZE")
    padded = text + b"\n" + b";" * (-(len(text) + 2) % page) + b"\n"
    assert len(padded) % page == 0 and len(padded) >= 4 * page
    path = tmp_path / "pages.ll"
    path.write_bytes(padded)
    code = "import sys, passlm\nfor _ in range(20):\n    passlm.Module.from_file(sys.argv[1])\nprint('read')\n"
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "read"), done.stderr


def test_load_module_names_the_refused_file(tmp_path):
    from passlm.compile import load_module

    link = tmp_path / "zero.bc"
    link.symlink_to("/dev/zero")
    with pytest.raises(OSError, match="zero.bc"):
        load_module(link)


# ------------------------------------------------------------- the CLI


def test_passlm_size_reports_a_crashing_pipeline_per_file_and_goes_on(passlm_exe, example_bcs, tmp_path):
    zero = tmp_path / "zero.ll"
    zero.symlink_to("/dev/zero")
    files = [str(example_bcs["matrix"]), str(zero)]
    done = subprocess.run([str(passlm_exe), "size", "--passes", "sroa,licm", *files], capture_output=True,
                          text=True, cwd=REPO, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("passlm: error: ")]
    assert errors == [
        f"passlm: error: {files[0]}: pipeline 'sroa,licm' crashed LLVM: LICM requires MemorySSA (loop-mssa)",
        f"passlm: error: {zero}: is a character device, not a module file",
    ]
    fine = subprocess.run([str(passlm_exe), "size", "--json", "--passes", "sroa,loop-mssa(licm)", files[0]],
                          capture_output=True, text=True, cwd=REPO, timeout=300, stdin=subprocess.DEVNULL)
    assert fine.returncode == 0, fine.stderr
    assert passlm.PipelineCrash is PipelineCrash


def test_isolated_evaluation_loads_the_plugins_loaded_here(example_bcs):
    """A pipeline naming a plugin's pass works in the child as it does here (the plugin: passlm's own)."""
    code = ("import os, sys, passlm, passlm.paths\n"
            "os.environ['PASSLM_ENGINE'] = 'fixed:function(sroa)|default<Oz>'\n"
            "m = passlm.Module.from_file(sys.argv[1])\n"
            "try:\n    m.evaluate('passlm', isolated=True)\nexcept passlm.PipelineError:\n    print('unknown')\n"
            "passlm.load_pass_plugin(str(passlm.paths.plugin_path()))\n"
            "print(m.evaluate('passlm', isolated=True) == m.evaluate('passlm'))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASSLM_")}
    done = subprocess.run([sys.executable, "-c", code, str(example_bcs["sort"])], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.stdout.split() == ["unknown", "True"], done.stderr
