"""passlm data build: --dir ingestion, duplicates, failures, caps, resume after a kill."""
from __future__ import annotations

import json
import signal
import time

import passlm
from passlm.compile import c_to_ir
from passlm.store import Store



def test_dir_stores_each_module_once_with_provenance(data_cli, tmp_path, example_dir):
    db = tmp_path / "c.db"
    done = data_cli.run("build", "--db", db, "--dir", example_dir)
    assert done.returncode == 0, done.stderr
    assert "3 stored, 1 duplicates, 1 failed, 0 done before" in done.stdout
    with Store(db) as store:
        assert store.count_modules() == 3
        infos = {store.module_info(h)["source"]: store.module_info(h) for h in store.module_hashes()}
        # hash.c and sub/hash_copy.c are the same module: stored once, under the first source.
        assert set(infos) in ({"hash.c", "sort.c", "crc32.c"}, {"sub/hash_copy.c", "sort.c", "crc32.c"})
        hash_info = infos.get("hash.c") or infos["sub/hash_copy.c"]
        # The IR form of docs/conventions.md: the same module as compile.c_to_ir gives.
        expected = passlm.Module.from_string(c_to_ir(example_dir / "hash.c"))
        assert hash_info["hash"] == expected.hash
        assert hash_info["instructions"] == expected.instruction_count
        assert store.load_module(hash_info["hash"]).instruction_count == expected.instruction_count
        for info in infos.values():
            assert info["origin"] == "dir"
            assert info["package"] == "proj"
            assert info["llvm_version"] == passlm.LLVM_VERSION
            command = info["command"]
            assert command[command.index("-Oz"):command.index("-Oz") + 5] == [
                "-Oz", "-Xclang", "-disable-llvm-passes", "-emit-llvm", "-c"]
            assert command[command.index(info["source"]) + 1:][:2] == ["-o", "-"]
            assert "-I" in command and str(example_dir) in command  # -working-directory ROOT


def test_failure_recorded_with_clangs_error(data_cli, tmp_path, example_dir):
    db = tmp_path / "c.db"
    assert data_cli.run("build", "--db", db, "--dir", example_dir).returncode == 0
    with Store(db) as store:
        failures = store.failures()
    assert len(failures) == 1
    failure = failures[0]
    assert failure["source"] == "sub/broken.c" and failure["origin"] == "dir" and failure["package"] == "proj"
    assert failure["reason"].startswith("sub/broken.c:2:")
    assert "error: use of undeclared identifier 'undefined_thing'" in failure["reason"]
    command = json.loads(data_cli.rows(db, "SELECT command FROM build_failures")[0][0])
    assert "sub/broken.c" in command and "-emit-llvm" in command


def test_flags_and_package_options(data_cli, tmp_path):
    src = tmp_path / "p"
    src.mkdir()
    (src / "needs_define.c").write_text("int f(void) { return VALUE; }\n")
    db = tmp_path / "c.db"
    done = data_cli.run("build", "--db", db, "--dir", src, "--package", "mine", "--flags=-DVALUE=42 -DOTHER")
    assert done.returncode == 0, done.stderr
    with Store(db) as store:
        [h] = store.module_hashes()
        info = store.module_info(h)
    assert info["package"] == "mine"
    assert "-DVALUE=42" in info["command"] and "-DOTHER" in info["command"]


def test_cap_per_package_is_deterministic(data_cli, tmp_path):
    src = tmp_path / "many"
    data_cli.sources(src, 6)
    (src / "src00.c").write_text("this does not compile\n")  # first in order: failures do not count
    chosen = []
    for run in range(2):
        db = tmp_path / f"cap{run}.db"
        done = data_cli.run("build", "--db", db, "--dir", src, "--max-per-package", 2)
        assert done.returncode == 0, done.stderr
        assert "2 stored" in done.stdout and "1 failed" in done.stdout
        chosen.append(sorted(r[0] for r in data_cli.rows(db, "SELECT source FROM modules")))
    assert chosen[0] == chosen[1] == ["src01.c", "src02.c"]
    # A package at its cap stays there; a larger cap adds the next sources in the same order.
    done = data_cli.run("build", "--db", db, "--dir", src, "--max-per-package", 2)
    assert "0 stored, 0 duplicates, 0 failed, 3 done before, 3 over the cap" in done.stdout
    done = data_cli.run("build", "--db", db, "--dir", src, "--max-per-package", 3)
    assert "1 stored" in done.stdout and "2 over the cap" in done.stdout
    assert sorted(r[0] for r in data_cli.rows(db, "SELECT source FROM modules")) == ["src01.c", "src02.c", "src03.c"]


def test_huge_bitcode_skipped_with_reason(data_cli, tmp_path):
    src = tmp_path / "big"
    data_cli.sources(src, 1, functions=20)
    db = tmp_path / "c.db"
    done = data_cli.run("build", "--db", db, "--dir", src, "--max-bitcode-mb", "0.001")
    assert done.returncode == 0, done.stderr
    assert data_cli.rows(db, "SELECT COUNT(*) FROM modules") == [(0,)]
    [(reason,)] = data_cli.rows(db, "SELECT reason FROM build_failures")
    assert reason.startswith("bitcode too large:")


def test_resume_after_kill(data_cli, tmp_path):
    src = tmp_path / "twenty"
    data_cli.sources(src, 20, functions=300)
    db = tmp_path / "c.db"
    proc = data_cli.popen("build", "--db", db, "--dir", src, "--jobs", 1)
    stored = 0
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if db.exists():
            try:
                stored = data_cli.rows(db, "SELECT COUNT(*) FROM modules")[0][0]
            except Exception:  # the schema may not be there yet
                stored = 0
            if stored >= 3:
                break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL, "the build ended before it could be killed"
    before = data_cli.rows(db, "SELECT hash, source, added FROM modules ORDER BY source")
    assert 3 <= len(before) < 20

    done = data_cli.run("build", "--db", db, "--dir", src, "--jobs", 1)
    assert done.returncode == 0, done.stderr
    # The rerun compiled only the rest: what was stored is skipped, nothing is lost or stored twice.
    assert f"{20 - len(before)} stored, 0 duplicates, 0 failed, {len(before)} done before" in done.stdout
    after = data_cli.rows(db, "SELECT hash, source, added FROM modules ORDER BY source")
    assert len(after) == 20 and len({r[1] for r in after}) == 20 and len({r[0] for r in after}) == 20
    assert set(before) <= set(after)
    assert data_cli.rows(db, "SELECT COUNT(*) FROM build_failures") == [(0,)]
    again = data_cli.run("build", "--db", db, "--dir", src)
    assert "0 stored, 0 duplicates, 0 failed, 20 done before" in again.stdout


def test_modules_do_not_depend_on_the_date(data_cli, tmp_path):
    src = tmp_path / "dated"
    src.mkdir()
    (src / "banner.c").write_text('const char *banner(void) { return "built " __DATE__ " " __TIME__; }\n')
    hashes = []
    for run in range(2):
        if run:
            time.sleep(1.1)
        db = tmp_path / f"d{run}.db"
        assert data_cli.run("build", "--db", db, "--dir", src).returncode == 0
        hashes.append(data_cli.rows(db, "SELECT hash FROM modules"))
    assert hashes[0] == hashes[1] and len(hashes[0]) == 1
