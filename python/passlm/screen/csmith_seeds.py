"""Seeded csmith programs for the screening corpus.

Seeds are taken in order from the first one; a seed is kept when its program
(``csmith --seed S``, :mod:`passlm.csmith`) builds and runs identically with
clang-19 -O0, clang-19 -Oz and gcc -O2 within CSMITH_RUN_LIMIT seconds, exits
0 and prints its checksum. Each seed is generated and checked once, into the
cache (per csmith version): S.c with S.expected when kept, else S.rejected
saying why.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import List, Optional

from ..csmith import Csmith, CsmithError, find
from .cache import cache_dir, write_atomic
from .corpus import PathLike, Program
from .process import count
from .reference import reference_output
from .results import ScreenError

#: The reference builds of a csmith program (no sanitizers: csmith's programs are free of UB by design).
CSMITH_BUILDS = (("clang", ("-O0",)), ("clang", ("-Oz",)), ("gcc", ("-O2",)))
#: csmith seeds whose builds run longer than this are not kept.
CSMITH_RUN_LIMIT = 2.0


def _check_seed(csmith: Csmith, seed: int, folder: Path) -> None:
    """Generates seed S into FOLDER: S.c with S.expected when its builds agree, else S.rejected."""
    src = folder / f"{seed}.c"
    count("csmith")
    try:
        csmith.generate(seed, src)
    except CsmithError as e:
        write_atomic(folder / f"{seed}.rejected", str(e).encode())
        return
    try:
        stdout, status = reference_output(src, CSMITH_BUILDS, csmith.include_flags(), timeout=CSMITH_RUN_LIMIT)
    except ScreenError as e:
        write_atomic(folder / f"{seed}.rejected", str(e).encode())
        return
    if status != 0 or not stdout.startswith(b"checksum = "):
        write_atomic(folder / f"{seed}.rejected", f"exit status {status}, output {stdout[:60]!r}".encode())
        return
    write_atomic(folder / f"{seed}.expected", stdout)


def csmith_programs(n: int, cache: Optional[PathLike] = None, jobs: int = 2, first_seed: int = 1) -> List[Program]:
    """The first N csmith seeds from FIRST_SEED on whose -O0, -Oz and gcc -O2 builds agree and run
    within CSMITH_RUN_LIMIT seconds. Generated once into the cache (per csmith version)."""
    if n <= 0:
        return []
    try:
        csmith = find()
    except CsmithError as e:
        raise ScreenError(f"csmith programs need csmith and csmith.h ({e}), or ask for 0 csmith programs") from None
    folder = Path(cache or cache_dir()) / "csmith" / csmith.version
    folder.mkdir(parents=True, exist_ok=True)
    kept: List[int] = []
    seed, last_seed = first_seed, first_seed + 10 * n + 20
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        while len(kept) < n:
            if seed > last_seed:
                raise ScreenError(f"only {len(kept)} of seeds {first_seed}..{last_seed} make usable csmith programs")
            batch = list(range(seed, seed + max(1, jobs)))
            seed += len(batch)
            todo = [s for s in batch if not (folder / f"{s}.expected").is_file()
                    and not (folder / f"{s}.rejected").is_file()]
            list(pool.map(lambda s: _check_seed(csmith, s, folder), todo))
            kept.extend(s for s in batch if (folder / f"{s}.expected").is_file())
    return [Program(f"csmith-{s}", folder / f"{s}.c", (folder / f"{s}.expected").read_bytes(), 0,
                    csmith.include_flags()) for s in kept[:n]]
