"""Debian version numbers, ordered as dpkg orders them.

A version is ``[epoch:]upstream[-revision]``; ``sorted(versions,
key=DebianVersion)`` puts them in dpkg's order: epochs first, then upstream
and revision compared part by part, digits as numbers, letters before other
characters, and ``~`` before anything (even the end: 1.0~rc1 < 1.0).
"""
from __future__ import annotations

import re


class DebianVersion:
    """Orders Debian versions (epoch:upstream-revision) as dpkg does."""

    def __init__(self, version: str):
        epoch, _, rest = version.partition(":") if ":" in version else ("0", "", version)
        upstream, _, revision = rest.rpartition("-") if "-" in rest else (rest, "", "0")
        self.parts = (int(epoch or 0), upstream, revision)

    @staticmethod
    def _order(c: str) -> int:
        if c == "~":
            return -1
        if c.isalpha():
            return ord(c)
        return ord(c) + 256 if c else 0

    @classmethod
    def _compare(cls, a: str, b: str) -> int:
        while a or b:
            na = re.match(r"[^0-9]*", a).group()
            nb = re.match(r"[^0-9]*", b).group()
            for i in range(max(len(na), len(nb))):
                ca = cls._order(na[i]) if i < len(na) else 0
                cb = cls._order(nb[i]) if i < len(nb) else 0
                if ca != cb:
                    return -1 if ca < cb else 1
            a, b = a[len(na):], b[len(nb):]
            da = re.match(r"[0-9]*", a).group()
            db = re.match(r"[0-9]*", b).group()
            if int(da or 0) != int(db or 0):
                return -1 if int(da or 0) < int(db or 0) else 1
            a, b = a[len(da):], b[len(db):]
        return 0

    def __lt__(self, other: "DebianVersion") -> bool:
        if self.parts[0] != other.parts[0]:
            return self.parts[0] < other.parts[0]
        for x, y in zip(self.parts[1:], other.parts[1:]):
            c = self._compare(x, y)
            if c:
                return c < 0
        return False


__all__ = ["DebianVersion"]
