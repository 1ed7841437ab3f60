"""A socket in a folder others share (world-writable and sticky, like /tmp):
what another user put there under the names of the server's log and lock is
refused, never followed or written; the server's own files are private."""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from passlm import messages
from passlm.server import client
from serving import Running, serve

ENGINE = ("--engine", "fixed:default<Oz>", "--cache", "off")
OTHER_USER = 65534
needs_root = pytest.mark.skipif(os.getuid() != 0, reason="needs root to give a file to another user")


@pytest.fixture
def shared():
    """(a world-writable sticky folder, a private folder of the files a link may point to)."""
    with tempfile.TemporaryDirectory(prefix="pls") as top:
        folder, victims = Path(top, "shared"), Path(top, "victims")
        folder.mkdir()
        os.chmod(folder, 0o1777)
        victims.mkdir(mode=0o700)
        yield folder, victims


def start(folder: Path):
    return serve(folder / "x.sock", "--background", *ENGINE, check=False)


def assert_refused(result, *words):
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "refusing" in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr


@pytest.mark.parametrize("owner", ["me", pytest.param("another user", marks=needs_root)])
@pytest.mark.parametrize("name", ["x.log", "x.sock.lock", "x.sock"])
@pytest.mark.parametrize("target", ["existing", "dangling"])
def test_a_planted_symlink_is_refused_never_followed(shared, owner, name, target):
    folder, victims = shared
    victim = victims / "precious"
    if target == "existing":
        victim.write_text("precious\n")
    os.symlink(victim, folder / name)
    if owner == "another user":
        os.lchown(folder / name, OTHER_USER, OTHER_USER)
    result = start(folder)
    assert_refused(result, "symbolic link" if name != "x.sock" else "not a socket")
    if target == "existing":
        assert victim.read_text() == "precious\n"  # not appended to, not truncated
    else:
        assert not victim.exists()  # not created at the link's target
    assert os.path.islink(folder / name)  # refused, left as it is
    for other in set(folder.iterdir()) - {folder / name}:  # anything else there is the server's own file
        info = os.lstat(other)
        assert stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and other.name in ("x.log", "x.sock.lock")


@needs_root
@pytest.mark.parametrize("name", ["x.log", "x.sock.lock"])
def test_another_users_file_is_refused(shared, name):
    folder, _ = shared
    (folder / name).write_text("theirs\n")
    os.chown(folder / name, OTHER_USER, OTHER_USER)
    assert_refused(start(folder), f"owned by user {OTHER_USER}")
    assert (folder / name).read_text() == "theirs\n"


@pytest.mark.parametrize("kind", ["hard link", "fifo", "open to others"])
def test_a_planted_hard_link_fifo_or_open_file_is_refused(shared, kind):
    folder, victims = shared
    victim = victims / "precious"
    victim.write_text("precious\n")
    if kind == "hard link":
        os.link(victim, folder / "x.log")
    elif kind == "fifo":
        os.mkfifo(folder / "x.log", 0o600)
    else:
        (folder / "x.log").write_text("")
        os.chmod(folder / "x.log", 0o622)
    assert_refused(start(folder), {"hard link": "other hard link", "fifo": "not a regular file",
                                   "open to others": "open to other users"}[kind])
    assert victim.read_text() == "precious\n"


def test_a_folder_others_may_write_is_refused_unless_sticky(shared):
    folder, _ = shared
    os.chmod(folder, 0o777)
    assert_refused(start(folder), "others may write to this folder and it is not sticky")
    assert list(folder.iterdir()) == []
    os.chmod(folder, 0o1777)  # sticky: the server's own files are safe there
    started = start(folder)
    assert started.returncode == 0, started.stderr
    try:
        for name in ("x.sock", "x.sock.lock", "x.log"):
            info = os.lstat(folder / name)
            assert info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) == 0o600, name
    finally:
        serve(folder / "x.sock", "--stop")
    assert not (folder / "x.sock").exists()
    assert "serving on" in (folder / "x.log").read_text()


def test_a_log_named_elsewhere_is_checked_too(shared):
    folder, victims = shared
    os.symlink(victims / "precious", folder / "elsewhere.log")
    private = Path(tempfile.mkdtemp(prefix="pls", dir=victims))
    result = serve(private / "x.sock", "--background", *ENGINE, "--log", str(folder / "elsewhere.log"), check=False)
    assert_refused(result, "symbolic link")
    assert not (victims / "precious").exists() and not (private / "x.sock").exists()


def test_a_cache_in_a_folder_others_may_write_is_not_used(shared, short_dir):
    """SQLite follows links for the cache and its -wal and -shm: a server answers uncached instead."""
    folder, victims = shared
    os.symlink(victims / "precious", folder / "cache.sqlite3-wal")
    server = Running(short_dir, "fixed:default<Oz>", "--cache", str(folder / "cache.sqlite3"))
    try:
        message = messages.predict("fixed:default<Oz>", 1, "ir", messages.module_facts("m", "h"))
        assert client.call(str(server.socket), message, 20.0)["cached"] is False
        assert "others may write to this folder (owner" in server.log.read_text()
        assert server.status()["cache"] is None
    finally:
        server.stop()
    assert not (victims / "precious").exists() and not (folder / "cache.sqlite3").exists()
