"""Client-side rate limits: stay under what the exchange meters instead of collecting 429s.

An exchange counts requests per API key, per IP address, or per endpoint cost ("weight") in a
time window, and throttles or bans beyond it. A fan-out over hundreds of accounts that share a
key would cross that line in its first millisecond; waiting on our side is cheaper than a 429,
a retry and, on some exchanges, an IP ban.

* :class:`RateLimit` is a rule as an exchange documents it: ``limit`` units of cost per
  ``window`` seconds, counted per ``scope`` (key or host).
* :class:`SlidingWindowLimiter` enforces one rule exactly: at most ``limit`` units in *any*
  window of that length, measured when requests actually leave (a token bucket would allow twice
  the limit across a window boundary, which is what gets keys banned).
* :func:`shared_limiter` hands every client in the process the same limiter for the same
  exchange and scope key, so two hosts, or two accounts on one key, share one budget. A limiter
  lives as long as its window holds a request, whoever still holds it: a host closed and
  opened again within the window starts from what the exchange still counts, not from zero.

A limiter is thread-safe (every loop of a process shares it: ``SyncFolio`` runs its own): the
bookkeeping is done under a lock that is never held while waiting.
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Final

import attrs

__all__ = ["RateLimit", "Scope", "SlidingWindowLimiter", "scope_key", "shared_limiter"]


class Scope(enum.Enum):
    """What an exchange counts requests against."""

    KEY = "key"
    """Each API key has its own budget."""
    HOST = "host"
    """Every request to the exchange's host from this machine (its IP) shares one budget."""


@attrs.frozen(slots=True)
class RateLimit:
    """``limit`` units of request cost per ``window`` seconds, counted per ``scope``."""

    limit: int = attrs.field(validator=attrs.validators.gt(0))
    window: float = attrs.field(validator=attrs.validators.gt(0))
    scope: Scope = Scope.KEY
    margin: float = attrs.field(default=0.2, validator=attrs.validators.ge(0))
    """Extra fraction of the window kept free, so that requests bunched on their way (network
    jitter, a burst of new connections being set up) still arrive inside the exchange's limit.
    A fifth of a one-second window is 200 ms of such delay."""

    def describe(self) -> str:
        """E.g. ``100 per 1 s per key``."""
        return f"{self.limit} per {self.window:g} s per {self.scope.value}"


class SlidingWindowLimiter:
    """At most ``rule.limit`` units of cost in any window of ``rule.window`` (plus margin)."""

    def __init__(
        self, rule: RateLimit, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rule = rule
        self._clock = clock
        self._span = rule.window * (1 + rule.margin)
        self._sent: deque[tuple[float, int]] = deque()  # (send time, cost), oldest first
        self._used = 0
        self._lock = threading.Lock()
        self._shared_as: _SharedKey | None = None
        """Its key in the process-wide registry, for a limiter :func:`shared_limiter` made."""
        self._retired = False
        """Dropped from the registry while idle: a holder's next request goes to the live one."""
        self.waited = 0.0
        """Seconds callers spent waiting here in all: how often the limit was the bottleneck."""

    def __repr__(self) -> str:
        return f"SlidingWindowLimiter({self.rule.describe()})"

    def try_acquire(self, cost: int = 1) -> float:
        """Take ``cost`` units now and return 0, or return the seconds to wait before retrying.

        A cost above the whole limit is taken once the window is empty (it could never fit).
        """
        with self._lock:
            if not self._retired:
                return self._take(cost)
        key = self._shared_as
        assert key is not None  # only a shared limiter is ever retired
        return _live(key).try_acquire(cost)

    def _take(self, cost: int) -> float:
        """:meth:`try_acquire` on this limiter's own window; the caller holds the lock."""
        now = self._clock()
        sent, span = self._sent, self._span
        while sent and sent[0][0] <= now - span:
            self._used -= sent.popleft()[1]
        budget = self.rule.limit
        if self._used + cost <= budget or not sent:
            sent.append((now, cost))
            self._used += cost
            return 0.0
        # Wait until enough of the oldest sends leave the window to make room.
        excess = self._used + cost - budget
        freed = 0
        for when, spent in sent:
            freed += spent
            if freed >= excess:
                return max(when + span - now, 1e-6)
        return max(sent[-1][0] + span - now, 1e-6)  # a cost above the limit: wait for all

    def _retire_if_idle(self) -> bool:
        """Retire the limiter if its window holds nothing any more; whether it did."""
        with self._lock:
            now, sent = self._clock(), self._sent
            while sent and sent[0][0] <= now - self._span:
                self._used -= sent.popleft()[1]
            self._retired = not sent
            return self._retired

    async def acquire(
        self, cost: int = 1, *, sleep: Callable[[float], Any] = asyncio.sleep
    ) -> None:
        """Wait (without blocking the event loop) until ``cost`` units may be sent, take them."""
        while (delay := self.try_acquire(cost)) > 0:
            self.waited += delay
            await sleep(delay)


_SharedKey = tuple[str, RateLimit, str]
_SHARED: Final[dict[_SharedKey, SlidingWindowLimiter]] = {}
_SHARED_LOCK: Final = threading.Lock()
_SWEEP_EVERY_S: Final = 1.0
_last_sweep = 0.0
_registry_clock: Callable[[], float] = time.monotonic
"""The clock of shared limiters and of the sweep (a test sets it to step through windows)."""


def _registry_time() -> float:
    return _registry_clock()


def scope_key(secret_material: str) -> str:
    """A stable, non-reversible name for a key or host, so limiters never hold a credential."""
    return hashlib.sha256(secret_material.encode("utf-8")).hexdigest()[:24]


def shared_limiter(exchange: str, rule: RateLimit, who: str) -> SlidingWindowLimiter:
    """The process-wide limiter for ``rule`` on ``exchange`` for ``who`` (API key or host).

    ``who`` is hashed at once, so an API key used as a scope never sits in the registry. The
    limiter stays in the registry while its window holds a request, whether or not a client
    still holds it: budgets are the exchange's, counted per window, and a host closed and
    opened again (or a client that looks its limiter up per request) must find the requests
    the exchange still counts. An idle limiter is dropped (at most one sweep a second); a
    client still holding it is sent on to the live one.
    """
    return _live((exchange, rule, scope_key(who)))


def _live(key: _SharedKey) -> SlidingWindowLimiter:
    global _last_sweep  # noqa: PLW0603 - the registry's own bookkeeping
    with _SHARED_LOCK:
        now = _registry_clock()
        if now - _last_sweep >= _SWEEP_EVERY_S or now < _last_sweep:
            _last_sweep = now
            for idle in [k for k, limiter in _SHARED.items() if limiter._retire_if_idle()]:
                del _SHARED[idle]
        limiter = _SHARED.get(key)
        if limiter is None:
            limiter = _SHARED[key] = SlidingWindowLimiter(key[1], clock=_registry_time)
            limiter._shared_as = key
        return limiter
