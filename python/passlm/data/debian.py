"""Debian source packages as a corpus (``passlm data build --debian PKG...``).

For each package: find, download and unpack it with apt
(:mod:`passlm.data.apt`: ``apt-cache showsrc``, ``apt-get source
--download-only``, ``dpkg-source -x``) into the work dir (default
``~/.cache/passlm/debian``), read the licence of each source from
``debian/copyright`` (:mod:`passlm.data.licence`), run its configure step
once (``./configure`` with clang as CC, or a CMake configure that also
exports compile commands; with a timeout; failure ignored: what compiles
without it still counts), then compile its C sources.

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
from typing import Iterable, Optional

# ensure_deb_src and resolve are the steps the data command runs before any package (through this module).
from .apt import Log, SourcePackage, ensure_deb_src, extract, fetch, first_line, no_epoch, resolve
from .build import DataError, Job
from .licence import licence_for, licence_of
from .sources import HeaderIndex, find_sources

DEFAULT_WORKDIR = Path("~/.cache/passlm/debian")
#: Running a package's configure step, at most (seconds).
CONFIGURE_TIMEOUT = 300

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
    root = extract(dsc, workdir / "src" / f"{package.name}_{no_epoch(version)}", log)
    licence = licence_of(root)
    setup(root, setup_commands, log, f"{package.name} {version}")
    info = prepare(root, clang, configure_timeout, log, f"{package.name} {version}")
    jobs = package_jobs(root, package.name, version, licence, flags, info.get("compile_commands"))
    return Prepared(package.name, version, root, licence, info, jobs)


__all__ = ["CONFIGURE_TIMEOUT", "DEFAULT_WORKDIR", "Prepared", "SourcePackage", "WorkdirLock", "ensure_deb_src",
           "extract", "fetch", "package_jobs", "prepare", "prepare_package", "resolve", "setup"]
