"""The progress line on stderr while a command reads many accounts.

``folio balances`` against a server that never answers used to print nothing until its
deadline (issue #11, section 3). Now, once a read has lasted a moment, one line on stderr says
how far it got, ``reading 312/1,000 accounts, 3 failed``, redrawn in place and cleared when
the read ends, before anything is printed. It is shown only when stderr is a terminal (a log
file or a pipe gets nothing), never on stdout (so never inside ``--json`` output), and not at
all with the global ``--quiet``. docs/cli.md ("Progress") documents it for users.

A command uses it like this (inside the running event loop: the delay and the redraws are
timers of that loop, so a read that never answers still gets its line)::

    names = selected or list(folio.accounts)
    with Progress.for_command(args, len(names)) as progress:
        result = await read_in_order(folio.stream_balances(wallet, names), names, progress)

or, for any other work, ``progress.advance(ok)`` once per finished item.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import AsyncGenerator, Sequence
from types import TracebackType
from typing import Final, Self, TextIO, TypeVar

from framework.results import AccountResult, FanOut

__all__ = ["DELAY", "INTERVAL", "Progress", "read_in_order"]

T = TypeVar("T")

DELAY: Final = 0.5
"""Seconds before the line first appears: a read that ends sooner prints nothing."""
INTERVAL: Final = 0.1
"""Seconds between two redraws at most: thousands of fast results cost a handful of writes."""


class Progress:
    """Counts finished items and shows ``reading N/TOTAL accounts, F failed`` on a terminal.

    ``advance(ok)`` counts one finished item (``ok=False`` for a failed one); it only counts,
    so it costs nothing per account. Used as a context manager inside the running event loop,
    it draws the line ``delay`` seconds after entering, then redraws it at most every
    ``interval`` seconds when the count changed, and clears it on exit. When ``stream`` is not
    a terminal, or ``enabled`` is false, nothing is ever written and no timer is started.
    """

    def __init__(
        self,
        total: int,
        *,
        stream: TextIO | None = None,
        enabled: bool = True,
        noun: str = "accounts",
        delay: float = DELAY,
        interval: float = INTERVAL,
    ) -> None:
        self.total = total
        self.done = 0
        self.failed = 0
        self._stream = sys.stderr if stream is None else stream
        self._shown = enabled and _is_terminal(self._stream)
        self._noun = noun
        self._delay = delay
        self._interval = interval
        self._timer: asyncio.TimerHandle | None = None
        self._drawn = ""

    @classmethod
    def for_command(cls, args: argparse.Namespace, total: int, *, noun: str = "accounts") -> Self:
        """The progress of a command: on stderr, off with the global ``--quiet``."""
        return cls(total, enabled=not getattr(args, "quiet", False), noun=noun)

    @property
    def shown(self) -> bool:
        """Whether this progress writes at all (stderr is a terminal and it is enabled)."""
        return self._shown

    def advance(self, ok: bool) -> None:
        """Count one finished item; ``ok`` is false when it failed."""
        self.done += 1
        if not ok:
            self.failed += 1

    def line(self) -> str:
        """The text of the line now, e.g. ``reading 312/1,000 accounts, 3 failed``."""
        text = f"reading {self.done:,}/{self.total:,} {self._noun}"
        return f"{text}, {self.failed:,} failed" if self.failed else text

    def __enter__(self) -> Self:
        if self._shown:
            self._timer = asyncio.get_running_loop().call_later(self._delay, self._tick)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop redrawing and clear the line, so what the command prints next starts clean."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._drawn:
            self._write("\r" + " " * len(self._drawn) + "\r")
            self._drawn = ""
        self._shown = False

    def _tick(self) -> None:
        if not self._shown:
            return
        text = self.line()
        # Padded to the previous line's length: a shorter text leaves no stale characters.
        if text != self._drawn and not self._write("\r" + text.ljust(len(self._drawn))):
            return
        self._drawn = text
        self._timer = asyncio.get_running_loop().call_later(self._interval, self._tick)

    def _write(self, text: str) -> bool:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):
            # A terminal that went away must not end the read: the line is only a courtesy.
            self._shown = False
            self._drawn = ""
            self._timer = None
            return False
        return True


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


async def read_in_order(
    results: AsyncGenerator[AccountResult[T], None],
    names: Sequence[str],
    progress: Progress,
) -> FanOut[T]:
    """Read a stream to its end, counting each result, and return it in ``names``' order.

    The stream is closed (its pending reads cancelled) if the caller is interrupted. A name
    asked twice gets its two results in the order they came, as ``all_*`` would list them.
    """
    arrived: dict[str, list[AccountResult[T]]] = {}
    async with contextlib.aclosing(results) as stream:
        async for outcome in stream:
            progress.advance(outcome.ok)
            arrived.setdefault(outcome.account, []).append(outcome)
    return FanOut[T](arrived[name].pop(0) for name in names)
