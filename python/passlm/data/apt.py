"""Debian source packages through apt: finding them, downloading and unpacking them.

``apt-cache showsrc`` finds a package (by its source or a binary package's
name) and the versions apt offers, the candidate (highest, in dpkg's order)
first; it needs a deb-src entry, which :func:`ensure_deb_src` adds as root,
mirroring the machine's ``deb`` entries. ``apt-get source --download-only``
downloads a version into ``WORKDIR/downloads`` and ``dpkg-source -x``
unpacks it (patches applied); each step leaves a marker, so it is done once.
"""
from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

from .build import DataError
from .debversion import DebianVersion

SOURCES_FILE = Path("/etc/apt/sources.list.d/passlm-deb-src.sources")
#: Downloading one source package, at most (seconds).
DOWNLOAD_TIMEOUT = 900

Log = Callable[[str], None]


def _apt_files() -> list[Path]:
    files = [Path("/etc/apt/sources.list")]
    files += sorted(Path("/etc/apt/sources.list.d").glob("*.list"))
    files += sorted(Path("/etc/apt/sources.list.d").glob("*.sources"))
    return [f for f in files if f.is_file()]


def _entries() -> list[dict]:
    """apt's source entries (one-line and deb822 forms): types, uris, suites, components, signed-by."""
    out = []
    for f in _apt_files():
        try:
            text = f.read_text(errors="replace")
        except OSError:
            continue
        if f.suffix == ".sources":
            for para in re.split(r"\n\s*\n", text):
                fields = {}
                for line in para.splitlines():
                    if line.startswith("#") or ":" not in line or line[:1].isspace():
                        continue
                    key, value = line.split(":", 1)
                    fields[key.strip().lower()] = value.split()
                if fields.get("enabled", ["yes"])[0].lower() == "no" or "types" not in fields:
                    continue
                out.append({"types": fields["types"], "uris": fields.get("uris", []),
                            "suites": fields.get("suites", []), "components": fields.get("components", []),
                            "signed-by": fields.get("signed-by", [])})
        else:
            for line in text.splitlines():
                words = line.split("#", 1)[0].split()
                if len(words) < 3 or words[0] not in ("deb", "deb-src"):
                    continue
                options = []
                if words[1].startswith("["):
                    while words and not words[1].endswith("]"):
                        options.append(words.pop(1))
                    options.append(words.pop(1))
                signed = [o.split("=", 1)[1].rstrip("]") for o in options if "signed-by=" in o]
                out.append({"types": [words[0]], "uris": [words[1]], "suites": [words[2]],
                            "components": words[3:], "signed-by": signed})
    return out


def has_deb_src() -> bool:
    return any("deb-src" in e["types"] for e in _entries())


def deb_src_stanza() -> str:
    """A deb822 deb-src entry mirroring the machine's Debian ``deb`` entries (main archive only)."""
    for e in _entries():
        if "deb" in e["types"] and e["uris"] and "main" in e["components"] and not any(
                s.endswith("-security") for s in e["suites"]):
            lines = ["Types: deb-src", f"URIs: {' '.join(e['uris'])}", f"Suites: {' '.join(e['suites'])}",
                     "Components: main"]
            if e["signed-by"]:
                lines.append(f"Signed-By: {' '.join(e['signed-by'])}")
            return "\n".join(lines) + "\n"
    raise DataError("no Debian 'deb' entry with component main in /etc/apt/sources.list*: cannot derive a "
                    "deb-src entry; add one yourself (see data/README.md) and run apt-get update")


def _apt_update(log: Log) -> None:
    log("passlm: apt-get update")
    done = subprocess.run(["apt-get", "update", "-q"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise DataError(f"apt-get update failed: {first_line(done.stderr)}")


def ensure_deb_src(log: Log) -> bool:
    """Adds a deb-src entry (and runs apt-get update) if there is none; True if it did."""
    if has_deb_src():
        return False
    if os.geteuid() != 0:
        raise DataError("apt has no deb-src entry, so Debian source packages cannot be found. As root, "
                        f"write one to {SOURCES_FILE} (see data/README.md) and run apt-get update, or run "
                        "this command as root to have it done")
    SOURCES_FILE.write_text(deb_src_stanza())
    log(f"passlm: added {SOURCES_FILE}")
    _apt_update(log)
    return True


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return "(no output)"


@dataclass
class SourcePackage:
    name: str  # the source package's name
    versions: list[str]  # what apt offers, the candidate (highest) first

    @property
    def candidate(self) -> str:
        return self.versions[0]


def showsrc(name: str) -> Optional[SourcePackage]:
    """What apt knows of a source package (``name`` may also be a binary package's)."""
    done = subprocess.run(["apt-cache", "showsrc", name], capture_output=True, text=True, check=False)
    paragraphs = []
    for para in re.split(r"\n\s*\n", done.stdout):
        fields = {}
        for line in para.splitlines():
            if line and not line[0].isspace() and ":" in line:
                key, value = line.split(":", 1)
                fields[key] = value.strip()
        if "Package" in fields and "Version" in fields:
            paragraphs.append(fields)
    if not paragraphs:
        return None
    own = [p for p in paragraphs if p["Package"] == name]
    chosen = own or [p for p in paragraphs if name in [b.strip() for b in p.get("Binary", "").split(",")]]
    if not chosen:
        return None
    source = chosen[0]["Package"]
    versions = sorted({p["Version"] for p in chosen if p["Package"] == source}, key=DebianVersion, reverse=True)
    return SourcePackage(source, versions)


def source_lists() -> list[str]:
    """apt's downloaded source indexes (none before the first apt-get update with a deb-src entry)."""
    return sorted(glob.glob("/var/lib/apt/lists/*_Sources*"))


def resolve(names: Iterable[str], log: Log) -> dict[str, SourcePackage]:
    """Every name's source package; unknown names are one DataError (apt-get update first, as root, when
    apt has no source index yet)."""
    names = list(dict.fromkeys(names))
    found = {n: showsrc(n) for n in names}
    missing = [n for n, s in found.items() if s is None]
    if missing and os.geteuid() == 0 and not source_lists():
        _apt_update(log)
        found.update({n: showsrc(n) for n in missing})
        missing = [n for n, s in found.items() if s is None]
    if missing:
        raise DataError(f"unknown Debian source package{'s' if len(missing) > 1 else ''}: {', '.join(missing)} "
                        "(apt-cache showsrc finds nothing; check the name, the deb-src entry and apt-get update)")
    return found  # type: ignore[return-value]


def no_epoch(version: str) -> str:
    """The version without its epoch, as the package's file names have it."""
    return version.split(":", 1)[1] if ":" in version else version


def fetch(package: SourcePackage, version: str, workdir: Path, log: Log) -> Path:
    """The .dsc of package=version in workdir/downloads (downloaded once)."""
    downloads = workdir / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    dsc = downloads / f"{package.name}_{no_epoch(version)}.dsc"
    marker = dsc.with_name(dsc.name + ".ok")
    if dsc.is_file() and marker.is_file():
        return dsc
    log(f"passlm: apt-get source --download-only {package.name}={version}")
    try:
        done = subprocess.run(["apt-get", "source", "--download-only", "--only-source", "-q",
                               f"{package.name}={version}"],
                              cwd=downloads, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT,
                              check=False)
    except subprocess.TimeoutExpired:
        raise DataError(f"{package.name}: download timed out after {DOWNLOAD_TIMEOUT} s") from None
    if done.returncode != 0 or not dsc.is_file():
        errors = [line for line in done.stderr.splitlines() if line.startswith("E:")]
        raise DataError(f"{package.name}: apt-get source failed: {errors[0] if errors else first_line(done.stderr)}")
    marker.write_text(version + "\n")
    return dsc


def extract(dsc: Path, dest: Path, log: Log) -> Path:
    """Unpacks a .dsc (patches applied) into dest, once."""
    marker = dest / ".passlm-extracted"
    if marker.is_file():
        return dest
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["dpkg-source", "--no-check", "-x", str(dsc), str(dest)], capture_output=True,
                          text=True, check=False, env=dict(os.environ, LC_ALL="C"))
    if done.returncode != 0:
        raise DataError(f"{dsc.name}: dpkg-source -x failed: {first_line(done.stderr)}")
    marker.write_text(dsc.name + "\n")
    return dest
