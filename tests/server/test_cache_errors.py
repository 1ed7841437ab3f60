"""A cache that fails (a corrupted page, not a cache at all, a full disk, a
read-only folder) turns itself off with one log line: every request is still
answered, uncached. ``passlm cache clear`` recovers a corrupted file."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from passlm import messages
from passlm.server import client
from passlm.server.cache import PredictionCache
from serving import Running

ENGINE = "fixed:default<Oz>"
FAILED = "answering uncached from now on"


def predict(server: Running, module_hash: str) -> dict:
    message = messages.predict(ENGINE, 1, "define void @f() {\n  ret void\n}\n", messages.module_facts("m", module_hash))
    return client.call(str(server.socket), message, 20.0)


def filled_cache(path: Path, rows: int = 400) -> None:
    with PredictionCache(path) as cache:
        for i in range(rows):
            cache.put("some engine", f"hash {i}", 1, [{"pipeline": "default<Oz>", "score": float(i)}])
            cache.put_verdict(f"verdict {i}", "default<Oz>", i, i + 1)


def corrupt_pages(path: Path, first: int = 2, count: int = 3, page: int = 4096) -> None:
    with open(path, "r+b") as f:
        f.seek((first - 1) * page)
        f.write(bytes(range(256)) * (count * page // 256))


def assert_answered_uncached(server: Running, requests: int = 3) -> None:
    for i in range(requests):
        reply = predict(server, f"new hash {i}")
        assert reply["candidates"][0]["pipeline"] == "default<Oz>" and reply["cached"] is False
    assert server.status()["cache"] is None  # the status says it is off
    text = server.log.read_text()
    assert text.count(FAILED) == 1, text  # one line, however many requests met it


@pytest.fixture
def corrupted(short_dir) -> Path:
    path = short_dir / "cache.sqlite3"
    filled_cache(path)
    corrupt_pages(path)
    return path


def test_a_corrupted_page_degrades_to_uncached(short_dir, corrupted):
    server = Running(short_dir, ENGINE, "--cache", str(corrupted))
    try:
        assert_answered_uncached(server)
        assert "malformed" in server.log.read_text()
    finally:
        server.stop()


def test_a_file_that_is_no_cache_degrades_to_uncached(short_dir):
    path = short_dir / "cache.sqlite3"
    path.write_text("this is no SQLite database, but the user's notes\n" * 100)
    server = Running(short_dir, ENGINE, "--cache", str(path))
    try:
        assert_answered_uncached(server)
        assert "not a passlm cache" in server.log.read_text()
    finally:
        server.stop()
    assert path.read_text().startswith("this is no SQLite database")  # left as it was


def test_cache_clear_moves_a_corrupted_file_aside(corrupted, passlm_exe):
    def cache(*args):
        return subprocess.run([str(passlm_exe), "cache", *args, "--cache", str(corrupted)], capture_output=True,
                              text=True, timeout=60)

    stats = cache("stats")
    assert stats.returncode == 1 and "unreadable" in stats.stderr and "passlm cache clear moves it aside" in stats.stderr
    cleared = cache("clear")
    assert cleared.returncode == 0, cleared.stderr
    aside = corrupted.with_name("cache.sqlite3.corrupt")
    assert cleared.stdout.strip() == (f"cleared {corrupted}: it was unreadable (database disk image is malformed); "
                                      f"moved it aside to {aside} and created an empty cache")
    assert aside.exists()
    assert json.loads(cache("stats", "--json").stdout)["predictions"] == 0  # a sound, empty cache
    assert "cleared" in cache("clear").stdout and not corrupted.with_name("cache.sqlite3.corrupt.1").exists()


@pytest.fixture
def small_disk(short_dir):
    """A 1 MB file system of our own (tmpfs), for a full or read-only disk; skipped where we may not mount."""
    folder = short_dir / "disk"
    folder.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(folder)],
                           capture_output=True, text=True)
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mount.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError as e:
        assert e.strerror == "No space left on device"
    finally:
        os.close(fd)


def test_a_full_disk_degrades_to_uncached_and_answers(short_dir, small_disk):
    path = small_disk / "cache.sqlite3"
    filled_cache(path, rows=20)
    server = Running(short_dir, ENGINE, "--cache", str(path))
    try:
        assert predict(server, "hash 0")["cached"] is False  # cached now, while there is room
        fill(small_disk)
        assert_answered_uncached(server)  # the inference ran; its answer is not lost with the write
        assert "full" in server.log.read_text()
    finally:
        server.stop()


def test_a_read_only_folder_degrades_to_uncached(short_dir, request):
    # Root writes whatever the modes say: for root, a file system mounted read-only.
    folder = request.getfixturevalue("small_disk") if os.getuid() == 0 else short_dir / "disk"
    folder.mkdir(exist_ok=True)
    path = folder / "cache.sqlite3"
    filled_cache(path, rows=20)
    if os.getuid() == 0:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    else:
        os.chmod(path, 0o400)
        os.chmod(folder, 0o500)
    server = Running(short_dir, ENGINE, "--cache", str(path))
    try:
        assert_answered_uncached(server)
        assert "not a passlm cache" not in server.log.read_text()  # it is one, only not writable
    finally:
        server.stop()
        if os.getuid() != 0:
            os.chmod(folder, 0o700)
