"""apt's source entries, read in both forms, and the deb-src entry passlm derives from them."""
from __future__ import annotations

import textwrap

import pytest

from passlm.data import apt
from passlm.data.build import DataError


@pytest.fixture
def apt_files(tmp_path, monkeypatch):
    """Writes apt source files (name -> text) and makes them the machine's."""
    def write(files: dict) -> None:
        paths = []
        for name, text in files.items():
            path = tmp_path / name
            path.write_text(textwrap.dedent(text))
            paths.append(path)
        monkeypatch.setattr(apt, "_apt_files", lambda: paths)

    return write


def test_deb_src_mirrors_the_main_deb_entry(apt_files):
    apt_files({
        "sources.list": """\
            # a comment
            deb [arch=amd64 signed-by=/usr/share/keyrings/k.gpg] http://mirror.example/debian bookworm main contrib
            deb http://mirror.example/debian-security bookworm-security main
            """,
        "extra.sources": """\
            Types: deb
            URIs: http://other.example/debian
            Suites: bookworm-updates
            Components: main
            Enabled: no
            """,
    })
    assert [e["suites"] for e in apt._entries()] == [["bookworm"], ["bookworm-security"]]
    assert not apt.has_deb_src()
    assert apt.deb_src_stanza() == ("Types: deb-src\nURIs: http://mirror.example/debian\nSuites: bookworm\n"
                                    "Components: main\nSigned-By: /usr/share/keyrings/k.gpg\n")


def test_deb822_entries_and_an_existing_deb_src(apt_files):
    apt_files({"debian.sources": """\
        Types: deb deb-src
        URIs: http://mirror.example/debian
        Suites: trixie trixie-updates
        Components: main
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
        """})
    (entry,) = apt._entries()
    assert entry["types"] == ["deb", "deb-src"] and entry["suites"] == ["trixie", "trixie-updates"]
    assert apt.has_deb_src()
    assert "Suites: trixie trixie-updates\n" in apt.deb_src_stanza()


def test_no_main_entry_is_a_data_error(apt_files):
    apt_files({"sources.list": "deb http://mirror.example/debian-security bookworm-security main\n"})
    with pytest.raises(DataError, match="no Debian 'deb' entry with component main"):
        apt.deb_src_stanza()


def test_versions_without_epoch():
    assert apt.no_epoch("1:2.4-1") == "2.4-1" and apt.no_epoch("2.4-1") == "2.4-1"
