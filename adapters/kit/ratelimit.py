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
  exchange and scope key, so two hosts, or two accounts on one key, share one budget.

A limiter is thread-safe (every loop of a process shares it: ``SyncFolio`` runs its own): the
bookkeeping is done under a lock that is never held while waiting.
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import threading
import time
import weakref
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
        self.waited = 0.0
        """Seconds callers spent waiting here in all: how often the limit was the bottleneck."""

    def __repr__(self) -> str:
        return f"SlidingWindowLimiter({self.rule.describe()})"

    def try_acquire(self, cost: int = 1) -> float:
        """Take ``cost`` units now and return 0, or return the seconds to wait before retrying.

        A cost above the whole limit is taken once the window is empty (it could never fit).
        """
        with self._lock:
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

    async def acquire(
        self, cost: int = 1, *, sleep: Callable[[float], Any] = asyncio.sleep
    ) -> None:
        """Wait (without blocking the event loop) until ``cost`` units may be sent, take them."""
        while (delay := self.try_acquire(cost)) > 0:
            self.waited += delay
            await sleep(delay)


_SHARED: weakref.WeakValueDictionary[tuple[str, RateLimit, str], SlidingWindowLimiter] = (
    weakref.WeakValueDictionary()
)
_SHARED_LOCK: Final = threading.Lock()


def scope_key(secret_material: str) -> str:
    """A stable, non-reversible name for a key or host, so limiters never hold a credential."""
    return hashlib.sha256(secret_material.encode("utf-8")).hexdigest()[:24]


def shared_limiter(exchange: str, rule: RateLimit, who: str) -> SlidingWindowLimiter:
    """The process-wide limiter for ``rule`` on ``exchange`` for ``who`` (API key or host).

    Clients keep a reference for as long as they live; the limiter goes away with the last one.
    ``who`` is hashed at once, so an API key used as a scope never sits in the registry.
    """
    key = (exchange, rule, scope_key(who))
    with _SHARED_LOCK:
        limiter = _SHARED.get(key)
        if limiter is None:
            limiter = SlidingWindowLimiter(rule)
            _SHARED[key] = limiter
        return limiter
