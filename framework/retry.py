"""When to try a failed read again, and how long to wait first.

The decision is a pure function (:func:`decide`) of the policy, the error, the attempt number,
the time spent so far and a jitter draw, so every rule is tested as a table without sockets or
clocks. The one loop that applies them is the adapter kit's sender (adapters/kit/sender.py).

Rules, and why:

* Only an :class:`~framework.errors.ExchangeError` whose ``retryable`` is true is retried:
  every :class:`~framework.errors.TransientError` (connection failures, timeouts, 429, 5xx), as
  the same request can succeed later, and an answer that could not be read at all (not JSON,
  cut short: an ``InvalidResponseError`` marked ``garbled``), because a read is idempotent
  and a re-read is validated again, so it can never produce a wrong number. Authentication,
  permission, invalid-request errors and well-formed answers that fail the schema never are:
  repeating them cannot help and hammers the exchange with bad credentials, which is how keys
  get locked. A bare ``ExchangeError`` (an unknown exchange code) is not known to be harmless
  to repeat, so it is not retried either. Being a property of the error (``retryable``), not
  a list here, a plugin's own error classes take part without changing this module.
* A ``Retry-After`` from the exchange is obeyed instead of our own backoff: it is the exchange
  telling us when it will serve us again. Advice longer than ``max_retry_after`` (an IP ban
  lasts minutes to days) ends the call at once with the error, which carries the advice:
  coming back early would be refused again, and on some exchanges would lengthen the ban.
* Otherwise the wait doubles per attempt up to ``max_delay``, with "equal jitter" (between half
  and all of that), so a fan-out over hundreds of accounts that all failed at once does not
  come back at once.
* ``deadline`` bounds a whole call, waits included: a host refreshing every few seconds wants
  an answer or an error in time, not a retry that lands after the next refresh.

Only reads are retried, and every folio read is idempotent. Each attempt is a new request, so
adapters sign it again with a fresh timestamp.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import attrs

from framework.errors import (
    BannedError,
    ExchangeError,
    InvalidResponseError,
    RateLimitedError,
)

__all__ = ["DEFAULT_RETRY_POLICY", "NO_RETRIES", "RetryDecision", "RetryPolicy", "decide"]


def _at_least(minimum: float) -> Callable[[object, attrs.Attribute[Any], float], None]:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
        if not value >= minimum:
            msg = f"{attribute.name} must be at least {minimum}, got {value!r}"
            raise ValueError(msg)

    return check


@attrs.frozen(slots=True)
class RetryPolicy:
    """How persistently one call is retried. The defaults suit a host polling every few seconds."""

    max_attempts: int = attrs.field(default=4, validator=_at_least(1))
    """Attempts in all, the first included; 1 turns retries off."""

    base_delay: float = attrs.field(default=0.25, validator=_at_least(0))
    """Backoff before the first retry (seconds); doubled for each further one."""

    max_delay: float = attrs.field(default=8.0, validator=_at_least(0))
    """Longest backoff between two attempts (seconds)."""

    max_retry_after: float = attrs.field(default=60.0, validator=_at_least(0))
    """Longest ``Retry-After`` waited for (seconds); longer advice ends the call instead."""

    deadline: float = attrs.field(default=30.0, validator=_at_least(0.001))
    """Longest time for a whole call, attempts and waits included (seconds)."""

    def backoff(self, attempt: int, jitter: float) -> float:
        """The wait after failed attempt number ``attempt`` (1-based), ``jitter`` in [0, 1)."""
        ceiling: float = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return ceiling / 2 + ceiling / 2 * jitter


DEFAULT_RETRY_POLICY: Final = RetryPolicy()
NO_RETRIES: Final = RetryPolicy(max_attempts=1)


@attrs.frozen(slots=True)
class RetryDecision:
    """Whether to try again, after how many seconds, and why (for logs and tests)."""

    retry: bool
    delay: float
    reason: str
    tell: bool = False
    """Whether the reason belongs in the error the caller gets (why folio stopped trying)."""


def decide(
    policy: RetryPolicy,
    error: BaseException,
    *,
    attempt: int,
    elapsed: float,
    jitter: float,
) -> RetryDecision:
    """Decide what to do after attempt number ``attempt`` failed with ``error``.

    ``elapsed`` is the time since the call started; ``jitter`` is a draw from [0, 1).
    """
    if not (isinstance(error, ExchangeError) and error.retryable):
        return RetryDecision(False, 0.0, f"{type(error).__name__} is not retryable")
    if isinstance(error, BannedError):
        return RetryDecision(False, 0.0, "banned by the exchange: retrying early lengthens bans")
    if attempt >= policy.max_attempts:
        return RetryDecision(False, 0.0, f"gave up after {attempt} attempts", tell=attempt > 1)
    if isinstance(error, RateLimitedError) and error.retry_after is not None:
        if error.retry_after > policy.max_retry_after:
            return RetryDecision(
                False,
                0.0,
                f"the exchange asked to wait {error.retry_after:g} s, longer than "
                f"max_retry_after ({policy.max_retry_after:g} s)",
                tell=True,
            )
        delay = error.retry_after
        reason = f"exchange asked to retry after {error.retry_after:g} s"
    else:
        delay = policy.backoff(attempt, jitter)
        reason = f"backoff after attempt {attempt}"
        if isinstance(error, InvalidResponseError):  # retryable only when garbled
            reason = f"re-reading an unreadable answer, {reason}"
    if elapsed + delay >= policy.deadline:
        return RetryDecision(
            False,
            0.0,
            f"a retry in {delay:.3g} s would pass the {policy.deadline:g} s deadline",
            tell=True,
        )
    return RetryDecision(True, delay, reason)
