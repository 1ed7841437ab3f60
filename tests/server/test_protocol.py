"""The socket's lines and private folder, as both ends use them."""
from __future__ import annotations

import os
import socket

import pytest

import passlm
from passlm import messages, paths
from passlm.server import protocol


def test_a_message_is_one_line_with_its_version():
    line = messages.encode(messages.status())
    assert line.endswith(b"\n") and b"\n" not in line[:-1]
    assert messages.loads(line[:-1]) == {"version": 2, "op": "status"}


@pytest.mark.parametrize("line,message", [(b"{oops", "not JSON"), (b"[1]", "JSON object"),
                                          (b'{"op": "status"}', "no protocol version"),
                                          (b'{"version": 7}', "unsupported protocol version 7")])
def test_bad_messages_say_what_is_wrong(line, message):
    with pytest.raises(messages.ProtocolError, match=message):
        messages.loads(line)


def test_read_line_stops_at_the_limit():
    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"a" * 5000 + b"\n" + b'{"next": 1}\n')
        buffer = bytearray()
        with pytest.raises(messages.ProtocolError, match="larger than the server's limit of 1000 bytes"):
            protocol.read_line(right, 1000, buffer)
    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"one\ntwo\n")
        left.close()
        buffer = bytearray()
        assert [protocol.read_line(right, 100, buffer) for _ in range(3)] == [b"one", b"two", None]


def test_runtime_folder_is_private(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert protocol.default_socket() == str(tmp_path / "passlm" / protocol.socket_name())
    assert protocol.socket_name() == f"server-{passlm.__version__}-{paths.install_id()}.sock"
    protocol.ensure_private_dir(protocol.runtime_dir())
    assert (tmp_path / "passlm").stat().st_mode & 0o777 == 0o700
    os.chmod(tmp_path / "passlm", 0o755)
    with pytest.raises(protocol.UnsafePathError, match="open to other users"):
        protocol.ensure_private_dir(protocol.runtime_dir())


def test_someone_elses_folder_is_refused(tmp_path):
    if os.getuid() == 0:  # root can give a folder away; others find one that is not theirs
        folder = tmp_path / "theirs"
        folder.mkdir(mode=0o700)
        os.chown(folder, 65534, 65534)
    else:
        folder = "/"
    with pytest.raises(protocol.UnsafePathError, match="owned by user"):
        protocol.check_private(str(folder), directory=True)


def test_socket_paths_have_a_length_limit():
    with pytest.raises(ValueError, match="at most 107 bytes"):
        protocol.check_socket_path("/tmp/" + "x" * 120)
