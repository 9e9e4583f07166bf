"""The exchange's idea of "now", for signing requests on hosts whose clock drifts.

Exchanges reject a signed request whose timestamp is too far from their own clock (AscendEX:
30 s either way; Binance: the ``recvWindow``). A host with a drifting clock (a laptop after
sleep, a VM without NTP) would fail every call. :class:`ServerClock` adds a measured offset to
the local clock; when the exchange rejects a timestamp, the client measures the offset from a
server-time answer and repeats the request once with the corrected clock
(:mod:`adapters.kit.client`, docs/reliability.md "Clock skew").

The offset belongs to the exchange's host, not to an account: every account on one host sees
the same clock. :func:`shared_clock` hands all clients of one exchange host (and one local
clock) the same :class:`ClockOffset`, so 20 accounts that meet the same skew measure it once,
and an account created later signs with the known offset from its first request.
``ClockOffset.corrections`` counts the measurements: a client that remembers the count it
signed with can tell whether a rejection happened before or after the latest measurement.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from framework.errors import InvalidResponseError

if TYPE_CHECKING:
    from adapters.kit.sender import Sender

__all__ = [
    "EARLIEST_SERVER_MS",
    "LATEST_SERVER_MS",
    "ClockOffset",
    "ClockSync",
    "RoundTrip",
    "ServerClock",
    "host_of",
    "plausible_server_ms",
    "shared_clock",
    "wall_clock_ms",
]

EARLIEST_SERVER_MS: Final = 1_262_304_000_000
"""2010-01-01T00:00:00Z: no exchange folio reads answered before it."""
LATEST_SERVER_MS: Final = 4_102_444_800_000
"""2100-01-01T00:00:00Z: a later reading is a wrong one, not a clock."""


def wall_clock_ms() -> int:
    """Milliseconds since the epoch (UTC), the unit exchanges sign."""
    return time.time_ns() // 1_000_000


def plausible_server_ms(value: int, field: str) -> int:
    """``value``, an exchange's clock reading (UTC ms), if it can be one; else refused at ``field``.

    A server-time answer of 0, a negative count, a count past 2100 or one beyond any clock
    (``1e30``) is garbage, not a skew to correct: adopting it would sign every request of every
    account of the host with an impossible timestamp, and blame the host's clock for it
    (docs/reliability.md, "Clock skew"). So it is an :class:`InvalidResponseError` naming the
    field, not re-read, and the offset in use is kept. Each adapter checks its reading where
    it reads the answer (so the error names the endpoint); :class:`ClockSync` checks again
    before a reading is adopted.
    """
    if not EARLIEST_SERVER_MS <= value < LATEST_SERVER_MS:
        shown = str(value)
        msg = (f"the exchange's time is {shown[:24]}{'...' if len(shown) > 24 else ''} ms since "
               "1970, not a time it can be (before 2010 or after 2099); the signing clock is "
               "left as it was")
        raise InvalidResponseError(msg, field=field)
    return value


class ClockOffset:
    """The offset to one exchange host's clock, and how often it was measured.

    Shared by every :class:`ServerClock` of the host (see :func:`shared_clock`); updated under
    a lock, since hosts on several event loops (``SyncFolio`` has its own) share it.
    """

    __slots__ = ("__weakref__", "_lock", "corrections", "offset_ms")

    def __init__(self) -> None:
        self.offset_ms = 0
        """Exchange clock minus local clock, as last measured (0 until a measurement)."""
        self.corrections = 0
        """How many times the offset was measured: a steadily growing count means drift."""
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ClockOffset(offset_ms={self.offset_ms}, corrections={self.corrections})"

    def adopt(self, offset_ms: int) -> None:
        """Take a new measurement."""
        with self._lock:
            self.offset_ms = offset_ms
            self.corrections += 1


class ServerClock:
    """The local clock (UTC ms) plus the offset last measured against the exchange."""

    def __init__(
        self, local_ms: Callable[[], int] = wall_clock_ms, *, shared: ClockOffset | None = None
    ) -> None:
        self.local_ms = local_ms
        self.shared = shared if shared is not None else ClockOffset()
        """The offset this clock adds: its own, or its host's (:func:`shared_clock`)."""

    @property
    def offset_ms(self) -> int:
        """Exchange clock minus local clock, as last measured (0 until a measurement)."""
        return self.shared.offset_ms

    @property
    def corrections(self) -> int:
        """How many times the offset was measured: a steadily growing count means drift."""
        return self.shared.corrections

    def __call__(self) -> int:
        """The current time on the exchange's clock, as best known."""
        return self.local_ms() + self.shared.offset_ms

    def __repr__(self) -> str:
        return f"ServerClock(offset_ms={self.offset_ms})"

    def correct(self, server_ms: int, sent_ms: int, received_ms: int) -> int:
        """Set the offset from one round trip and return it.

        ``server_ms`` is when the exchange received the request; ``sent_ms`` and
        ``received_ms`` are local times around the round trip. Assuming the two legs took
        equally long, the server's instant corresponds to their midpoint.
        """
        offset = server_ms - (sent_ms + received_ms) // 2
        self.shared.adopt(offset)
        return offset


_DEFAULT_PORTS: Final = {"https": 443, "http": 80}


def host_of(base_url: str) -> str:
    """The host whose clock ``base_url`` reaches: ``https://API.x.com:443/`` is ``https://api.x.com``."""
    parts = urlsplit(base_url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    return f"{scheme}://{host}" if port in (None, _DEFAULT_PORTS.get(scheme)) else (
        f"{scheme}://{host}:{port}"
    )


_SHARED: weakref.WeakValueDictionary[tuple[str, str, Callable[[], int]], ClockOffset] = (
    weakref.WeakValueDictionary()
)
_SHARED_LOCK: Final = threading.Lock()


def shared_clock(
    exchange: str, base_url: str, local_ms: Callable[[], int] = wall_clock_ms, *,
    shared: bool = True,
) -> ServerClock:
    """A signing clock sharing its offset with every client of the same exchange host.

    The offset is "their clock minus *this* local clock", so clients share it only when they
    also share ``local_ms`` (tests that inject their own clock get their own offset). The
    offset lives as long as some client of the host does. With ``shared`` off (an account's
    ``sync_clock`` option), the local clock as it is, never another client's offset.
    """
    if not shared:
        return ServerClock(local_ms)
    key = (exchange, host_of(base_url), local_ms)
    with _SHARED_LOCK:
        offset = _SHARED.get(key)
        if offset is None:
            offset = _SHARED[key] = ClockOffset()
    return ServerClock(local_ms, shared=offset)


class RoundTrip:
    """The local times around one server-time request, for :meth:`ServerClock.correct`.

    The send time is stamped when the request really leaves (the sender stamps the call's
    trip after any rate-limit wait, :mod:`adapters.kit.sender`): a wait must not count as half
    a round trip, or the measured offset is off by half of it.
    """

    def __init__(self, clock: ServerClock) -> None:
        self._clock = clock
        self.sent_ms = clock.local_ms()
        self.received_ms = self.sent_ms

    def left(self) -> None:
        """Stamp the request's departure; the sender calls it as the request leaves."""
        self.sent_ms = self._clock.local_ms()

    def arrived(self) -> None:
        """Stamp the answer's arrival; call it as soon as the flow receives the response."""
        self.received_ms = self._clock.local_ms()

    def correct(self, server_ms: int) -> int:
        """Adopt the offset this round trip measured against ``server_ms``; return it."""
        return self._clock.correct(server_ms, self.sent_ms, self.received_ms)


class ClockSync:
    """The server-time reads an exchange protocol offers, given its one server-time read."""

    clock: ServerClock
    server_time_field: str = "$"
    """The JSON path of the exchange's time in its server-time answer (for errors)."""

    async def server_time_ms(self, sender: Sender) -> tuple[int, RoundTrip]:
        """The exchange's time (UTC ms) and the round trip that read it."""
        raise NotImplementedError

    async def server_time(self, sender: Sender) -> datetime:
        """The exchange's clock."""
        server_ms, _ = await self.server_time_ms(sender)
        checked = plausible_server_ms(server_ms, self.server_time_field)
        return datetime.fromtimestamp(checked / 1000, UTC)

    async def measure_clock_offset(self, sender: Sender) -> int:
        """Measure the exchange's clock against ours, correct the signing clock, return ms."""
        server_ms, trip = await self.server_time_ms(sender)
        return trip.correct(plausible_server_ms(server_ms, self.server_time_field))
