"""The exchange's idea of "now", for signing requests on hosts whose clock drifts.

Exchanges reject a signed request whose timestamp is too far from their own clock (AscendEX:
30 s either way; Binance: the ``recvWindow``). A host with a drifting clock (a laptop after
sleep, a VM without NTP) would fail every call. :class:`ServerClock` adds a measured offset to
the local clock; an adapter measures it when the exchange rejects a timestamp, from a
server-time answer, and retries once with the corrected clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from adapters.transport import ON_SEND_EXTENSION, Flow

__all__ = ["ClockSync", "RoundTrip", "ServerClock", "wall_clock_ms"]


def wall_clock_ms() -> int:
    """Milliseconds since the epoch (UTC), the unit exchanges sign."""
    return time.time_ns() // 1_000_000


class ServerClock:
    """The local clock (UTC ms) plus the offset last measured against the exchange."""

    def __init__(self, local_ms: Callable[[], int] = wall_clock_ms) -> None:
        self.local_ms = local_ms
        self.offset_ms = 0
        """Exchange clock minus local clock, as last measured (0 until a measurement)."""
        self.corrections = 0
        """How many times the offset was measured: a steadily growing count means drift."""

    def __call__(self) -> int:
        """The current time on the exchange's clock, as best known."""
        return self.local_ms() + self.offset_ms

    def __repr__(self) -> str:
        return f"ServerClock(offset_ms={self.offset_ms})"

    def correct(self, server_ms: int, sent_ms: int, received_ms: int) -> int:
        """Set the offset from one round trip and return it.

        ``server_ms`` is when the exchange received the request; ``sent_ms`` and
        ``received_ms`` are local times around the round trip. Assuming the two legs took
        equally long, the server's instant corresponds to their midpoint.
        """
        self.offset_ms = server_ms - (sent_ms + received_ms) // 2
        self.corrections += 1
        return self.offset_ms


class RoundTrip:
    """The local times around one server-time request, for :meth:`ServerClock.correct`.

    The send time is stamped when the request really leaves (the drivers call the request's
    send hook after any rate-limit wait): a wait must not count as half a round trip, or the
    measured offset is off by half of it.
    """

    def __init__(self, clock: ServerClock, request: httpx.Request) -> None:
        self._clock = clock
        self.sent_ms = clock.local_ms()
        self.received_ms = self.sent_ms
        request.extensions[ON_SEND_EXTENSION] = self._left

    def _left(self) -> None:
        self.sent_ms = self._clock.local_ms()

    def arrived(self) -> None:
        """Stamp the answer's arrival; call it as soon as the flow receives the response."""
        self.received_ms = self._clock.local_ms()

    def correct(self, server_ms: int) -> int:
        """Adopt the offset this round trip measured against ``server_ms``; return it."""
        return self._clock.correct(server_ms, self.sent_ms, self.received_ms)


class ClockSync:
    """The server-time reads an exchange protocol offers, given its one server-time flow."""

    clock: ServerClock

    def _server_time_ms(self) -> Flow[tuple[int, RoundTrip]]:
        """The exchange's time (UTC ms) and the round trip that read it."""
        raise NotImplementedError

    def server_time(self) -> Flow[datetime]:
        """The exchange's clock."""
        server_ms, _ = yield from self._server_time_ms()
        return datetime.fromtimestamp(server_ms / 1000, UTC)

    def measure_clock_offset(self) -> Flow[int]:
        """Measure the exchange's clock against ours, correct the signing clock, return ms."""
        server_ms, trip = yield from self._server_time_ms()
        return trip.correct(server_ms)
