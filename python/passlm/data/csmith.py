"""Random C programs from csmith as a corpus (``passlm data build --csmith N --seed S``).

Program ``csmith-X.c`` is ``csmith --seed X`` (:mod:`passlm.csmith`): the
same seed gives the same program, so the same module. csmith and
libcsmith-dev (csmith.h) are installed with apt when missing and the build
runs as root. Programs are generated into ``WORKDIR/csmith-VERSION`` and
recorded with csmith's version.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from ..csmith import Csmith, CsmithError, find
from .build import DataError, Job

PACKAGE = "csmith"
LICENCE = "BSD-2-Clause"


def ensure_csmith(install: bool = True) -> Csmith:
    """The installed csmith (apt-get installed as root when missing); DataError when there is none."""
    try:
        return find(install=install)
    except CsmithError as e:
        raise DataError(str(e)) from None


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
    csmith = ensure_csmith()
    folder = Path(workdir).resolve() / f"csmith-{csmith.version}"
    skip = set(skip)
    jobs = []
    for s in range(seed, seed + count):
        name = source_name(s)
        path = folder / name
        if name not in skip and not path.is_file():
            try:
                csmith.generate(s, path)
            except CsmithError as e:
                if on_failure is not None:
                    on_failure(name, str(e))
                continue
        jobs.append(Job(source=name, path=name, cwd=str(folder),
                        flags=("-x", "c", *csmith.include_flags(), *flags), origin="csmith", package=PACKAGE,
                        version=csmith.version, licence=LICENCE))
    return jobs
