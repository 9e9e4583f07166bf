"""Request counters, so tests can assert what a client actually sent.

"The client retried three times" or "the group was discovered once for ten calls" are
properties of the traffic, not of the answers; the counters make them checkable. Control
requests (``/__simulator__/...``) are not counted: they are not exchange traffic.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SimStats", "StatsRecorder"]

UNKNOWN_ROUTE = "<unknown>"
"""Route label of requests to paths the exchange does not serve (answered 404)."""


@dataclass(frozen=True, slots=True)
class SimStats:
    """A snapshot of the counters of one running server."""

    requests: Mapping[tuple[str | None, str], int] = field(default_factory=dict)
    """Requests per ``(x-auth-key as sent or None, route name)``; unknown paths count
    under the route ``"<unknown>"``; resets and garbage count too."""
    statuses: Mapping[int, int] = field(default_factory=dict)
    """Answers per HTTP status (resets are not answers: see ``resets``)."""
    throttled: int = 0
    """Requests refused by the simulated edge's rate limit (``SimulatorOptions.rate_limit``);
    also counted under status 429, like 429s injected by faults."""
    resets: int = 0
    connections: int = 0
    """Connections accepted so far."""
    open_connections: int = 0
    peak_connections: int = 0
    in_flight: int = 0
    """Exchange requests read but not yet answered (e.g. held by a latency fault)."""
    peak_in_flight: int = 0
    """Most requests in flight at once: proof of concurrent service without a stopwatch."""

    @property
    def total(self) -> int:
        """All counted requests."""
        return sum(self.requests.values())

    def count(self, route: str | None = None, api_key: str | None = None) -> int:
        """Requests for ``route`` and/or ``api_key`` (``None`` = any)."""
        return sum(
            n for (key, name), n in self.requests.items()
            if (route is None or name == route) and (api_key is None or key == api_key)
        )

    def to_json(self) -> dict[str, Any]:
        """JSON form, as served by ``GET /__simulator__/stats``."""
        return {
            "requests": [
                {"api_key": key, "route": name, "count": n}
                for (key, name), n in sorted(self.requests.items(),
                                             key=lambda item: (item[0][0] or "", item[0][1]))
            ],
            "statuses": {str(status): n for status, n in sorted(self.statuses.items())},
            "total": self.total,
            "resets": self.resets,
            "throttled": self.throttled,
            "connections": self.connections,
            "open_connections": self.open_connections,
            "peak_connections": self.peak_connections,
            "in_flight": self.in_flight,
            "peak_in_flight": self.peak_in_flight,
        }


class StatsRecorder:
    """Thread-safe counters: written by the event loop, read by tests on another thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[tuple[str | None, str]] = Counter()
        self._statuses: Counter[int] = Counter()
        self._resets = 0
        self._connections = 0
        self._open = 0
        self._peak = 0
        self._in_flight = 0
        self._peak_in_flight = 0
        self._throttled = 0

    def throttled(self) -> None:
        """Count a request refused by the simulated rate limit."""
        with self._lock:
            self._throttled += 1

    def started(self) -> None:
        """Count a request whose answer is being prepared."""
        with self._lock:
            self._in_flight += 1
            self._peak_in_flight = max(self._peak_in_flight, self._in_flight)

    def finished(self) -> None:
        """Count a request whose answer is ready (or was abandoned)."""
        with self._lock:
            self._in_flight -= 1

    def request(self, api_key: str | None, route: str | None, status: int | None) -> None:
        """Count one request; ``status`` ``None`` means the connection was reset instead."""
        with self._lock:
            self._requests[(api_key, route or UNKNOWN_ROUTE)] += 1
            if status is None:
                self._resets += 1
            else:
                self._statuses[status] += 1

    def opened(self) -> None:
        """Count a newly accepted connection."""
        with self._lock:
            self._connections += 1
            self._open += 1
            self._peak = max(self._peak, self._open)

    def closed(self) -> None:
        """Count a closed connection."""
        with self._lock:
            self._open -= 1

    def reset(self) -> None:
        """Zero the request counters (connection gauges keep their meaning)."""
        with self._lock:
            self._requests.clear()
            self._statuses.clear()
            self._resets = 0
            self._throttled = 0
            self._connections = 0
            self._peak = self._open
            self._peak_in_flight = self._in_flight

    def snapshot(self) -> SimStats:
        """A consistent copy of the counters."""
        with self._lock:
            return SimStats(
                requests=dict(self._requests),
                statuses=dict(self._statuses),
                resets=self._resets,
                throttled=self._throttled,
                connections=self._connections,
                open_connections=self._open,
                peak_connections=self._peak,
                in_flight=self._in_flight,
                peak_in_flight=self._peak_in_flight,
            )
