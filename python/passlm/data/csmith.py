"""Random C programs from csmith (``passlm data build --csmith N --seed S``).

Program ``csmith-X.c`` is ``csmith --seed X``: the same seed gives the same
program, so the same module. Programs include ``csmith.h``, which Debian ships
in ``libcsmith-dev`` (not in ``csmith``); both are installed with apt when
missing and the build runs as root.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterable

from .build import DataError, Job

PACKAGE = "csmith"
LICENCE = "BSD-2-Clause"
#: Generating one program, at most (seconds); a seed that takes longer is recorded as failed.
GENERATE_TIMEOUT = 60


def _header_dirs() -> list[str]:
    """Folders holding csmith.h (Debian: /usr/include; other layouts: /usr/include/csmith*)."""
    dirs = [os.path.dirname(p) for p in sorted(glob.glob("/usr/include/csmith*/csmith.h"))]
    if os.path.isfile("/usr/include/csmith.h"):
        dirs.insert(0, "/usr/include")
    return dirs


def ensure_csmith(install: bool = True) -> str:
    """Path of csmith once it and csmith.h are here (apt-get install them as root)."""
    exe = shutil.which("csmith")
    if exe and _header_dirs():
        return exe
    if install and os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        done = subprocess.run(["apt-get", "install", "-y", "-q", "csmith", "libcsmith-dev"], env=env,
                              capture_output=True, text=True, check=False)
        exe = shutil.which("csmith")
        if done.returncode == 0 and exe and _header_dirs():
            return exe
    raise DataError("csmith is not installed (needs csmith and libcsmith-dev, which has csmith.h): "
                    "apt-get install csmith libcsmith-dev")


def csmith_version(exe: str) -> str:
    done = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    words = done.stdout.split()
    return words[1] if len(words) > 1 and words[0] == "csmith" else (words[0] if words else "unknown")


def generate(exe: str, seed: int, out: Path) -> None:
    """Writes ``csmith --seed SEED`` to ``out`` (atomically: a kill leaves no half program)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        # csmith writes platform.info into its working folder: keep it out of the caller's.
        subprocess.run([exe, "--seed", str(seed)], stdout=f, stderr=subprocess.DEVNULL, check=True,
                       timeout=GENERATE_TIMEOUT, cwd=out.parent)
    os.replace(tmp, out)


def source_name(seed: int) -> str:
    return f"csmith-{seed}.c"


def csmith_jobs(count: int, seed: int, workdir: str | os.PathLike, flags: Iterable[str] = (),
                skip: Iterable[str] = (), on_failure=None) -> list[Job]:
    """Jobs for programs of seeds seed .. seed+count-1, generated into ``workdir``.

    Seeds whose source is in ``skip`` (done before) are not generated again;
    a seed that csmith fails on is reported to ``on_failure(source, reason)``.
    """
    if count < 0:
        raise DataError(f"--csmith takes a count >= 0, not {count}")
    exe = ensure_csmith()
    version = csmith_version(exe)
    folder = Path(workdir).resolve() / f"csmith-{version}"
    include = [f for d in _header_dirs() for f in ("-I", d)]
    skip = set(skip)
    jobs = []
    for s in range(seed, seed + count):
        name = source_name(s)
        path = folder / name
        if name not in skip and not path.is_file():
            try:
                generate(exe, s, path)
            except (subprocess.SubprocessError, OSError) as e:
                if on_failure is not None:
                    on_failure(name, f"csmith failed: {e}")
                continue
        jobs.append(Job(source=name, path=name, cwd=str(folder), flags=("-x", "c", *include, *flags),
                        origin="csmith", package=PACKAGE, version=version, licence=LICENCE))
    return jobs
