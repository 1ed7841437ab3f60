"""csmith, the random C program generator: finding it and its header,
generating a seeded program, and the version key its programs are kept under.

Program S is ``csmith --seed S``: the same seed and the same csmith give the
same program. Programs include ``csmith.h``, which Debian ships in
``libcsmith-dev`` (not in ``csmith``), in /usr/include/csmith; compile them
with :func:`include_flags`. Both the corpus builder (``passlm data build
--csmith``) and screening (its csmith programs) use this module.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .errors import PassLMError

#: What to install when csmith or csmith.h is missing (Debian's packages).
DEBIAN_PACKAGES = ("csmith", "libcsmith-dev")
#: Generating one program, at most (seconds).
GENERATE_TIMEOUT = 60
#: Where csmith.h is looked for: these folders, then their csmith* subfolders.
INCLUDE_ROOTS = ("/usr/include", "/usr/local/include")


class CsmithError(PassLMError):
    """csmith is missing, or did not make a program."""


@dataclass(frozen=True)
class Csmith:
    """An installed csmith: the program, the folder holding csmith.h, and its version key."""

    exe: str
    include: Path
    version: str

    def include_flags(self) -> tuple[str, ...]:
        """The flags that let clang or gcc find csmith.h."""
        return ("-I", str(self.include))

    def generate(self, seed: int, out: Path, timeout: float = GENERATE_TIMEOUT) -> None:
        """Writes program ``seed`` to ``out`` (atomically: a kill leaves no half program); CsmithError
        with csmith's message when it fails or runs too long."""
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as f:
                # csmith writes platform.info into its working folder: keep it out of the caller's.
                done = subprocess.run([self.exe, "--seed", str(seed)], stdout=f, stderr=subprocess.PIPE,
                                      check=False, timeout=timeout, cwd=out.parent)
        except subprocess.TimeoutExpired:
            tmp.unlink(missing_ok=True)
            raise CsmithError(f"csmith --seed {seed}: still running after {timeout:g} s") from None
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise CsmithError(f"cannot run {self.exe}: {e.strerror or e}") from e
        if done.returncode != 0:
            tmp.unlink(missing_ok=True)
            said = done.stderr.decode("utf-8", "replace").strip()
            raise CsmithError(f"csmith --seed {seed} failed (exit status {done.returncode})"
                              + (f": {said}" if said else ""))
        os.replace(tmp, out)


def header_dir() -> Optional[Path]:
    """The folder holding csmith.h (Debian's libcsmith-dev: /usr/include/csmith), or None."""
    for root in INCLUDE_ROOTS:
        candidates = [root] + sorted(glob.glob(f"{root}/csmith*"))
        for folder in candidates:
            if os.path.isfile(os.path.join(folder, "csmith.h")):
                return Path(folder)
    return None


def version_key(exe: str) -> str:
    """csmith's release ("2.3.0" from ``csmith --version``): what programs are kept and recorded under."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:  # csmith writes platform.info wherever it runs
        done = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False, cwd=folder)
    words = done.stdout.split()
    return words[1] if len(words) > 1 and words[0] == "csmith" else (words[0] if words else "unknown")


def find(install: bool = False) -> Csmith:
    """The installed csmith; CsmithError unless both csmith and csmith.h are here. With ``install``,
    as root with apt-get, the Debian packages are installed first when missing."""
    exe, include = shutil.which("csmith"), header_dir()
    if not (exe and include) and install and os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "install", "-y", "-q", *DEBIAN_PACKAGES], env=env, capture_output=True,
                       text=True, check=False)
        exe, include = shutil.which("csmith"), header_dir()
    if not (exe and include):
        raise CsmithError("csmith is not installed (needs csmith and libcsmith-dev, which has csmith.h): "
                          f"apt-get install {' '.join(DEBIAN_PACKAGES)}")
    return Csmith(exe, include, version_key(exe))


__all__ = ["Csmith", "CsmithError", "DEBIAN_PACKAGES", "GENERATE_TIMEOUT", "find", "header_dir", "version_key"]
