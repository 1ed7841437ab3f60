"""Which engine an engine spec names, as records and caches need it: the
spec with its paths made absolute (for replay from elsewhere), and the hash
of the model files it names (a cache keyed by it is never stale)."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional


def _spec_path(spec: str) -> tuple[Optional[Path], str, str]:
    """(the file or folder an engine spec names, the text before it, after it).

    ``table:FILE`` and ``KIND:PATH`` name PATH; ``python:FILE.py:FUNCTION``
    names FILE.py. Specs that name nothing on disk (``fixed:...``) give None.
    """
    kind, sep, argument = spec.partition(":")
    if not sep or not argument:
        return None, spec, ""
    if _shipped_file(kind, argument) is not None:
        return None, spec, ""  # a name of something shipped: the same wherever it is read
    if Path(argument).exists():
        return Path(argument), f"{kind}:", ""
    path, sep, rest = argument.rpartition(":")
    if sep and path and Path(path).exists():
        return Path(path), f"{kind}:", f":{rest}"
    return None, spec, ""


def _shipped_file(kind: str, argument: str) -> Optional[Path]:
    """The model folder or coreset file shipped in the package that ``KIND:ARGUMENT`` names, else None."""
    if kind == "model":
        from .model import SHIPPED_MODELS, model_dir

        path = model_dir(argument)
        return path if path == SHIPPED_MODELS / argument else None
    if kind == "coreset":
        from .coreset import SHIPPED_CORESETS, coreset_file

        path = coreset_file(argument)
        return path if path.parent == SHIPPED_CORESETS else None
    return None


def resolve_engine_spec(spec: str) -> str:
    """The spec with the file or folder it names made absolute (for replay from elsewhere)."""
    path, before, after = _spec_path(spec)
    return f"{before}{path.resolve()}{after}" if path is not None else spec


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_hash(spec: str) -> Optional[str]:
    """sha256 of the model an engine spec names, or None when it names no file.

    A file: the sha256 of its bytes. A folder: the sha256 of the lines
    ``RELATIVE_PATH NUL SHA256 NEWLINE`` of all files below it, sorted by
    relative path (names and contents count; timestamps do not), except
    documentation (``*.md``: a model card edited after an evaluation does not
    change what the model predicts).
    """
    path, _, _ = _spec_path(spec)
    kind, _, argument = spec.partition(":")
    path = _shipped_file(kind, argument) or path
    if path is None or not path.exists():
        return None
    if path.is_file():
        return _file_sha256(path)
    digest = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix != ".md"):
        digest.update(f"{f.relative_to(path).as_posix()}\0{_file_sha256(f)}\n".encode())
    return digest.hexdigest()
