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

__all__ = ["ServerClock", "wall_clock_ms"]


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
