"""Jobs from a ``compile_commands.json`` (``passlm data build --compile-commands``).

Each entry keeps the flags of the real build (include dirs, defines, -std,
-f..., the working directory) and loses what would change the output form or
write files: the compiler itself, -c/-S/-E, -o, the dependency-file flags, -O
levels, debug info, LTO, instrumentation (sanitizers, profiling, coverage),
-Werror and pass plugins. passlm's IR flags are then added by the
builder (``passlm.compile.ir_command``: ``-Oz -Xclang -disable-llvm-passes -emit-llvm -c SRC -o -``).
"""
from __future__ import annotations

import os
import shlex
from typing import Iterable, Optional

from ..compile import SOURCE_LANGUAGES
from .build import DataError, Job, load_json, relative_name

#: Flags dropped with the value that follows them (when not joined).
_DROP_WITH_VALUE = {"-o", "-MF", "-MT", "-MQ", "-MJ", "--serialize-diagnostics", "-dependency-file",
                    "-fprofile-instr-use", "-fprofile-use", "--param"}
#: Flags dropped alone.
_DROP = {"-c", "-S", "-E", "-M", "-MM", "-MD", "-MMD", "-MP", "-MG", "-emit-llvm", "-save-temps", "-pipe",
         "-Werror", "--coverage", "-pg", "-p", "-shared", "-static", "-pie", "-no-pie", "-rdynamic"}
#: Flags dropped by prefix.
_DROP_PREFIXES = ("-O", "-g", "-flto", "-fsanitize", "-fno-sanitize", "-fprofile", "-fcoverage",
                  "-ftest-coverage", "-fpass-plugin", "-Werror=", "-save-temps=", "-MF", "-MT", "-MQ",
                  "-fdebug-prefix-map", "-fmacro-prefix-map", "-ffile-prefix-map", "-Wl,", "-l", "-L",
                  "-fdiagnostics-color", "-fcolor-diagnostics", "--param", "-ggdb")


def clean_flags(arguments: list[str], source: str) -> list[str]:
    """The flags of one compile (``arguments`` without the compiler), with the
    output and optimization flags removed and the source file taken out."""
    out: list[str] = []
    skip = False
    source_names = {source, os.path.basename(source)}
    for arg in arguments:
        if skip:
            skip = False
            continue
        if arg in _DROP_WITH_VALUE:
            skip = True
            continue
        if arg in _DROP:
            continue
        if arg.startswith("-o") and arg != "-o" and not arg.startswith("-objc"):
            continue  # -ofile
        if arg.startswith(_DROP_PREFIXES) and not arg.startswith("-lang"):
            continue
        if not arg.startswith("-") and (arg in source_names or arg.endswith(tuple(SOURCE_LANGUAGES))
                                        and os.path.basename(arg) == os.path.basename(source)):
            continue  # the source itself: the builder puts it last
        out.append(arg)
    return out


def _arguments(entry: dict, where: str) -> list[str]:
    if isinstance(entry.get("arguments"), list):
        return [str(a) for a in entry["arguments"]]
    if isinstance(entry.get("command"), str):
        try:
            return shlex.split(entry["command"])
        except ValueError as e:
            raise DataError(f"{where}: cannot split 'command': {e}") from None
    raise DataError(f"{where}: entry has neither 'arguments' nor 'command'")


def load_entries(path: str | os.PathLike) -> list[dict]:
    """The entries of a compile_commands.json; errors name the file (and line for bad JSON)."""
    entries = load_json(path)
    if not isinstance(entries, list):
        raise DataError(f"{path}: expected a JSON list of compile commands, got {type(entries).__name__}")
    for i, entry in enumerate(entries):
        where = f"{path}: entry {i + 1}"
        if not isinstance(entry, dict):
            raise DataError(f"{where}: expected an object")
        for key in ("directory", "file"):
            if not isinstance(entry.get(key), str):
                raise DataError(f"{where}: missing '{key}'")
        _arguments(entry, where)
    return entries


def _default_root(files: list[str]) -> str:
    """The sources' common folder; a generic name (src, lib, source) stands for its parent."""
    root = os.path.commonpath([os.path.dirname(f) for f in files]) if files else os.getcwd()
    if os.path.basename(root) in ("src", "source", "sources", "lib", "libs"):
        root = os.path.dirname(root)
    return root


def command_jobs(path: str | os.PathLike, root: Optional[str] = None, package: Optional[str] = None,
                 flags: Iterable[str] = (), origin: str = "compile_commands", version: Optional[str] = None,
                 licence: Optional[str] = None, languages: Iterable[str] = tuple(SOURCE_LANGUAGES)) -> list[Job]:
    """One job per C/C++ entry of a compile_commands.json (the first entry of a file repeated).

    Sources are named relative to ``root`` (default: their common folder, or
    its parent when that is src/ or lib/); the package defaults to the root's
    name.
    """
    entries = load_entries(path)
    suffixes = tuple(languages)
    chosen: list[tuple[str, str, list[str]]] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        directory = entry["directory"]
        file = os.path.normpath(os.path.join(directory, entry["file"]))
        if not file.endswith(suffixes) or file in seen:
            continue
        seen.add(file)
        arguments = _arguments(entry, f"{path}: entry {i + 1}")
        chosen.append((file, directory, clean_flags(arguments[1:], entry["file"])))
    root = os.path.abspath(root) if root else _default_root([f for f, _, _ in chosen])
    package = package or os.path.basename(root)
    jobs = []
    for file, directory, entry_flags in chosen:
        jobs.append(Job(source=relative_name(file, root), path=file, cwd=directory,
                        flags=(*entry_flags, *flags), origin=origin, package=package, version=version,
                        licence=licence))
    return jobs
