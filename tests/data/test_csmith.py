"""passlm data build --csmith N --seed S: reproducible random programs."""
from __future__ import annotations

from passlm.store import Store


def _modules(db):
    with Store(db) as store:
        return {store.module_info(h)["source"]: store.module_info(h) for h in store.module_hashes()}


def test_same_seed_same_module(data_cli, tmp_path, csmith):
    runs = []
    for n in range(2):
        db, work = tmp_path / f"c{n}.db", tmp_path / f"work{n}"
        done = data_cli.run("build", "--db", db, "--csmith", 2, "--seed", 7, "--workdir", work)
        assert done.returncode == 0, done.stderr
        runs.append(_modules(db))
    # Programs are generated anew in each work dir; the modules are the same.
    assert set(runs[0]) == {"csmith-7.c", "csmith-8.c"}
    assert {s: i["hash"] for s, i in runs[0].items()} == {s: i["hash"] for s, i in runs[1].items()}
    info = runs[0]["csmith-7.c"]
    assert info["origin"] == "csmith" and info["package"] == "csmith"
    assert info["version"] and info["licence"] == "BSD-2-Clause"
    assert "-emit-llvm" in info["command"] and "csmith-7.c" in info["command"]
    assert (tmp_path / "work0" / f"csmith-{info['version']}" / "csmith-7.c").read_text().count("Seed:") >= 1


def test_csmith_resumes(data_cli, tmp_path, csmith):
    db, work = tmp_path / "c.db", tmp_path / "work"
    assert data_cli.run("build", "--db", db, "--csmith", 1, "--seed", 3, "--workdir", work).returncode == 0
    done = data_cli.run("build", "--db", db, "--csmith", 2, "--seed", 3, "--workdir", work)
    assert done.returncode == 0, done.stderr
    assert "1 stored, 0 duplicates, 0 failed, 1 done before" in done.stdout
    assert sorted(_modules(db)) == ["csmith-3.c", "csmith-4.c"]
