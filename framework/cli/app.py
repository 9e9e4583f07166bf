"""Parse the command line and run the chosen command; the one place exit codes are decided.

Each command lives in its own module and adds its subparser through ``register``; the
argument ``run`` it sets is what :func:`main` calls. Errors every command shares are handled
here: a :class:`~framework.errors.FolioError` that stops a command is exit 2 (and a JSON error
document with ``--json``; an error about the configuration file says why that file was read),
Ctrl-C is 130, and a reader that closes the pipe early (``folio plugins | head -1``) is not an
error: exit 0, nothing on stderr, wherever the write that meets the closed pipe is (the results,
or the JSON document of an error, whose exit code 2 is kept). A usage error (an unknown option,
a bad ``--wallet`` or ``--timeout``) is argparse's usage and one line on stderr, exit 2, and with
``--json`` also a ``{"error": {"type": "UsageError", ...}}`` document on stdout: a script that
asked for JSON always gets one (docs/cli.md, "Exit codes"). The global options
(:mod:`framework.cli.options`) are merged and ``--config`` is resolved
(:func:`framework.config.locate_config`) before any command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import NoReturn

from framework.cli import config_command, demo, plugins_command, portfolio, reading, simulate
from framework.cli.logs import with_logging
from framework.cli.options import add_global_options, merge
from framework.cli.output import EXIT_OK, EXIT_UNUSABLE, emit_json
from framework.config import locate_config
from framework.errors import ConfigurationError, FolioError
from framework.loading import BUILTIN_DISTRIBUTION

__all__ = ["main"]


class _UsageError(Exception):
    """argparse refused the command line: ``message`` is its one line, ``parser`` the command's."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser
        self.message = message


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors reach :func:`main` instead of exiting at once.

    argparse prints the usage and exits from deep inside ``parse_args``; :func:`main` needs the
    message first, to also write it as the JSON error document that ``--json`` promises. The
    subcommands' parsers are of this class too (``add_subparsers`` uses the parent's class).
    """

    def error(self, message: str) -> NoReturn:
        raise _UsageError(self, message)


def _asked_for_json(argv: Sequence[str]) -> bool:
    """Whether the command line asks for ``--json`` (argparse also accepts ``--js``, ``--jso``)."""
    words = argv[: argv.index("--")] if "--" in argv else argv
    return any(len(w) >= 4 and "--json".startswith(w) for w in words)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="folio",
        description=(
            "Read balances and margin risk from crypto exchange accounts through installed "
            "plugins. Try 'folio demo' first: it needs no configuration and no keys."
        ),
    )
    parser.add_argument("--version", action="version", version=f"folio {version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (plugins_command, reading, portfolio, demo, simulate, config_command):
        command.register(commands)
    # Last, so every subcommand (and any nested one) gets the global options too.
    add_global_options(parser)
    return parser


def version() -> str:
    """The installed distribution's version, else the source tree's ``framework.__version__``.

    The distribution's name is looked up in one place:
    :data:`framework.loading.BUILTIN_DISTRIBUTION`.
    """
    try:
        return metadata.version(BUILTIN_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        from framework import __version__  # noqa: PLC0415 - only when not installed

        return __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    A usage error raises ``SystemExit(2)`` as argparse does (after the usage on stderr, and the
    JSON error document with ``--json``); ``--help`` and ``--version`` raise ``SystemExit(0)``.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(words)
    except BrokenPipeError:
        return _reader_left(EXIT_OK)


def _main(argv: list[str]) -> int:
    try:
        args = merge(_parser().parse_args(argv))
    except _UsageError as exc:
        exc.parser.print_usage(sys.stderr)
        print(f"{exc.parser.prog}: error: {exc.message}", file=sys.stderr)
        if _asked_for_json(argv):
            _emit_error("UsageError", exc.message)
        raise SystemExit(EXIT_UNUSABLE) from None
    location = locate_config(args.config)
    args.config = location.path
    args.config_location = location
    run: Callable[[argparse.Namespace], int] = with_logging(args.run)  # -v, --log-level
    try:
        code = run(args)
        # Flushed here, not at exit: a reader that already left must be seen in the try.
        sys.stdout.flush()
    except FolioError as exc:
        if isinstance(exc, ConfigurationError):
            exc = location.explain(exc)
        print(f"folio: {type(exc).__name__}: {exc}", file=sys.stderr)
        if getattr(args, "json", False):
            _emit_error(type(exc).__name__, str(exc))
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130
    return code


def _emit_error(kind: str, message: str) -> None:
    """The JSON error document on stdout; a reader that left already does not change the code."""
    try:
        emit_json({"error": {"type": kind, "message": message}})
        sys.stdout.flush()
    except BrokenPipeError:
        _reader_left(EXIT_UNUSABLE)


def _reader_left(code: int) -> int:
    """The reader of stdout went away (``folio plugins | head -1``): it had what it wanted.

    Python's documentation's recipe: point stdout at /dev/null so the flush at exit does not
    fail again (exit 120 and a message on stderr). Returns ``code``.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return code
