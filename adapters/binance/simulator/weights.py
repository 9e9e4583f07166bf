"""Request-weight accounting per IP address, as Binance meters it.

Every request the exchange processes on a known route costs that route's weight in its budget
(see :mod:`.routes`), whether it is then served or refused for its key or signature. Weight is
counted per caller IP in windows of ``weight_window_ms`` that start on whole multiples of it
(whole minutes of server time by default), which is what ``X-MBX-USED-WEIGHT-1M`` reports: the
weight used in the current minute. A request that would go over the budget's limit is refused,
costs nothing, and learns from ``Retry-After`` how many seconds remain until the next window.
(Requests answered by an injected fault never reach the meter.)
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from adapters.binance.simulator.routes import Pool, Route

__all__ = ["Charge", "WeightMeter"]


@dataclass(frozen=True, slots=True)
class Charge:
    """The outcome of charging one request."""

    admitted: bool
    used: int
    """The budget's weight used in the current window, after this request."""
    retry_after_s: int
    """Whole seconds until the next window (0 when admitted)."""


class WeightMeter:
    """Thread-safe weight counters: charged by the event loop, read by tests on other threads."""

    def __init__(self, limits: Mapping[Pool, int], window_ms: int) -> None:
        self._limits = dict(limits)
        self._window_ms = window_ms
        self._lock = threading.Lock()
        self._used: dict[tuple[str, str], tuple[int, int]] = {}
        """(ip, budget) -> (window number, weight used in it)."""

    def _current(self, key: tuple[str, str], window: int) -> int:
        stored = self._used.get(key)
        return stored[1] if stored is not None and stored[0] == window else 0

    def charge(self, ip: str, route: Route, now_ms: int) -> Charge:
        """Take ``route.weight`` from ``ip``'s budget now, unless that would pass the limit."""
        window = now_ms // self._window_ms
        key = (ip, route.budget)
        with self._lock:
            used = self._current(key, window)
            if used + route.weight > self._limits[route.pool]:
                remaining_ms = (window + 1) * self._window_ms - now_ms
                return Charge(False, used, max(1, -(-remaining_ms // 1000)))
            used += route.weight
            self._used[key] = (window, used)
            return Charge(True, used, 0)

    def used(self, ip: str, budget: str, now_ms: int) -> int:
        """Weight ``ip`` used of ``budget`` (``"api"`` or a ``/sapi/`` path) in this window."""
        with self._lock:
            return self._current((ip, budget), now_ms // self._window_ms)

    def reset(self) -> None:
        """Forget every charge (a fresh minute for everyone)."""
        with self._lock:
            self._used.clear()
