"""Test helpers for driving the adapter kit's :class:`~adapters.kit.sender.Sender` without sockets.

The sender checks its deadline against the event loop's time (adapters/kit/sender.py), so a
test that needs time to pass moves that clock instead of waiting: :func:`fake_loop_time`
freezes the running loop's ``time()`` and :meth:`LoopTime.sleep` (the sender's injected sleep)
or :meth:`LoopTime.advance` (a transport that "stalls") moves it forward. Nothing here sleeps
for real, and no assertion depends on the wall clock.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Awaitable, Callable

import httpx
import pytest

from adapters.kit import sender as sender_module
from adapters.kit.call import Call
from adapters.kit.sender import ClockFix, Sender
from framework.settings import HttpSettings

__all__ = ["LoopTime", "call", "fake_loop_time", "fixed_jitter", "mock_sender"]

Handler = Callable[[httpx.Request], httpx.Response]


class LoopTime:
    """The running loop's clock, frozen, moved only by :meth:`sleep` and :meth:`advance`."""

    def __init__(self, start: float) -> None:
        self.start = start
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass (a transport stalling, a discovery taking time)."""
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        """The sender's sleep: records the wait, moves the clock, passes through the loop once."""
        self.sleeps.append(seconds)
        self.advance(seconds)
        await asyncio.sleep(0)

    @property
    def elapsed(self) -> float:
        """Time passed since the clock was frozen."""
        return self.now - self.start


def fake_loop_time(monkeypatch: pytest.MonkeyPatch) -> LoopTime:
    """Freeze the running event loop's ``time()``; it is restored when the test ends.

    Only for tests whose requests go through ``httpx.MockTransport``: with the clock frozen, a
    timer (``call_later``) fires only once the test moves the clock past it.
    """
    loop = asyncio.get_running_loop()
    clock = LoopTime(loop.time())
    monkeypatch.setattr(loop, "time", clock)
    return clock


def fixed_jitter(monkeypatch: pytest.MonkeyPatch, value: float = 0.5) -> None:
    """Make the sender's jitter draw ``value``, so backoffs are exact."""
    monkeypatch.setattr(sender_module, "random", types.SimpleNamespace(random=lambda: value))


def mock_sender(
    handler: Handler,
    settings: HttpSettings,
    *,
    began: float | None = None,
    sleep: Callable[[float], Awaitable[object]] | None = None,
    signing: Callable[[], int] | None = None,
    clock_fix: ClockFix | None = None,
) -> tuple[Sender, httpx.AsyncClient]:
    """A sender over ``httpx.MockTransport(handler)``, and its client (close it)."""
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    loop = asyncio.get_running_loop()
    sender = Sender(
        client,
        settings,
        began=loop.time() if began is None else began,
        signing=signing,
        clock_fix=clock_fix,
        sleep=sleep if sleep is not None else _no_sleep,
    )
    return sender, client


async def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"no wait expected, got {seconds}")


def call(url: str = "http://exchange.test/x", endpoint: str = "GET x", **fields: object) -> Call:
    """A call of ``GET url`` named ``endpoint``; ``fields`` sets the rest (auth, limiters...)."""
    return Call(httpx.Request("GET", url), endpoint, **fields)  # type: ignore[arg-type]
