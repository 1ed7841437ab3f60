"""Debian source packages: header search, job order, the work dir lock; one real package (slow)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from passlm.data.build import DataError
from passlm.data.debian import WorkdirLock, package_jobs
from passlm.data.sources import HeaderIndex
from passlm.store import Store
from support import write_tree


def test_header_index_nearest_folder(tmp_path):
    write_tree(tmp_path, {"src/a/common.h": "", "src/b/common.h": "", "src/a/x/use.c": "", "include/sys/q.h": "",
                     "debian/common.h": ""})
    index = HeaderIndex(tmp_path, exclude_dirs=("debian",))
    assert index.resolve("src/a/x/use.c:1:10: fatal error: 'common.h' file not found") == "src/a"
    assert index.resolve("src/b/z.h:1:10: fatal error: 'common.h' file not found") == "src/b"
    assert index.resolve("src/a/x/use.c:2:10: fatal error: 'sys/q.h' file not found") == "include"
    assert index.resolve("use.c:2:10: fatal error: 'gmp.h' file not found") is None
    assert index.resolve("use.c:2:10: error: expected ';'") is None


def test_package_jobs(tmp_path):
    root = write_tree(tmp_path / "pkg", {
        "config.h": "#define ANSWER 42\n",
        "src/main.c": "#include <config.h>\n#include \"util.h\"\nint main(void) { return ANSWER + util(); }\n",
        "lib/util.h": "int util(void);\n",
        "lib/util.c": "#include \"util.h\"\nint util(void) { return 1; }\n",
        "tests/t1.c": "int t1(void) { return 0; }\n",
        "win32/only.c": "#include <windows.h>\n",
        "debian/rules": "",
    })
    jobs = package_jobs(root, "pkg", "1.0-1", "MIT", flags=("-DEXTRA",))
    assert [j.source for j in jobs][-1] == "tests/t1.c"  # main code first; other platforms left out
    assert sorted(j.source for j in jobs) == ["lib/util.c", "src/main.c", "tests/t1.c"]
    write_tree(root, {"m4/gnulib-comp.m4": "  gl_source_base='lib'\n"})  # lib/ is gnulib's: after the own code
    assert [j.source for j in package_jobs(root, "pkg", "1.0-1", "MIT")] == ["src/main.c", "lib/util.c",
                                                                              "tests/t1.c"]
    main = next(j for j in jobs if j.source == "src/main.c")
    assert main.cwd == str(root) and main.path == "src/main.c"
    assert "-DHAVE_CONFIG_H" in main.flags and main.flags[-1] == "-DEXTRA"
    assert {(main.origin, main.package, main.version, main.licence)} == {("debian", "pkg", "1.0-1", "MIT")}


def test_workdir_lock(tmp_path):
    with WorkdirLock(tmp_path):
        with pytest.raises(DataError, match="another passlm data build is using this work dir"):
            with WorkdirLock(tmp_path):
                pass
    with WorkdirLock(tmp_path):
        pass


# ------------------------------------------------------------ a real package

PACKAGE = "hello"  # GNU hello: tiny, C, autoconf + gnulib
NETWORK_ERRORS = ("Temporary failure resolving", "Could not resolve", "Failed to fetch", "Unable to connect",
                  "Network is unreachable", "Could not connect", "Connection timed out", "Connection failed")


@pytest.fixture(scope="module")
def apt_reaches_archive(tmp_path_factory):
    """Skips (only) when apt cannot reach its archive; other apt problems fail the test."""
    if not shutil.which("apt-get"):
        pytest.skip("no apt-get here")
    where = tmp_path_factory.mktemp("apt-probe")
    try:
        done = subprocess.run(["apt-get", "source", "--download-only", "--print-uris", PACKAGE], cwd=where,
                              capture_output=True, text=True, timeout=120)
        uris = [line.split()[0].strip("'") for line in done.stdout.splitlines() if line.startswith("'")]
        if done.returncode != 0 or not uris:
            return  # let the build report it
        probe = subprocess.run(["apt-get", "source", "--download-only", PACKAGE], cwd=where,
                               capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        pytest.skip("apt cannot reach its archive (no network): apt-get timed out")
    if probe.returncode != 0 and any(e in probe.stderr for e in NETWORK_ERRORS):
        line = next(line for line in probe.stderr.splitlines() if any(e in line for e in NETWORK_ERRORS))
        pytest.skip(f"apt cannot reach its archive (no network): {line.strip()}")


@pytest.mark.slow
def test_debian_package(data_cli, tmp_path, apt_reaches_archive):
    db, work = tmp_path / "c.db", tmp_path / "work"
    done = data_cli.run("build", "--db", db, "--debian", PACKAGE, "--workdir", work, timeout=900)
    assert done.returncode == 0, done.stderr
    candidate = subprocess.run(["apt-cache", "showsrc", "--only-source", PACKAGE], capture_output=True,
                               text=True).stdout
    versions = [line.split()[1] for line in candidate.splitlines() if line.startswith("Version:")]
    with Store(db) as store:
        infos = {store.module_info(h)["source"]: store.module_info(h) for h in store.module_hashes()}
        failures = store.failures()
    assert "src/hello.c" in infos and len(infos) >= 10
    hello = infos["src/hello.c"]
    assert (hello["origin"], hello["package"]) == ("debian", PACKAGE) and hello["version"] in versions
    assert hello["licence"].startswith("GPL")
    assert "-DHAVE_CONFIG_H" in hello["command"] and hello["command"][-1] == str(
        work.resolve() / "src" / f"{PACKAGE}_{hello['version'].split(':')[-1]}")
    assert all(f["package"] == PACKAGE and "error" in f["reason"] for f in failures)

    # Again: nothing downloaded, configured or compiled.
    again = data_cli.run("build", "--db", db, "--debian", PACKAGE, "--workdir", work)
    assert again.returncode == 0, again.stderr
    assert "apt-get source" not in again.stderr and "configure" not in again.stderr
    stored, duplicates, failed = map(int, re.search(r"(\d+) stored, (\d+) duplicates, (\d+) failed",
                                                    done.stdout).groups())
    assert (stored, failed) == (len(infos), len(failures))
    assert f"0 stored, 0 duplicates, 0 failed, {stored + duplicates + failed} done before" in again.stdout

    # A recipe pinned to a version apt does not offer: said clearly, the actual version recorded.
    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps({"packages": [{"name": PACKAGE, "version": "0.1-1"}], "max_per_package": 5,
                                  "split": {"test_packages": [PACKAGE]}}))
    db2 = tmp_path / "r.db"
    done = data_cli.run("build", "--db", db2, "--recipe", recipe, "--workdir", work)
    assert done.returncode == 0, done.stderr
    assert f"passlm: warning: {PACKAGE}: version 0.1-1 is pinned but apt offers" in done.stderr
    with Store(db2) as store:
        assert store.count_modules() == 5
        assert {store.module_info(h)["version"] for h in store.module_hashes()} == {hello["version"]}
        assert {store.module_info(h)["split"] for h in store.module_hashes()} == {"test"}
