"""The command's top level: every failure a user can cause is one line (or one JSON object), never a traceback.

:func:`run_guarded` parses the arguments and runs the command; bad input (:class:`DesignError`), an I/O error
(always naming the file), memory running out and nesting too deep for Python each end as one line on stderr
and exit 2. Under ``--json`` the same error is a JSON object ``{"error": ..., "field": ...}`` on stdout, so a
script reading the output never has to parse a message or a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from geometry.base.errors import DesignError, shorten

EXIT_BAD_INPUT = 2
PROG = "ballmask"
_MESSAGE_CHARS = 600


class UsageError(Exception):
    """argparse refused the command line; ``parser`` is the (sub)parser that refused it."""

    def __init__(self, message: str, parser: argparse.ArgumentParser) -> None:
        super().__init__(message)
        self.parser = parser


class GuardedParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are raised (so ``--json`` can report them as JSON), not printed."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(shorten(message, _MESSAGE_CHARS), self)


def _option_of(message: str) -> str:
    """``argument --pitch-y: ...`` -> ``--pitch-y`` (the field of a usage error)."""
    if message.startswith("argument "):
        return message[len("argument "):].split(":", 1)[0].split("/", maxsplit=1)[0].split(" ", maxsplit=1)[0]
    return ""


def _usage_line(message: str, prog: str) -> str:
    """``argument --ball: '-1': must be positive`` -> ``--ball: '-1': must be positive``; others get a hint."""
    if message.startswith("argument "):
        return message[len("argument "):]
    return f"{message} (see {prog} --help)"


def _report(message: str, field: str, as_json: bool) -> int:
    message = shorten(message, _MESSAGE_CHARS)
    if as_json:
        sys.stdout.write(json.dumps({"error": message, "field": field}) + "\n")
    else:
        sys.stderr.write(f"{PROG}: {message}\n")
    return EXIT_BAD_INPUT


def os_error_text(e: OSError, fallback: str) -> tuple[str, str]:
    """The one-line message of an I/O error and the file it names (``fallback`` when the error names none)."""
    name = str(e.filename) if e.filename else fallback
    what = e.strerror or str(e) or type(e).__name__
    return f"{name}: {what}", name


def run_guarded(  # noqa: PLR0911 (one exit code per way out)
    make_parser: Callable[[], argparse.ArgumentParser], args_list: Sequence[str],
    before: Callable[[argparse.Namespace], int | None] | None = None,
) -> int:
    """Parse ``args_list`` and run the chosen command (or ``before``, when it returns an exit code); the exit
    code."""
    wants_json = "--json" in args_list
    parser = make_parser()
    try:
        args = parser.parse_args(list(args_list))
    except UsageError as e:
        if wants_json:
            return _report(str(e), _option_of(str(e)), True)
        return _report(_usage_line(str(e), e.parser.prog), "", False)
    except SystemExit as e:  # --help / --version (0)
        return e.code if isinstance(e.code, int) else EXIT_BAD_INPUT
    as_json = bool(getattr(args, "json", False))
    fallback = str(getattr(args, "output", None) or getattr(args, "file", "") or "")
    try:
        early = before(args) if before is not None else None
        if early is not None:
            return early
        if getattr(args, "run", None) is None:
            parser.print_help(sys.stderr)
            return EXIT_BAD_INPUT
        return int(args.run(args))
    except DesignError as e:
        return _report(str(e), e.path or str(getattr(e, "file", None) or fallback), as_json)
    except OSError as e:
        text, name = os_error_text(e, fallback)
        return _report(text, name, as_json)
    except MemoryError:
        return _report(f"{fallback}: out of memory: the design is too large for this machine", fallback, as_json)
    except RecursionError:
        return _report(f"{fallback}: the input is nested too deeply to process", fallback, as_json)
