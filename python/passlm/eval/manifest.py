"""What an evaluation records about itself, so its numbers can be traced and
re-run: versions, the checkout's commit, the engine (and the hash of the
model files it names), the machine and the time.
"""
from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional


def git_commit() -> Optional[str]:
    """HEAD of the git checkout passlm's Python sources live in, or None."""
    here = Path(__file__).resolve().parent
    try:
        done = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) == 40 else None


def machine() -> dict:
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "cpu_count": os.cpu_count(),
        "python": f"{platform.python_version()} ({sys.executable})",
    }


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def software() -> dict:
    import passlm

    return {"passlm_version": passlm.__version__, "git_commit": git_commit(), "llvm_version": passlm.LLVM_VERSION}
