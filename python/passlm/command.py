"""What every ``passlm`` subcommand shares: how errors reach the user, and
the rules of the command line. It sits low (standard library only), so the
subcommands import it and ``passlm.cli`` imports them, never the reverse.

The rules:

- A subcommand's module only ``register(subparsers)``s its parser(s) and
  sets ``func``; ``passlm.cli.main`` is the one entry point, and
  ``run_command`` the one error handler.
- Usage errors (argparse, or ``UsageError``) exit 2. User errors (a missing
  file, IR that does not parse, a pipeline LLVM rejects, ``UserError``) print
  one ``passlm: error: ...`` line and exit 1, with no traceback.
- ``--json`` prints JSON to stdout; writing a file is ``-o/--output FILE``
  (``-o -`` is stdout).
- Nothing is created on failure: output files appear whole or not at all
  (``write_output``), and a store a failed run created is removed
  (``removed_on_failure``).
- Warnings are one ``passlm: warning: ...`` line on stderr; progress bars
  are tqdm's, on a terminal's stderr only.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional

from .errors import PassLMError

PROG = "passlm"

#: Errors that come from what the user gave us (missing or unreadable files,
#: IR that does not parse or verify, pipelines LLVM rejects, sources clang
#: cannot compile, unknown file kinds), reported without a traceback.
USER_ERRORS: tuple[type, ...] = (PassLMError, OSError, ValueError)


class UserError(Exception):
    """A message for the user; exit status 1."""


class UsageError(Exception):
    """Arguments that do not fit together; exit status 2, as argparse's own."""


def describe(e: BaseException) -> str:
    """One message for a user error, without Python's decorations."""
    if isinstance(e, OSError) and e.strerror and e.filename:
        return f"{e.filename}: {e.strerror}"
    return str(e)


def error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def warning(message: str) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def run_command(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Runs one subcommand and turns what it raises into an exit status."""
    try:
        return int(func(args) or 0)
    except UsageError as e:
        error(str(e))
        return 2
    except UserError as e:
        error(str(e))
        return 1
    except USER_ERRORS as e:
        error(describe(e))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (passlm size ... | head): not an error.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 0


def missing_subcommand(parser: argparse.ArgumentParser, subparsers) -> Callable[[argparse.Namespace], int]:
    """The ``func`` of a parser run without one of its ``subparsers``' commands:
    its usage, then a usage error naming the commands."""

    def func(args: argparse.Namespace) -> int:
        parser.print_usage(sys.stderr)
        parent = parser.prog.removeprefix(PROG).strip()
        names = ", ".join(sorted(subparsers.choices))
        raise UsageError(f"a {parent + ' ' if parent else ''}command is required ({names})")

    return func


def _int_at_least(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: '{text}'") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}, not {value}")
    return value


def positive_int(text: str) -> int:
    """An argparse ``type``: an integer of at least 1 (else a usage error)."""
    return _int_at_least(text, 1)


def non_negative_int(text: str) -> int:
    """An argparse ``type``: an integer of at least 0 (else a usage error)."""
    return _int_at_least(text, 0)


def comma_separated(text: str) -> list[str]:
    """``a, b,c`` -> ``["a", "b", "c"]``: the names of a comma-separated option (empty parts dropped)."""
    return [n.strip() for n in text.split(",") if n.strip()]


def name_list(text: str) -> tuple[str, ...]:
    """An argparse ``type``: one or more comma-separated names (else a usage error)."""
    names = tuple(comma_separated(text))
    if not names:
        raise argparse.ArgumentTypeError("expected names separated by commas")
    return names


def add_json_flag(parser: argparse.ArgumentParser, what: str = "the result") -> None:
    parser.add_argument("--json", action="store_true", help=f"print {what} as JSON on stdout")


def add_output_option(parser: argparse.ArgumentParser, what: str = "the result") -> None:
    parser.add_argument("-o", "--output", metavar="FILE", help=f"write {what} to FILE ('-': stdout)")


def print_json(doc, indent: Optional[int] = 1) -> None:
    """One JSON document on stdout (``--json``)."""
    sys.stdout.write(json.dumps(doc, indent=indent) + "\n")
    sys.stdout.flush()


def write_output(path: str, text: str) -> None:
    """Writes ``text`` to ``path`` whole or not at all (``-``: stdout).

    The text goes to PATH.partial first and is renamed into place, so a
    failure never leaves a half-written or empty file behind.
    """
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    try:
        partial.write_text(text)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)


#: What SQLite may leave beside a database file.
_SQLITE_SIDECARS = ("-journal", "-wal", "-shm")


@contextmanager
def removed_on_failure(path: str | os.PathLike, keep: Optional[Callable[[], bool]] = None) -> Iterator[None]:
    """Removes ``path`` (a file, with SQLite's sidecar files, or a folder) when
    the body raises an error and ``path`` did not exist before, unless
    ``keep()`` says what it holds is worth keeping (a run's resumable progress).

    An interrupt (Ctrl-C) is not a failure: what was done stays, to resume.
    """
    existed = os.path.lexists(path)
    try:
        yield
    except Exception:
        if not existed and os.path.isdir(path) and not os.path.islink(path):
            if not (keep is not None and _keeps(keep)):
                shutil.rmtree(path, ignore_errors=True)
        elif not existed and not (keep is not None and _keeps(keep)):
            for name in ("", *_SQLITE_SIDECARS):
                try:
                    os.unlink(f"{os.fspath(path)}{name}")
                except FileNotFoundError:
                    pass
        raise


def _keeps(keep: Callable[[], bool]) -> bool:
    try:
        return bool(keep())
    except Exception:  # a file we cannot even read is not worth keeping
        return False
