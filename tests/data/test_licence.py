"""The licence of a Debian source package and of each of its files, from debian/copyright."""
from __future__ import annotations


from passlm.data.licence import licence_for, licence_of
from support import write_tree


def test_licence_from_machine_readable_copyright(tmp_path):
    write_tree(tmp_path, {"debian/copyright": """\
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Upstream-Name: thing

        Files: debian/*
        Copyright: 2020 Someone
        License: GPL-2+

        Files: *
        Copyright: 2019 Upstream
        License: BSD-3-Clause

        Files: src/gpl/*
         tools/x.c
        Copyright: 2019 Upstream
        License: GPL-3+

        License: BSD-3-Clause
         Redistribution and use ...
        """})
    assert licence_of(tmp_path) == "BSD-3-Clause"
    assert licence_for(tmp_path, "src/a.c") == "BSD-3-Clause"
    assert licence_for(tmp_path, "src/gpl/sub/b.c") == "GPL-3+" == licence_for(tmp_path, "tools/x.c")


def test_licence_summary_of_free_text(tmp_path):
    write_tree(tmp_path, {"debian/copyright": """\
        This program is free software: you can redistribute it and/or modify
        it under the terms of the GNU General Public License as published by
        the Free Software Foundation, either version 3 of the License, or
        (at your option) any later version.
        """})
    assert licence_of(tmp_path) == "GPL-3+ (summary of debian/copyright)"
    assert licence_of(tmp_path / "nowhere") is None
