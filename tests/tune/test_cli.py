"""passlm tune's command line: --budget counts what its help says, --json is
JSON on stdout, and a run that fails leaves no new store behind."""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from passlm.pipelines.space import candidate_elements
from passlm.store import Store
from passlm.tune.search import TuneConfig
from support import EXAMPLES, run

PASSLM = str(Path(sys.executable).with_name("passlm"))


def test_budget_counts_what_the_help_says(tmp_path):
    help_text = " ".join(run([PASSLM, "tune", "--help"]).stdout.split())
    defaults = TuneConfig()
    assert f"evaluations per module (default {defaults.budget}). Besides:" in help_text
    assert f"up to {defaults.minimize_extra} more per module" in help_text
    assert f"on the first {defaults.admit_modules} modules, every candidate pass alone (admission" in help_text

    db = tmp_path / "t.db"
    done = run([PASSLM, "tune", EXAMPLES / "bits.c", "--db", db, "--budget", "8", "--json"], timeout=600)
    report = json.loads(done.stdout)  # the report, as JSON, is all there is on stdout
    assert report["summary"]["measured"] == 1
    with Store(db) as store:
        (module,) = store.module_hashes()
        by_strategy = Counter(e.strategy for e in store.evaluations(module))
    admission = by_strategy.pop("admission")
    assert admission == len(candidate_elements())  # every candidate element alone, once
    searched = sum(by_strategy.values())
    assert 8 <= searched <= 8 + defaults.minimize_extra
    assert set(by_strategy) <= {"baseline", "random", "broadcast", "local", "minimize"}
    summary = re.search(r"(\d+) evaluations \((\d+) admitting candidate passes, (\d+) searching", done.stderr)
    assert summary and tuple(map(int, summary.groups())) == (admission + searched, admission, searched)


def test_failures_leave_no_new_store(tmp_path):
    missing = run([PASSLM, "tune", tmp_path / "nope.c", "--db", tmp_path / "a.db"], check=False)
    assert missing.returncode == 1 and missing.stderr.startswith("passlm: error: ")
    empty = run([PASSLM, "tune", "--db", tmp_path / "b.db", "--report"], check=False)
    assert empty.returncode == 1 and "no modules to tune" in empty.stderr
    usage = run([PASSLM, "tune", EXAMPLES / "bits.c", "--db", tmp_path / "c.db", "--budget", "1"], check=False)
    assert usage.returncode == 2 and "--budget: must be at least 2" in usage.stderr
    assert list(tmp_path.iterdir()) == []
    for done in (missing, empty, usage):
        assert "Traceback" not in done.stderr
