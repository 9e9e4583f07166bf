"""Parse the command line and run the chosen command; the one place exit codes are decided.

Each command lives in its own module and adds its subparser through ``register``; the
argument ``run`` it sets is what :func:`main` calls. Errors every command shares are handled
here: a :class:`~framework.errors.FolioError` that stops a command is exit 2 (and a JSON error
document with ``--json``), Ctrl-C is 130, a closed stdout is not a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from framework.cli import demo, plugins_command, reading, simulate
from framework.cli.options import add_global_options, merge
from framework.cli.output import EXIT_SOME_FAILED, EXIT_UNUSABLE, emit_json
from framework.errors import FolioError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="folio",
        description=(
            "Read balances and margin risk from crypto exchange accounts through installed "
            "plugins. Try 'folio demo' first: it needs no configuration and no keys."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (plugins_command, reading, demo, simulate):
        command.register(commands)
    # Last, so every subcommand (and any nested one) gets the global options too.
    add_global_options(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = merge(_parser().parse_args(argv))
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except FolioError as exc:
        if getattr(args, "json", False):
            emit_json({"error": {"type": type(exc).__name__, "message": str(exc)}})
        print(f"folio: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``folio demo | head``): silence the flush at exit, as the
        # Python documentation recommends, instead of printing a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_SOME_FAILED
