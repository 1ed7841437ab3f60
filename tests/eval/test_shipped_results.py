"""The README's "reproduce our numbers" command works on this checkout."""
import sys
from pathlib import Path

from support import REPO, run


def test_shipped_record_replays():
    result = run([Path(sys.executable).with_name("passlm"), "eval", "--replay", "results/examples.json"],
                 cwd=REPO, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every number reproduces" in result.stdout
