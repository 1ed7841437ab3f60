"""One evaluation in a child process: ``Module.evaluate(pipeline, isolated=True)``.

Some pipelines parse and then abort LLVM (report_fatal_error: ``licm``
without MemorySSA, ``instcombine`` short of a fixpoint) or crash it, and
nothing in-process survives that. So, as the plugin forks a trial, this runs
the evaluation in a child (an ``IsolatedProcess``: ``python -m
passlm.pipelines.isolated``) on the module's bitcode. Its result comes back,
or the error it raised (the same class, with the same fields: passlm's errors
pickle), or, when the child dies, ``PipelineCrash`` with LLVM's message: the
first error line the child printed on stderr.

Standard library only at import: the compiled core is imported in the child.
"""
from __future__ import annotations

import signal
import sys
from multiprocessing.connection import Connection, wait
from typing import Optional, Sequence

from ..errors import PassLMError, PipelineCrash
from .process import IsolatedProcess, child_connections

#: The name the child gives the module, as the in-process evaluation does
#: (it reads its bitcode snapshot under this name): same name, same figures.
SNAPSHOT_NAME = "snapshot"


def crash_message(printed: Sequence[str], returncode: Optional[int]) -> str:
    """LLVM's message from what a dead child printed: its first error line
    (without "LLVM ERROR: "), else its first line, else how it ended."""
    for line in printed:
        if "LLVM ERROR:" in line or "error:" in line.lower():
            return line.split("LLVM ERROR:", 1)[-1].strip()
    if printed:
        return printed[0]
    if returncode is not None and returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with status {returncode}"


def evaluate_isolated(bitcode: bytes, pipeline: str, timeout: Optional[float] = None,
                      plugins: Sequence[str] = ()) -> tuple[int, int]:
    """(instruction_count, object_size) of ``pipeline`` on the module in
    ``bitcode``, evaluated in a child process that first loads the pass
    ``plugins`` (those loaded in this process, when Module.evaluate calls).
    Raises what the evaluation raises (PipelineError, CodegenError, ...), or
    PipelineCrash when the child dies or is still running after ``timeout``
    seconds."""
    child = IsolatedProcess("passlm.pipelines.isolated", plugins)
    try:
        reply, timed_out = None, False
        try:
            child.requests.send((bitcode, pipeline))
            ready = wait([child.replies, child.sentinel], timeout)
            timed_out = not ready
            if child.replies in ready:
                reply = child.replies.recv()
        except (EOFError, OSError):  # the child died while we talked
            pass
        if timed_out:
            raise PipelineCrash(f"did not finish within {timeout:g} s", pipeline)
        if reply is None:
            returncode = child.process.wait()
            raise PipelineCrash(crash_message(child.printed(), returncode), pipeline, returncode)
        status, value = reply
        if status == "error":
            raise value
        return value
    finally:
        child.close()


def _child_main(requests: Connection, replies: Connection, plugins: Sequence[str]) -> None:
    """Evaluate requests until the pipe closes; each reply is ("ok", figures)
    or ("error", the exception)."""
    import passlm

    try:
        for plugin in plugins:
            passlm.load_pass_plugin(plugin)
        unusable = None
    except OSError as e:  # every request gets the reason
        unusable = e
    while True:
        try:
            bitcode, pipeline = requests.recv()
        except EOFError:
            return
        try:
            if unusable:
                raise unusable
            # verify=False: the in-process evaluation reads its snapshot
            # unverified too, and verifies what the pipeline makes of it.
            module = passlm.Module.from_string(bitcode, name=SNAPSHOT_NAME, verify=False)
            replies.send(("ok", tuple(module.evaluate(pipeline, memo=False))))
        except Exception as e:  # PassLMError and the rest: raised again in the parent
            try:
                replies.send(("error", e))
            except Exception:  # an error that does not pickle: its text then
                replies.send(("error", PassLMError(f"{type(e).__name__}: {e}")))


if __name__ == "__main__":
    _child_main(*child_connections(sys.argv), sys.argv[3:])
