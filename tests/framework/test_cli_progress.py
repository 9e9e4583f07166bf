"""The CLI's progress line (framework/cli/progress.py): when it is drawn, what it says, and
when it is never written at all.

The stream is a fake terminal whose ``isatty()`` answers as the test says; each write wakes
the test, so a redraw is awaited as an event, never slept for.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncGenerator, Sequence

import pytest

from framework.cli import progress as progress_module
from framework.cli.app import _parser
from framework.cli.options import merge
from framework.cli.progress import Progress, read_in_order
from framework.errors import AuthenticationError
from framework.results import AccountResult

pytestmark = pytest.mark.anyio


class Terminal(io.StringIO):
    """A text stream that says whether it is a terminal; each write is kept and announced."""

    def __init__(self, *, tty: bool = True) -> None:
        super().__init__()
        self.tty = tty
        self.writes: list[str] = []
        self.wrote = asyncio.Event()

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:
        self.writes.append(text)
        self.wrote.set()
        return super().write(text)

    async def next_write(self) -> str:
        self.wrote.clear()
        async with asyncio.timeout(10):  # a guard against a hang, not a measure
            await self.wrote.wait()
        return self.writes[-1]


def test_the_line_says_how_far_and_how_many_failed_with_thousands_separators() -> None:
    progress = Progress(1000, stream=Terminal())
    assert progress.line() == "reading 0/1,000 accounts"
    for index in range(312):
        progress.advance(index % 104 != 0)
    assert progress.line() == "reading 312/1,000 accounts, 3 failed"
    assert Progress(2, stream=Terminal(), noun="exchanges").line() == "reading 0/2 exchanges"


async def test_on_a_terminal_the_line_appears_after_the_delay_and_is_redrawn_in_place() -> None:
    terminal = Terminal()
    with Progress(3, stream=terminal, delay=0, interval=0) as progress:
        assert terminal.writes == []  # drawn by the loop's timer, not on entering
        assert await terminal.next_write() == "\rreading 0/3 accounts"
        progress.advance(True)
        progress.advance(False)
        assert await terminal.next_write() == "\rreading 2/3 accounts, 1 failed"
        progress.advance(True)
        # Shorter than what is on screen would be: padded over the old characters.
        assert await terminal.next_write() == "\rreading 3/3 accounts, 1 failed"
    assert terminal.writes[-1] == "\r" + " " * len("reading 3/3 accounts, 1 failed") + "\r"
    assert "\n" not in terminal.getvalue()


async def test_redraws_are_throttled_to_the_timer_not_one_per_result() -> None:
    terminal = Terminal()
    with Progress(10_000, stream=terminal, delay=0, interval=0) as progress:
        await terminal.next_write()
        for _ in range(10_000):
            progress.advance(True)  # no await in between: one redraw covers them all
        assert await terminal.next_write() == "\rreading 10,000/10,000 accounts"
    assert len(terminal.writes) == 3  # first draw, one redraw, the clearing


async def test_a_fast_read_prints_nothing() -> None:
    terminal = Terminal()
    with Progress(3, stream=terminal) as progress:  # the real delay
        for _ in range(3):
            progress.advance(True)
    assert terminal.getvalue() == ""


async def test_nothing_is_written_when_the_stream_is_not_a_terminal() -> None:
    log = Terminal(tty=False)
    with Progress(3, stream=log, delay=0, interval=0) as progress:
        assert not progress.shown
        progress.advance(False)
    # A control that shares the loop's timers: by the time it drew, the other one would have.
    control = Terminal()
    with Progress(3, stream=control, delay=0, interval=0):
        await control.next_write()
    assert log.getvalue() == ""


async def test_disabled_progress_writes_nothing_even_on_a_terminal() -> None:
    quiet = Terminal()
    with Progress(3, stream=quiet, enabled=False, delay=0, interval=0) as progress:
        assert not progress.shown
        control = Terminal()
        with Progress(3, stream=control, delay=0, interval=0):
            await control.next_write()
    assert quiet.getvalue() == ""


async def test_a_terminal_that_goes_away_ends_the_line_not_the_read() -> None:
    class Gone(Terminal):
        def write(self, text: str) -> int:
            super().write(text)
            raise OSError(5, "Input/output error")

    terminal = Gone()
    with Progress(1, stream=terminal, delay=0, interval=0) as progress:
        await terminal.next_write()
        assert not progress.shown
    assert len(terminal.writes) == 1  # no redraw, no clearing attempted after the failure


@pytest.mark.parametrize(
    "argv",
    [["--quiet", "balances"], ["balances", "--quiet"], ["-q", "risk"], ["risk", "-q"]],
)
def test_quiet_before_or_after_the_command_turns_the_line_off(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stderr", Terminal())
    args = merge(_parser().parse_args(argv))
    assert args.quiet is True
    assert not Progress.for_command(args, 5).shown
    loud = merge(_parser().parse_args([argv[-1] if argv[0].startswith("-") else argv[0]]))
    assert loud.quiet is False
    assert Progress.for_command(loud, 5).shown


def test_the_delay_and_throttle_are_short() -> None:
    # A read of a moment prints nothing; a long one shows within a blink, redrawn ten a second.
    assert 0 < progress_module.DELAY <= 1
    assert 0 < progress_module.INTERVAL <= progress_module.DELAY


async def test_results_are_put_back_in_the_order_asked_and_each_is_counted() -> None:
    error = AuthenticationError("API key rejected", exchange="alpha", account="b")

    async def completed() -> AsyncGenerator[AccountResult[int], None]:
        yield AccountResult("c", "alpha", value=3)
        yield AccountResult("b", "alpha", error=error)
        yield AccountResult("a", "alpha", value=1)
        yield AccountResult("a", "alpha", value=10)

    names: Sequence[str] = ["a", "b", "c", "a"]
    progress = Progress(4, stream=Terminal(tty=False))
    result = await read_in_order(completed(), names, progress)
    assert [(r.account, r.value) for r in result] == [("a", 1), ("b", None), ("c", 3), ("a", 10)]
    assert (progress.done, progress.failed) == (4, 1)


async def test_a_read_that_fails_midway_closes_the_stream_at_once() -> None:
    closed: list[bool] = []

    async def endless() -> AsyncGenerator[AccountResult[int], None]:
        try:
            yield AccountResult("a", "alpha", value=1)
            await asyncio.Event().wait()
        finally:
            closed.append(True)

    class Broken(Progress):
        def advance(self, ok: bool) -> None:
            raise LookupError

    with pytest.raises(LookupError):
        await read_in_order(endless(), ["a", "b"], Broken(2, stream=Terminal(tty=False)))
    assert closed == [True]  # closed before read_in_order returned, not when collected
