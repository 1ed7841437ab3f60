"""Debian source packages as a corpus (``passlm data build --debian PKG...``).

For each package: find it with ``apt-cache showsrc`` (a deb-src entry is
needed: :func:`ensure_deb_src` adds one as root, mirroring the machine's
``deb`` entries), download it with ``apt-get source --download-only`` into
the work dir (default ``~/.cache/passlm/debian``), unpack it with
``dpkg-source -x`` (patches applied), read the licence of each source from
``debian/copyright`` (DEP-5: the last matching ``Files:`` paragraph; else the
package's), run its configure step once (``./configure`` with
clang as CC, or a CMake configure that also exports compile commands; with a
timeout; failure ignored: what compiles without it still counts), then
compile its C sources.

Without a compile_commands.json, each source is compiled from the package
root with include dirs: its own folder, the root, the usual header folders
(include/, lib/, src/, gnulib's) and the folder of config.h (with
-DHAVE_CONFIG_H), and LOCALEDIR (which GNU Makefiles define); a header
that is still not found is looked for in the whole package and its folder
added (``sources.HeaderIndex``). Sources are taken in a fixed order (the
package's own code, then gnulib's copies, then tests, examples and tools;
within each, by a hash of the path), so a cap on modules per package keeps
the same ones on every machine. Every download,
unpack and configure step leaves a marker, so a second run redoes nothing.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from .build import DataError, Job
from .sources import HeaderIndex, find_sources

DEFAULT_WORKDIR = Path("~/.cache/passlm/debian")
SOURCES_FILE = Path("/etc/apt/sources.list.d/passlm-deb-src.sources")
#: Running a package's configure step, at most (seconds).
CONFIGURE_TIMEOUT = 300
#: Downloading one source package, at most (seconds).
DOWNLOAD_TIMEOUT = 900

#: Folders never entered: packaging, quilt's copies, our own build folder, other platforms.
EXCLUDED_DIRS = ("debian", ".pc", "_passlm_build", "win32", "win64", "windows", "msdos", "dos", "vms", "os2",
                 "amiga", "msvc", "vstudio", "visualc", "watcom", "wince", "djgpp", "beos", "riscos", "qnx",
                 "macos", "mac", "nt", "w32", "mingw")
#: Folders whose sources come after the main code (tests, examples, tools).
SECONDARY_DIRS = {"test", "tests", "testsuite", "t", "examples", "example", "demo", "demos", "contrib",
                  "bench", "benchmark", "benchmarks", "fuzz", "fuzzing", "doc", "docs", "tools", "util",
                  "utils", "programs", "sample", "samples", "gnulib-tests", "regress", "check"}
#: Defines that packages' Makefiles pass on the command line (GNU packages: LOCALEDIR), with Debian's values.
MAKE_DEFINES = ('-DLOCALEDIR="/usr/share/locale"',)
#: Header folders tried at the package root (besides every include/ folder).
COMMON_INCLUDE_DIRS = ("include", "inc", "lib", "src", "gnulib/lib", "gl/lib", "gl")

Log = Callable[[str], None]


# --------------------------------------------------------------------- apt


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


class _DpkgVersion:
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

    def __lt__(self, other: "_DpkgVersion") -> bool:
        if self.parts[0] != other.parts[0]:
            return self.parts[0] < other.parts[0]
        for x, y in zip(self.parts[1:], other.parts[1:]):
            c = self._compare(x, y)
            if c:
                return c < 0
        return False


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
    versions = sorted({p["Version"] for p in chosen if p["Package"] == source}, key=_DpkgVersion, reverse=True)
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


def _no_epoch(version: str) -> str:
    return version.split(":", 1)[1] if ":" in version else version


def fetch(package: SourcePackage, version: str, workdir: Path, log: Log) -> Path:
    """The .dsc of package=version in workdir/downloads (downloaded once)."""
    downloads = workdir / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    dsc = downloads / f"{package.name}_{_no_epoch(version)}.dsc"
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


class WorkdirLock:
    """An exclusive lock on a work dir, so that two builds never unpack or configure the same tree at once."""

    def __init__(self, workdir: Path):
        self.path = Path(workdir).expanduser() / ".passlm-lock"
        self.file = None

    def __enter__(self) -> "WorkdirLock":
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(self.path, "a+")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.file.close()
            raise DataError(f"{self.path.parent}: another passlm data build is using this work dir "
                            "(wait for it, or give another --workdir)") from None
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()


# ----------------------------------------------------------------- licence

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


# --------------------------------------------------------------- configure


def _run_step(command: list[str], cwd: Path, timeout: float, log_file: Path, env: dict) -> str:
    """Runs one configure step in its own process group; 'ok', 'failed (...)' or 'timed out'."""
    with open(log_file, "ab") as out:
        out.write(f"$ {' '.join(command)}\n".encode())
        out.flush()
        try:
            proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        except OSError as e:
            return f"failed ({e.strerror or e})"
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
            return f"timed out after {timeout:g} s"
    if code < 0:
        return f"killed by signal {-code}"
    return "ok" if code == 0 else f"failed (exit status {code})"


def prepare(root: Path, clang: str, timeout: float, log: Log, label: str) -> dict:
    """Runs the package's configure step once (marker ``.passlm-prepared``).

    ``./configure`` when there is one (CC=clang); else, with a top-level
    CMakeLists.txt and cmake on PATH, a CMake configure into _passlm_build
    that exports compile_commands.json. Failure is recorded and ignored.
    """
    marker = root / ".passlm-prepared"
    if marker.is_file():
        try:
            return json.loads(marker.read_text())
        except ValueError:
            pass
    # GNU configure scripts refuse to run as root without FORCE_UNSAFE_CONFIGURE (tar's does).
    env = dict(os.environ, CC=clang, LC_ALL="C", FORCE_UNSAFE_CONFIGURE="1")
    env.pop("CFLAGS", None)
    log_file = root / ".passlm-configure.log"
    info: dict = {"step": None, "status": "none"}
    configure = root / "configure"
    if configure.is_file():
        log(f"passlm: {label}: ./configure (at most {timeout:g} s)")
        os.chmod(configure, os.stat(configure).st_mode | 0o111)
        info = {"step": "configure", "status": _run_step(["./configure"], root, timeout, log_file, env)}
    elif (root / "CMakeLists.txt").is_file() and shutil.which("cmake"):
        log(f"passlm: {label}: cmake configure (at most {timeout:g} s)")
        build = root / "_passlm_build"
        status = _run_step(["cmake", "-S", ".", "-B", str(build), f"-DCMAKE_C_COMPILER={clang}",
                            "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON", "-DCMAKE_BUILD_TYPE=MinSizeRel"],
                           root, timeout, log_file, env)
        info = {"step": "cmake", "status": status}
        if (build / "compile_commands.json").is_file():
            info["compile_commands"] = str(build / "compile_commands.json")
    if info["status"].startswith("killed"):
        # Stopped from outside (a build being killed): not a result; the next run configures again.
        raise DataError(f"{label}: {info['step']} was {info['status']}")
    if info["status"] not in ("ok", "none"):
        log(f"passlm: {label}: {info['step']} {info['status']} (see {log_file}); compiling what compiles")
    marker.write_text(json.dumps(info) + "\n")
    return info


# -------------------------------------------------------------------- jobs


def gnulib_dirs(root: Path) -> set[str]:
    """The folders gnulib copied into a GNU package (from m4/gnulib-comp.m4), relative to root."""
    dirs: set[str] = set()
    for comp in sorted(root.glob("*m4/gnulib-comp.m4")) + sorted(root.glob("*/m4/gnulib-comp.m4")):
        try:
            text = comp.read_text(errors="replace")
        except OSError:
            continue
        dirs.update(d.strip("/") for d in re.findall(r"gl_source_base='([^'$]+)'", text))
    return dirs


def _order_key(package: str, source: str, gnulib: Iterable[str] = ()) -> tuple[int, str]:
    """The package's own code first, then gnulib's copies, then tests, examples and tools; within
    each, by a hash of the path."""
    parts = source.split("/")[:-1]
    if any(p.lower() in SECONDARY_DIRS for p in parts):
        rank = 2
    elif any(source.startswith(d + "/") for d in gnulib):
        rank = 1
    else:
        rank = 0
    return (rank, hashlib.sha256(f"{package}/{source}".encode()).hexdigest())


def include_dirs(root: Path) -> tuple[list[str], list[str]]:
    """(config.h folders, other header folders), relative to root."""
    config = []
    for pattern in ("config.h", "*/config.h", "*/*/config.h"):
        for p in sorted(glob.glob(str(root / pattern))):
            rel = os.path.relpath(os.path.dirname(p), root)
            if not any(part in EXCLUDED_DIRS or part in SECONDARY_DIRS for part in Path(rel).parts):
                config.append(rel)
    others = [d for d in COMMON_INCLUDE_DIRS if (root / d).is_dir()]
    for pattern in ("*/include", "*/*/include"):
        for p in sorted(glob.glob(str(root / pattern))):
            rel = os.path.relpath(p, root)
            if rel not in others and not any(part in EXCLUDED_DIRS for part in Path(rel).parts):
                others.append(rel)
    return config[:3], others[:12]


def package_jobs(root: Path, package: str, version: str, licence: Optional[str], flags: Iterable[str] = (),
                 compile_commands: Optional[str] = None) -> list[Job]:
    """The jobs of an unpacked (and configured) package, in the fixed order.

    Each job may add header folders of the package that clang asks for
    (``sources.HeaderIndex``), nearest to the file that included them first.
    """
    flags = tuple(flags)
    index = HeaderIndex(root, EXCLUDED_DIRS)
    gnulib = gnulib_dirs(root)
    if compile_commands:
        from .compile_commands import command_jobs

        jobs = [j for j in command_jobs(compile_commands, root=str(root), package=package, origin="debian",
                                        version=version, licence=licence, languages=(".c",),
                                        flags=(f"-fmacro-prefix-map={root}/=", *flags))
                if not j.source.startswith("/") and not j.source.startswith("_passlm_build/")]
        if jobs:
            jobs = [dataclasses.replace(j, search=index, licence=licence_for(root, j.source) or licence)
                    for j in jobs]
            return sorted(jobs, key=lambda j: _order_key(package, j.source, gnulib))
    config, others = include_dirs(root)
    common: list[str] = []
    for d in config:
        common += ["-I", d]
    for d in others:
        common += ["-I", d]
    if config:
        common.append("-DHAVE_CONFIG_H")
    common += MAKE_DEFINES
    jobs = []
    for source in find_sources(root, (".c",), EXCLUDED_DIRS):
        folder = os.path.dirname(source) or "."
        jobs.append(Job(source=source, path=source, cwd=str(root),
                        flags=("-x", "c", "-I", folder, "-I", ".", *common, *flags), origin="debian",
                        package=package, version=version, licence=licence_for(root, source) or licence,
                        search=index))
    return sorted(jobs, key=lambda j: _order_key(package, j.source, gnulib))


@dataclass
class Prepared:
    """A package ready to compile."""

    package: str
    version: str
    root: Path
    licence: Optional[str]
    configure: dict = field(default_factory=dict)
    jobs: list[Job] = field(default_factory=list)


def setup(root: Path, commands: Iterable[str], log: Log, label: str) -> None:
    """Runs a recipe's setup commands (sh -c, in the package root) once, before configure."""
    commands = list(commands)
    marker = root / ".passlm-setup"
    if not commands or marker.is_file():
        return
    for command in commands:
        log(f"passlm: {label}: {command}")
        done = subprocess.run(["sh", "-c", command], cwd=root, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise DataError(f"{label}: setup command failed: {command}: {first_line(done.stderr)}")
    marker.write_text("\n".join(commands) + "\n")


def prepare_package(package: SourcePackage, workdir: Path, clang: str, flags: Iterable[str] = (),
                    version: Optional[str] = None, configure_timeout: float = CONFIGURE_TIMEOUT,
                    log: Log = print, setup_commands: Iterable[str] = ()) -> Prepared:
    """Download, unpack, set up, configure and list the jobs of one package (version: pinned, else
    apt's candidate)."""
    if version is not None and version not in package.versions:
        log(f"passlm: warning: {package.name}: version {version} is pinned but apt offers "
            f"{', '.join(package.versions)}; using {package.candidate} (recorded as such)")
        version = None
    version = version or package.candidate
    workdir = Path(workdir).expanduser().resolve()
    dsc = fetch(package, version, workdir, log)
    root = extract(dsc, workdir / "src" / f"{package.name}_{_no_epoch(version)}", log)
    licence = licence_of(root)
    setup(root, setup_commands, log, f"{package.name} {version}")
    info = prepare(root, clang, configure_timeout, log, f"{package.name} {version}")
    jobs = package_jobs(root, package.name, version, licence, flags, info.get("compile_commands"))
    return Prepared(package.name, version, root, licence, info, jobs)
