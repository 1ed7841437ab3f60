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
- ``--json`` prints JSON to stdout; writing a file is ``-o/--output FILE``.
- Warnings are one ``passlm: warning: ...`` line on stderr.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Callable

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


def add_json_flag(parser: argparse.ArgumentParser, what: str = "the result") -> None:
    parser.add_argument("--json", action="store_true", help=f"print {what} as JSON on stdout")


def add_output_option(parser: argparse.ArgumentParser, what: str = "the result") -> None:
    parser.add_argument("-o", "--output", metavar="FILE", help=f"write {what} to FILE")
