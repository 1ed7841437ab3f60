"""Debian versions in dpkg's order."""
from __future__ import annotations

from passlm.data.debversion import DebianVersion


def test_debian_version_order():
    ordered = ["1.0~rc1-1", "1.0-1", "1.0-1+deb12u1", "1.0a-1", "1.2-1", "1.10-1", "1:0.1-1"]
    assert sorted(reversed(ordered), key=DebianVersion) == ordered


def test_tilde_epoch_and_missing_revision():
    assert DebianVersion("1.0~~a") < DebianVersion("1.0~") < DebianVersion("1.0") < DebianVersion("1.0.1")
    assert DebianVersion("1.0") < DebianVersion("1:0.1") and not DebianVersion("1:0.1") < DebianVersion("9.9")
    # No revision is revision "0"; digits compare as numbers, so leading zeros do not count.
    same = (DebianVersion("1.0"), DebianVersion("1.0-0"), DebianVersion("01.00-00"))
    assert not any(a < b for a in same for b in same)
