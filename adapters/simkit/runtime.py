"""Mutable state of one running server: faults, counters, clock offset.

Kept apart from :class:`AscendexSimulator` (the immutable configuration) so that one
simulator can be served several times at once, each server with its own faults and stats.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable

from adapters.simkit.faults import FaultSet, Selection
from adapters.simkit.http11 import Request
from adapters.simkit.stats import StatsRecorder

__all__ = ["Runtime", "system_clock_ms"]


def system_clock_ms() -> int:
    """Wall-clock UTC milliseconds: every simulator's default server clock."""
    return time.time_ns() // 1_000_000


class Runtime:
    """Faults, stats and clock offset of one server; every method is thread-safe."""

    def __init__(self, clock: Callable[[], int], *, control: bool) -> None:
        self.clock = clock
        self.control = control
        """Whether the ``/__simulator__/`` control routes are reachable."""
        self.faults = FaultSet()
        self.stats = StatsRecorder()
        self._offset_ms = 0
        self._lock = threading.Lock()
        self._rays = itertools.count(0x7A3F_0000_0000_0000)
        self._recent: dict[str | None, deque[int]] = {}

    def admit(self, caller: str | None, now_ms: int, limit: tuple[int, int] | None) -> bool:
        """Count a request of ``caller`` against ``(requests, window_ms)``; False if over."""
        if limit is None:
            return True
        requests, window_ms = limit
        with self._lock:
            recent = self._recent.setdefault(caller, deque())
            while recent and recent[0] <= now_ms - window_ms:
                recent.popleft()
            if len(recent) >= requests:
                return False
            recent.append(now_ms)
            return True

    async def arrival(
        self, request: Request, route: str | None, api_key: str | None
    ) -> tuple[Selection, int]:
        """Meet the faults that apply to ``request``; return them and the time to answer at.

        Latency is waited out without blocking other connections; the server time includes the
        clock offset and the faults' own clock offsets.
        """
        selection = self.faults.select(
            route=route, api_key=api_key, method=request.method,
            target_length=len(request.target),
        )
        if selection.latency_ms:
            await asyncio.sleep(selection.latency_ms / 1000)
        return selection, self.now_ms() + selection.offset_ms

    @property
    def clock_offset_ms(self) -> int:
        """Added to the simulator clock for every request."""
        with self._lock:
            return self._offset_ms

    def set_clock_offset_ms(self, offset_ms: int) -> None:
        """Make the server clock read ``offset_ms`` later (negative: earlier)."""
        with self._lock:
            self._offset_ms = offset_ms

    def now_ms(self) -> int:
        """Server time: the injected clock plus the configured offset."""
        return self.clock() + self.clock_offset_ms

    def next_ray(self) -> str:
        """A Cloudflare-style ray id, deterministic per server."""
        with self._lock:
            return f"{next(self._rays):016x}-SIN"
