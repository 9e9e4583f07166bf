"""Parse the command line and run the chosen command; the one place exit codes are decided.

Each command lives in its own module and adds its subparser through ``register``; the
argument ``run`` it sets is what :func:`main` calls. Errors every command shares are handled
here: a :class:`~framework.errors.FolioError` that stops a command is exit 2 (and a JSON error
document with ``--json``; an error about the configuration file says why that file was read),
Ctrl-C is 130, and a reader that closes the pipe early (``folio plugins | head -1``) is not an
error: exit 0, nothing on stderr. The global options (:mod:`framework.cli.options`) are merged
and ``--config`` is resolved (:func:`framework.config.locate_config`) before any command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib import metadata

from framework.cli import config_command, demo, plugins_command, portfolio, reading, simulate
from framework.cli.logs import with_logging
from framework.cli.options import add_global_options, merge
from framework.cli.output import EXIT_OK, EXIT_UNUSABLE, emit_json
from framework.config import locate_config
from framework.errors import ConfigurationError, FolioError
from framework.loading import BUILTIN_DISTRIBUTION

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    """Run the command line; returns the exit code."""
    args = merge(_parser().parse_args(argv))
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
        if getattr(args, "json", False):
            emit_json({"error": {"type": type(exc).__name__, "message": str(exc)}})
        print(f"folio: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``folio plugins | head -1``): it had what it wanted, so this
        # is not an error. Python's documentation's recipe: point stdout at /dev/null so the
        # flush at exit does not fail again (exit 120 and a message on stderr).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    return code
