"""Screening's cache: verdicts in a store (per LLVM version; a pass per corpus), nothing run again."""
from __future__ import annotations

import json

import pytest

import passlm
from passlm import screen as S
from screen.conftest import REPO, counters


@pytest.mark.slow
def test_default_oz_passes_and_is_cached(screen_cache, store):
    result = S.screen("default<Oz>", store=store)
    assert result.status == "pass", result.summary()
    assert result.reason is None and not result.cached
    assert len(result.programs) == len(S.corpus_programs()) + 10
    assert all(p.ok for p in result.programs)
    assert sum(p.program.startswith("csmith-") for p in result.programs) == 10
    row = store.screening("default<Oz>")
    assert row["status"] == "pass" and row["llvm_version"] == passlm.LLVM_VERSION
    assert json.loads(row["detail"])["corpus"] == result.corpus

    before = counters()
    again = S.screen("default<Oz>", store=store)
    assert again.status == "pass" and again.cached and again.corpus == result.corpus
    assert counters() == before  # no IR, opt, link or run: the store answered


def test_cache_rules(screen_cache, store, tmp_path):
    crc = REPO / "examples" / "crc32.c"
    # A result recorded under another LLVM version is not reused.
    store.record_screening("mem2reg,loop(licm)", "pass", json.dumps({}), "18.1.8")
    again = S.screen("mem2reg,loop(licm)", store=store, programs=[crc], csmith=0)
    assert (again.cached, again.reason) == (False, S.COMPILER_CRASH)
    assert store.screening("mem2reg,loop(licm)")["llvm_version"] == passlm.LLVM_VERSION
    # A reject stands for any corpus; a pass only for the corpus it was made on.
    assert S.screen("mem2reg,loop(licm)", store=store, programs=[REPO / "examples" / "rle.c"], csmith=0).cached
    first = S.screen("default<O1>", store=store, programs=[crc], csmith=0)
    assert first.passed and not first.cached
    assert S.screen("default<O1>", store=store, programs=[crc], csmith=0).cached
    other = S.screen("default<O1>", store=store, programs=[REPO / "examples" / "rle.c"], csmith=0)
    assert other.passed and not other.cached
    # A path works as well as a Store.
    assert S.screen("default<O1>", store=store.path, programs=[REPO / "examples" / "rle.c"], csmith=0).cached
