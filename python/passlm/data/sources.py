"""Jobs for every C/C++ source under a directory (``passlm data build --dir``)."""
from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Optional

from ..compile import SOURCE_LANGUAGES, language_flags
from .build import DataError, Job


def find_sources(root: Path, suffixes: Iterable[str] = tuple(SOURCE_LANGUAGES),
                 exclude_dirs: Iterable[str] = ()) -> list[str]:
    """Paths (relative to root, with /) of the files with these suffixes, sorted.

    Hidden folders and the folder names in ``exclude_dirs`` are not entered.
    """
    suffixes, exclude = tuple(suffixes), set(exclude_dirs)
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in exclude)
        rel_folder = os.path.relpath(folder, root)
        for name in files:
            if name.endswith(suffixes) and not name.startswith("."):
                rel = name if rel_folder == "." else os.path.join(rel_folder, name)
                found.append(rel.replace(os.sep, "/"))
    return sorted(found)


def dir_jobs(directory: str | os.PathLike, package: Optional[str] = None,
             flags: Iterable[str] = ()) -> list[Job]:
    """One job per C/C++ source under ``directory``; include dirs: the file's folder and the root.

    Sources are compiled from the root and named relative to it; the package
    defaults to the directory's name.
    """
    root = Path(directory).resolve()
    if not root.exists():
        raise DataError(f"{directory}: no such directory")
    if not root.is_dir():
        raise DataError(f"{directory}: not a directory")
    package = package or root.name
    jobs = []
    for source in find_sources(root):
        folder = os.path.dirname(source) or "."
        job_flags = (*language_flags(source), "-I", folder, "-I", ".", *flags)
        jobs.append(Job(source=source, path=source, cwd=str(root), flags=job_flags, origin="dir",
                        package=package))
    return jobs


_NOT_FOUND = re.compile(r"^(?P<file>[^:]+):\d+:\d+: fatal error: '(?P<header>[^']+)' file not found")


class HeaderIndex:
    """The files of a source tree, to find the folder of a header clang did not find.

    ``resolve("lib/x.h:3:10: fatal error: 'common.h' file not found")`` is the
    folder (relative to the root) holding ``common.h`` that is nearest to the
    file that included it (deepest common folder, then the shortest path), or
    None when the tree has no such file.
    """

    def __init__(self, root: Path, exclude_dirs: Iterable[str] = ()):
        self.by_name: dict[str, list[str]] = defaultdict(list)
        exclude = set(exclude_dirs)
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in exclude)
            rel = os.path.relpath(folder, root).replace(os.sep, "/")
            for name in files:
                self.by_name[name].append(name if rel == "." else f"{rel}/{name}")

    def resolve(self, reason: Optional[str]) -> Optional[str]:
        match = _NOT_FOUND.match(reason or "")
        if not match:
            return None
        header = os.path.normpath(match["header"]).replace(os.sep, "/")
        if header.startswith("../") or header.startswith("/"):
            return None
        includer = os.path.dirname(os.path.normpath(match["file"])).split(os.sep)
        folders = []
        for path in self.by_name.get(os.path.basename(header), ()):
            if path == header or path.endswith("/" + header):
                folders.append(path[: len(path) - len(header)].rstrip("/") or ".")
        if not folders:
            return None

        def nearness(folder: str) -> tuple[int, int, str]:
            parts = [] if folder == "." else folder.split("/")
            common = 0
            for a, b in zip(parts, includer):
                if a != b:
                    break
                common += 1
            return (-common, len(parts), folder)

        return min(folders, key=nearness)
