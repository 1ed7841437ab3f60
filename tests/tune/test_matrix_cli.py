"""passlm tune --matrix: every pool pipeline, and -Oz, measured on every module
(the dense matrix a ranking model trains on); a second run has nothing left to do."""
from __future__ import annotations

import sys
from pathlib import Path

from passlm.defaults import OZ
from passlm.engine.coreset import Coreset
from passlm.store import Store
from support import EXAMPLES, run

PASSLM = str(Path(sys.executable).with_name("passlm"))
POOL = ("function(instcombine<no-verify-fixpoint>),default<Oz>", "function(sroa),default<Oz>", "globaldce")


def test_matrix_fills_every_pair_then_resumes(tmp_path):
    pool = tmp_path / "pool.json"
    Coreset(POOL).save(pool)
    db = tmp_path / "m.db"
    files = [EXAMPLES / "bits.c", EXAMPLES / "crc32.c", EXAMPLES / "sieve.c"]
    first = run([PASSLM, "tune", *files, "--db", db, "--matrix", pool, "--limit", "2"], timeout=600)
    assert "matrix: 4 pipelines x 2 modules, 8 evaluations to run" in first.stderr
    with Store(db) as store:
        measured = {m: {e.pipeline for e in store.evaluations(m)} for m in store.module_hashes()}
    assert sorted(len(p) for p in measured.values()) == [0, 4, 4]  # --limit 2: the third module untouched
    assert set().union(*measured.values()) == {OZ, *POOL}
    again = run([PASSLM, "tune", *files[:2], "--db", db, "--matrix", pool], timeout=600)
    assert "8 modules" not in again.stderr and "0 evaluations to run" in again.stderr


def test_matrix_rejects_a_bad_pool_file(tmp_path):
    bad = tmp_path / "pool.json"
    bad.write_text('{"format": "passlm-coreset", "version": 1, "pipelines": "default<Oz>"}')
    done = run([PASSLM, "tune", EXAMPLES / "bits.c", "--db", tmp_path / "m.db", "--matrix", bad], check=False)
    assert done.returncode == 1 and done.stderr.startswith("passlm: error: ") and "pool.json" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "m.db").exists()
