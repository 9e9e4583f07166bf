"""``-v/--verbose`` and ``--log-level``: folio's log records on stderr while a command runs.

Without either option the command leaves logging as Python sets it up (warnings only, as bare
lines). ``-v`` shows INFO (each retry, which account it is about and why), ``-vv`` DEBUG
(every answer's status and size, the shared HTTP client opening and closing); ``--log-level
LEVEL`` sets the level by name and wins over ``-v``. Only the ``folio`` loggers are shown
(framework/logs.py), never httpx's or aiohttp's, and each line carries the record's extras::

    folio: INFO folio.retry [ascendex account=main endpoint="GET cash/balance"] retrying in ...

DEBUG shows no credential either: folio's records hold names, numbers and error type names
only (tests/reliability/test_cli_logging.py runs a read at DEBUG and searches for the key, the
secret and every signature). stdout is untouched, so ``--json`` output stays one document.
"""

from __future__ import annotations

import argparse
import functools
import logging
import sys
from collections.abc import Callable
from typing import Final

from framework.logs import ACCOUNT, ENDPOINT, EXCHANGE, ROOT

__all__ = ["LEVELS", "FolioFormatter", "level_name", "logging_to_stderr", "with_logging"]

LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
"""The names ``--log-level`` accepts, in any case."""


def level_name(text: str) -> str:
    """Parse ``--log-level``: one of :data:`LEVELS`, in any case (argparse type)."""
    name = text.upper()
    if name not in LEVELS:
        msg = f"expected one of {', '.join(LEVELS)}, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return name


def chosen_level(verbose: int, log_level: str | None) -> int | None:
    """The level the options ask for; ``None`` when they leave logging alone."""
    if log_level is not None:
        level: int = logging.getLevelNamesMapping()[log_level]
        return level
    if verbose >= 2:  # -vv
        return logging.DEBUG
    if verbose == 1:
        return logging.INFO
    return None


class FolioFormatter(logging.Formatter):
    """``folio: LEVEL logger [exchange account=... endpoint="..."] message``.

    The bracket shows the extras folio puts on every record (framework/logs.py) that are set;
    a record without them (another library's, under a ``folio`` logger) is shown without.
    """

    def format(self, record: logging.LogRecord) -> str:
        exchange = getattr(record, EXCHANGE, None)
        account = getattr(record, ACCOUNT, None)
        endpoint = getattr(record, ENDPOINT, None)
        where = [str(exchange)] if exchange is not None else []
        if account is not None:
            where.append(f"account={account}")
        if endpoint is not None:
            where.append(f'endpoint="{endpoint}"')
        text = f"folio: {record.levelname} {record.name}"
        if where:
            text += f" [{' '.join(where)}]"
        text += f" {record.getMessage()}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


class logging_to_stderr:  # a context manager, named for what the block does
    """While in the block, the ``folio`` logger writes records at ``level`` and up to stderr.

    The handler and the logger's previous level are taken back on exit, so a host (or a test)
    that calls :func:`framework.cli.main` twice gets no duplicate lines. ``level=None`` does
    nothing.
    """

    def __init__(self, level: int | None) -> None:
        self._level = level
        self._handler: logging.Handler | None = None
        self._before = logging.NOTSET

    def __enter__(self) -> None:
        if self._level is None:
            return
        logger = logging.getLogger(ROOT)
        self._handler = logging.StreamHandler(sys.stderr)
        self._handler.setFormatter(FolioFormatter())
        self._before = logger.level
        logger.addHandler(self._handler)
        logger.setLevel(self._level)

    def __exit__(self, *_exc: object) -> None:
        if self._handler is None:
            return
        logger = logging.getLogger(ROOT)
        logger.removeHandler(self._handler)
        logger.setLevel(self._before)
        self._handler = None


def with_logging(
    run: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """``run`` (a command), with logging set up from its ``-v`` and ``--log-level`` options."""

    @functools.wraps(run)
    def logged(args: argparse.Namespace) -> int:
        level = chosen_level(getattr(args, "verbose", 0) or 0, getattr(args, "log_level", None))
        with logging_to_stderr(level):
            return run(args)

    return logged
