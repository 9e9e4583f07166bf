"""One event per HTTP attempt, for a host that exports metrics.

A host that wants request counts, latencies and retry rates per exchange or account (for
Prometheus, StatsD, OpenTelemetry...) subscribes a callback to its :class:`~framework.host.Folio`
(``Folio(..., on_request=callback)`` or ``folio.subscribe(callback)``). The adapter kit's sender
(adapters/kit/sender.py) emits one :class:`RequestEvent` per attempt, so a read that failed with
HTTP 503 and then succeeded gives two events: ``retried`` with status 503, then ``ok`` with 200.
A plugin not built on the kit emits its own through ``AccountContext.events``
(framework/providers.py). docs/host-api.md, "Observability", shows an exporter.

Why a callback and not only log records: a metric needs typed fields (a status as an ``int``, a
duration as a ``float``), not text to parse, and must not depend on the host's log level.

Two rules keep it safe on a fan-out's hot path (docs/performance.md):

* **Free when unused.** The sender checks one attribute per call; with no subscriber no event
  is built and no clock is read.
* **A subscriber cannot break a read.** Callbacks run on the event loop, in the order they were
  subscribed; one that raises is logged once at WARNING under ``folio.events`` (later failures
  of the same callback at DEBUG) and the read and the other subscribers carry on. A callback
  should be quick: it runs between the attempts of every account's read.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import threading
from collections.abc import Callable

import attrs

from framework.logs import EVENTS, extras

__all__ = ["RequestEvent", "RequestEvents", "RequestListener", "RequestOutcome"]


class RequestOutcome(enum.StrEnum):
    """How one attempt ended."""

    OK = "ok"
    """An answer arrived and was read: the call's result."""
    RETRIED = "retried"
    """The attempt failed and folio went on to try again (after a wait, or after correcting
    the signing clock from the exchange's time)."""
    FAILED = "failed"
    """The attempt failed and ended the call with its error (not retryable, out of attempts,
    or the deadline passed)."""
    CANCELLED = "cancelled"
    """The attempt was cancelled (the host cancelled the read)."""

    @classmethod
    def ended_by(cls, error: BaseException) -> RequestOutcome:
        """The outcome of an attempt that ended its call with ``error``."""
        return cls.CANCELLED if isinstance(error, asyncio.CancelledError) else cls.FAILED


@attrs.frozen(slots=True)
class RequestEvent:
    """One HTTP attempt: who, which endpoint, how it ended and how long it took.

    Carries names, numbers and type names only: never a URL's query, a header, a response body
    or an error message, which could quote a credential (docs/reliability.md).
    """

    account: str | None
    """The account's name (``None`` for a client used outside a host)."""
    exchange: str | None
    """The exchange's name, as in the configuration (``ascendex``)."""
    endpoint: str
    """The endpoint's name as errors say it (``GET cash/balance``)."""
    status: int | None
    """The HTTP status of the answer; ``None`` when no complete answer arrived (a connection
    failure, a timeout, a body cut short or over the size limit)."""
    attempt: int
    """1 for the first attempt of this request in this read, 2 for the first retry..."""
    duration: float
    """Seconds from the start of the attempt (a wait for the rate limiter included) until its
    answer was read or it failed, on the event loop's monotonic clock."""
    outcome: RequestOutcome
    error_type: str | None
    """The type name of the error the attempt ended with (``ExchangeUnavailableError``);
    ``None`` when it succeeded."""

    @classmethod
    def of(
        cls,
        *,
        account: str | None,
        exchange: str | None,
        endpoint: str,
        status: int | None,
        attempt: int,
        duration: float,
        outcome: RequestOutcome,
        error: BaseException | None,
    ) -> RequestEvent:
        """The event of an attempt that ended with ``error`` (``None``: it succeeded).

        Only the error's type name is kept: its message may quote the exchange's answer.
        """
        error_type = None if error is None else type(error).__name__
        return cls(account, exchange, endpoint, status, attempt, duration, outcome, error_type)


RequestListener = Callable[[RequestEvent], object]
"""A subscriber: called with each event; what it returns is ignored."""

_log = logging.getLogger(EVENTS)


class RequestEvents:
    """The subscribers of one host, and the one way to deliver an event to them.

    Subscribing and unsubscribing are safe from any thread; delivery happens on the event loop
    that runs the read. The subscriber list is an immutable tuple, replaced on change, so
    :meth:`emit` never holds a lock.
    """

    __slots__ = ("_failed", "_lock", "listeners")

    def __init__(self) -> None:
        self.listeners: tuple[_Subscription, ...] = ()
        """The current subscribers; empty means nobody listens (the sender checks this)."""
        self._lock = threading.Lock()
        self._failed: set[int] = set()

    def __repr__(self) -> str:
        return f"RequestEvents({len(self.listeners)} subscribers)"

    def subscribe(self, listener: RequestListener) -> Callable[[], None]:
        """Call ``listener`` with every event from now on; returns the function that stops it.

        The returned function is safe to call twice. Subscribing one callback twice delivers
        each event to it twice.
        """
        given: object = listener  # checked at run time: hosts do not all run a type checker
        if not callable(given):
            msg = f"a request-event subscriber must be callable, got {type(given).__name__}"
            raise TypeError(msg)
        token = _Subscription(listener)
        with self._lock:
            self.listeners = (*self.listeners, token)

        def unsubscribe() -> None:
            with self._lock:
                self.listeners = tuple(s for s in self.listeners if s is not token)
                self._failed.discard(id(token))

        return unsubscribe

    def emit(self, event: RequestEvent) -> None:
        """Deliver ``event`` to every subscriber; one that raises never stops the others."""
        for listener in self.listeners:
            try:
                listener(event)
            except Exception as exc:  # a host's callback must not break a read
                self._report(listener, event, exc)

    def _report(self, listener: _Subscription, event: RequestEvent, exc: Exception) -> None:
        first = id(listener) not in self._failed
        self._failed.add(id(listener))
        name = listener.name
        _log.log(
            logging.WARNING if first else logging.DEBUG,
            "request-event subscriber %s raised %s on %s (%s account %r)%s; the read carries on",
            name, type(exc).__name__, event.endpoint, event.exchange, event.account,
            " (later failures of this subscriber are logged at DEBUG)" if first else "",
            exc_info=first,
            extra=extras(event.account, event.exchange, event.endpoint),
        )


class _Subscription:
    """One subscription: its own identity, so the same callback may be subscribed twice."""

    __slots__ = ("listener", "name")

    def __init__(self, listener: RequestListener) -> None:
        self.listener = listener
        self.name: str = getattr(listener, "__qualname__", type(listener).__name__)

    def __call__(self, event: RequestEvent) -> object:
        return self.listener(event)
