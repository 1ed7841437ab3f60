"""passlm data split (by package, never by module) and passlm data stats."""
from __future__ import annotations

import json

import pytest

import passlm
from passlm.compile import c_to_ir
from passlm.data.split import choose_split
from passlm.store import Provenance, Store

from support import EXAMPLE_SOURCES

PACKAGES = ["alpha", "beta", "gamma", "delta", "epsilon"]


@pytest.fixture(scope="module")
def bitcodes():
    return [c_to_ir(p) for p in EXAMPLE_SOURCES]


@pytest.fixture
def corpus(tmp_path, bitcodes):
    """12 modules in 5 packages (2 or 3 each), one failure."""
    db = tmp_path / "c.db"
    with Store(db) as store:
        for i, (path, bitcode) in enumerate(zip(EXAMPLE_SOURCES, bitcodes)):
            m = passlm.Module.from_string(bitcode)
            package = PACKAGES[i % len(PACKAGES)]
            store.add_module(m.hash, bitcode, Provenance(source=path.name, origin="debian",
                                                         llvm_version=passlm.LLVM_VERSION, package=package,
                                                         version="1.0-1", licence="MIT"), m.instruction_count)
        store.record_failure("debian", "broken.c", "broken.c:1:1: error: expected ';'", package="beta")
    return db


def _splits(db) -> dict[str, set]:
    with Store(db) as store:
        out: dict[str, set] = {}
        for h in store.module_hashes():
            info = store.module_info(h)
            out.setdefault(info["package"], set()).add(info["split"])
    return out


def test_split_by_fraction_never_splits_a_package(data_cli, corpus):
    done = data_cli.run("split", "--db", corpus, "--test-fraction", "0.4", "--seed", "0")
    assert done.returncode == 0, done.stderr
    splits = _splits(corpus)
    assert all(len(s) == 1 for s in splits.values()), splits
    test = sorted(p for p, s in splits.items() if s == {"test"})
    assert len(test) == 2 and sorted(p for p, s in splits.items() if s == {"train"}) == sorted(
        set(PACKAGES) - set(test))
    assert f"test: 2 packages: {', '.join(test)}" in done.stdout
    # Deterministic: the same again; another seed may choose others but still whole packages.
    assert data_cli.run("split", "--db", corpus, "--test-fraction", "0.4", "--seed", "0").stdout == done.stdout
    assert _splits(corpus) == splits
    assert data_cli.run("split", "--db", corpus, "--test-fraction", "0.4", "--seed", "1",
                        "--valid-fraction", "0.25").returncode == 0
    again = _splits(corpus)
    assert all(len(s) == 1 for s in again.values())
    assert sorted(next(iter(s)) for s in again.values()).count("valid") == 1


def test_split_by_name(data_cli, corpus):
    done = data_cli.run("split", "--db", corpus, "--test-packages", "beta,delta", "--valid-packages", "alpha")
    assert done.returncode == 0, done.stderr
    assert _splits(corpus) == {"alpha": {"valid"}, "beta": {"test"}, "delta": {"test"}, "gamma": {"train"},
                               "epsilon": {"train"}}


def test_choose_split_rules():
    packages = [f"p{i}" for i in range(10)]
    a = choose_split(packages, test_fraction=0.2, seed=0)
    assert list(a.values()).count("test") == 2 and a == choose_split(reversed(packages), test_fraction=0.2, seed=0)
    assert list(choose_split(packages, test_fraction=0.01).values()).count("test") == 1  # at least one
    assert set(choose_split(["only"], test_fraction=0.2).values()) == {"train"}
    with pytest.raises(ValueError, match="unknown package for the test split: nope"):
        choose_split(packages, test_packages=["nope"])
    with pytest.raises(ValueError, match="must be in"):
        choose_split(packages, test_fraction=1.5)


def test_stats(data_cli, corpus):
    data_cli.run("split", "--db", corpus, "--test-packages", "beta")
    done = data_cli.run("stats", "--db", corpus, "--json")
    assert done.returncode == 0, done.stderr
    s = json.loads(done.stdout)
    assert s["modules"] == len(EXAMPLE_SOURCES) and s["failures"] == 1
    per_package = {row["package"]: row for row in s["packages"]}
    assert sorted(per_package) == sorted(PACKAGES)
    assert sum(row["modules"] for row in s["packages"]) == len(EXAMPLE_SOURCES)
    assert per_package["beta"]["failures"] == 1 and per_package["beta"]["split"] == "test"
    assert per_package["alpha"]["version"] == "1.0-1" and per_package["alpha"]["licence"] == "MIT"
    assert s["origins"] == {"debian": len(EXAMPLE_SOURCES)}
    assert s["failures_per_package"] == {"beta": 1}
    assert s["failure_reasons"] == {"beta": {"error: expected ';'": 1}}
    assert s["splits"]["test"] == {"modules": per_package["beta"]["modules"], "packages": 1}
    assert s["splits"]["train"]["packages"] == 4
    text = data_cli.run("stats", "--db", corpus)
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["package", "origin", "version", "modules", "failed", "split", "licence"]
    assert any(line.split()[:6] == ["beta", "debian", "1.0-1", str(per_package["beta"]["modules"]), "1", "test"]
               for line in lines)
    assert f"modules: {len(EXAMPLE_SOURCES)} in 5 packages; failures: 1" in text.stdout
