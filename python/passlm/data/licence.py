"""The licence of a Debian source package, and of each of its files, from
``debian/copyright``.

The machine-readable form (DEP-5) is read first: a file's licence is the
``License:`` of the last ``Files:`` paragraph whose patterns match it, the
package's that of the ``Files: *`` paragraph (else the first ``License:``).
A free-text copyright file is summarized by the licences it names (GPL and
LGPL with their version and "or later"), marked as a summary.
"""
from __future__ import annotations

import fnmatch
import re
from pathlib import Path
from typing import Optional

_LICENCE_PATTERNS = [
    (r"GNU LESSER GENERAL PUBLIC LICENSE|GNU Lesser General Public|LGPL", "LGPL"),
    (r"GNU GENERAL PUBLIC LICENSE|GNU General Public License|\bGPL\b", "GPL"),
    (r"Apache License", "Apache"),
    (r"Permission is hereby granted, free of charge", "MIT"),
    (r"Redistribution and use in source and binary forms", "BSD"),
    (r"provided 'as-is'", "Zlib"),
    (r"public domain", "public-domain"),
]


def _copyright_paragraphs(root: Path) -> Optional[list[tuple[list[str], Optional[str]]]]:
    """(Files patterns, first line of License) of each paragraph of debian/copyright; None if unreadable."""
    try:
        text = (root / "debian" / "copyright").read_text(errors="replace")
    except OSError:
        return None
    paragraphs = []
    for para in re.split(r"\n\s*\n", text):
        files = re.search(r"^Files:[ \t]*(.*(?:\n[ \t]+.*)*)", para, re.M)
        licence = re.search(r"^License:[ \t]*(\S.*)$", para, re.M)
        paragraphs.append((files.group(1).split() if files else [], licence.group(1).strip() if licence else None))
    return paragraphs


def licence_for(root: Path, source: str) -> Optional[str]:
    """The licence of one source file by debian/copyright's machine-readable form: the ``License:`` of
    the last ``Files:`` paragraph whose patterns match it (DEP-5); else the package's (licence_of)."""
    for patterns, licence in reversed(_copyright_paragraphs(root) or []):
        if licence and any(fnmatch.fnmatchcase(source, p) for p in patterns):
            return licence
    return licence_of(root)


def licence_of(root: Path) -> Optional[str]:
    """The package's licence from debian/copyright: the ``License:`` of the ``Files: *``
    paragraph (else the first ``License:``), else a short summary of the text."""
    paragraphs = _copyright_paragraphs(root)
    if paragraphs is None:
        return None
    for patterns, licence in paragraphs:
        if licence and patterns[:1] == ["*"]:
            return licence
    first = next((licence for _, licence in paragraphs if licence), None)
    if first:
        return first
    text = (root / "debian" / "copyright").read_text(errors="replace")
    found = []
    for pattern, name in _LICENCE_PATTERNS:
        match = re.search(pattern, text)
        if not match or any(f.startswith(name) for f in found):
            continue
        if name == "GPL" and any(f.startswith("LGPL") for f in found) and not re.search(
                r"GNU GENERAL PUBLIC LICENSE|GNU General Public License", text):
            continue
        if name in ("GPL", "LGPL"):
            after = re.sub(r"\s+", " ", text[match.start():match.start() + 400])
            version = re.search(r"[Vv]ersion (\d(?:\.\d)?)", after)
            if version:
                name += "-" + version.group(1) + ("+" if re.search(r"any later version", after) else "")
        found.append(name)
    return (" and ".join(found[:3]) + " (summary of debian/copyright)") if found else "see debian/copyright"


__all__ = ["licence_for", "licence_of"]
