"""passlm's small JSON files: ``{"format": "passlm-...", "version": N, ...}``.

One place for reading such a file with errors that name it (missing, not
JSON with line and column, another format, another version) and for writing
one. Each caller passes its own noun ("table", "coreset", "evaluation") and
its own exception class, so messages read as before::

    doc = read_document(path, "passlm-coreset", 1, "coreset", error=CoresetError)
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

ErrorType = Callable[[str], Exception]


def read_json(path: str | Path, noun: str, error: ErrorType = ValueError) -> Any:
    """The JSON value in ``path``; ``error(message)`` naming the file when it is missing, unreadable or not JSON."""
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        # A relative path is read from the working directory, which in a recursive build is each
        # compiler's own: say which one, so that PASSLM_ENGINE=coreset:REL.json is easy to fix.
        where = "" if Path(path).is_absolute() else f" (relative to {Path.cwd()})"
        raise error(f"{path}: no such {noun} file{where}") from None
    except IsADirectoryError:
        raise error(f"{path}: is a directory, not a {noun} file") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not JSON (not UTF-8 text)") from None
    except OSError as e:
        raise error(f"{path}: {e.strerror or e}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise error(f"{path}:{e.lineno}:{e.colno}: not JSON: {e.msg}") from None


def check_format(doc: Any, path: str | Path, format: str, version: int, noun: str,
                 error: ErrorType = ValueError) -> dict:
    """``doc`` itself when it is an object of this format and version, else ``error(message)``."""
    if not isinstance(doc, dict) or doc.get("format") != format:
        raise error(f"{path}: not a passlm {noun} (expected \"format\": \"{format}\")")
    if doc.get("version") != version:
        raise error(f"{path}: unsupported {noun} version {doc.get('version')!r} (expected {version})")
    return doc


def read_document(path: str | Path, format: str, version: int, noun: str, error: ErrorType = ValueError) -> dict:
    """``read_json`` then ``check_format``."""
    return check_format(read_json(path, noun, error), path, format, version, noun, error)


def write_document(path: str | Path, format: str, version: int, fields: dict) -> None:
    """Write ``{"format": format, "version": version, **fields}``, indented, with a final newline."""
    document = {"format": format, "version": version, **fields}
    Path(path).write_text(json.dumps(document, indent=1) + "\n")
