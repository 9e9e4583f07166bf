"""Sending one read's requests: pacing, signing, bounded reading, retries, one deadline.

A :class:`Sender` lives for one call of a client (one account read) and is handed to the
adapter's protocol, which calls :meth:`Sender.send` for each request it needs. Every request
of every bundled adapter leaves through ``httpx.AsyncClient.send`` here, with its
:class:`~adapters.kit.call.Call`'s signer as the request's ``auth``. Per attempt:

1. **One deadline, checked, not timed.** The call's deadline (``RetryPolicy.deadline``) is a
   point in the event loop's time. Before each attempt the time left is checked; it then caps
   every socket wait of the attempt (httpx's per-request ``timeout`` extension, whose ``total``
   the framework's transport applies to the whole exchange, head and body), and the body
   reader checks it per piece (:mod:`adapters.kit.body`). No ``asyncio.timeout`` runs per read:
   that timer cost more than a fifth of folio's CPU per read (docs/performance.md).
2. **Pacing.** The request waits for its rate limiters, charged its cost; a wait that would end
   past the deadline ends the call now instead.
3. **Reading.** The adapter's ``read`` turns the response into data or a typed error; transport
   failures become :class:`~framework.errors.TransportError` or
   :class:`~framework.errors.RequestTimeoutError` naming the host and the failure's type only.
4. **Retrying.** :func:`framework.retry.decide` says whether and when to try again; the same
   request is sent again, signed anew. A rejected timestamp
   (:class:`~framework.errors.ClockSkewError`) is corrected once from the exchange's clock
   (the client's ``correct_clock``) and the request repeated; a second rejection is final.

Errors get their endpoint here, once (the client adds exchange and account as they leave it).

**Observability.** Each attempt, when the host has a subscriber, becomes one
:class:`~framework.events.RequestEvent` (``ok``, ``retried``, ``failed`` or ``cancelled``);
with none, the cost is one attribute check per call. Retries are logged at INFO on
``folio.retry`` and answers at DEBUG on ``folio.http``, each record naming the account, the
exchange and the endpoint in its message and as extras (framework/logs.py).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from adapters.kit.body import BodyPastDeadline, read_bounded
from adapters.kit.call import Call
from framework import http as _http  # noqa: F401 - masks signatures in httpx's own log lines
from framework.errors import (
    ClockSkewError,
    ExchangeError,
    FolioError,
    RequestTimeoutError,
    TransportError,
)
from framework.events import RequestEvent, RequestEvents, RequestOutcome
from framework.logs import HTTP, RETRY, extras, who
from framework.retry import RetryPolicy, decide

if TYPE_CHECKING:
    from framework.settings import HttpSettings

__all__ = ["ClockFix", "Sender"]

T = TypeVar("T")

log = logging.getLogger(HTTP)
retry_log = logging.getLogger(RETRY)


ClockFix = Callable[["Sender", int, str], Awaitable[None]]
"""Corrects the signing clock unless it was corrected since measurement number ``seen``; the
``str`` is the endpoint whose timestamp was refused."""


class Sender:
    """Sends the requests of one call within its deadline; see the module docstring."""

    __slots__ = (
        "_account",
        "_client",
        "_clock_fix",
        "_cut",
        "_events",
        "_exchange",
        "_loop",
        "_policy",
        "_settings",
        "_signing",
        "_sleep",
        "began",
        "until",
    )

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: HttpSettings,
        *,
        began: float,
        signing: Callable[[], int] | None = None,
        clock_fix: ClockFix | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        account: str | None = None,
        exchange: str | None = None,
        events: RequestEvents | None = None,
    ) -> None:
        """Start a call at ``began`` (the event loop's time), which starts its deadline.

        ``signing`` counts the signing clock's corrections, so a rejection is corrected only
        once per measurement. ``account`` and ``exchange`` name the call in logs and events;
        ``events`` is given only when someone listens (``None``: no event is built).
        """
        self._client = client
        self._settings = settings
        self._policy: RetryPolicy = settings.retry
        self._loop = asyncio.get_running_loop()
        self._signing = signing
        self._clock_fix = clock_fix
        self._sleep = sleep
        self._account = account
        self._exchange = exchange
        self._events = events
        self._cut: RequestTimeoutError | None = None
        """The latest deadline error made here: it ends the call, it is not a failed attempt."""
        self.began = began
        self.until = began + self._policy.deadline
        """The deadline, in the event loop's time."""

    async def send(self, call: Call, read: Callable[[httpx.Response], T]) -> T:  # noqa: PLR0912
        """Send ``call`` (again, per the retry policy) and return ``read`` of its answer."""
        number = tries = 0
        last: ExchangeError | None = None
        corrected = told = False
        events = self._events
        start, response = 0.0, None
        try:
            while True:
                number += 1
                tries += 1
                seen = self._signing() if self._signing is not None else 0
                if events is not None:
                    start, response, told = self._loop.time(), None, False
                try:
                    response = await self._attempt(call, number, last)
                    value = read(response)
                except ClockSkewError as exc:
                    exc.located(endpoint=call.endpoint)
                    if corrected or self._clock_fix is None:
                        if corrected:
                            exc.detail += (" (refused again after the signing clock was "
                                           "corrected from the exchange's time)")
                        raise
                    corrected = True
                    number -= 1  # the correction is not a failed attempt
                    told = self._tell(call, tries, start, response, exc, RequestOutcome.RETRIED)
                    await self._clock_fix(self, seen, call.endpoint)
                    continue
                except ExchangeError as exc:
                    exc.located(endpoint=call.endpoint)
                    if exc is self._cut:
                        raise
                    # A wait past the deadline is refused here, with the error (retry.decide).
                    delay = self._after_failure(exc, number)
                    if not isinstance(exc, RequestTimeoutError):
                        last = exc  # a deadline cut names what failed, not an earlier cut
                    told = self._tell(call, tries, start, response, exc, RequestOutcome.RETRIED)
                except FolioError as exc:
                    raise exc.located(endpoint=call.endpoint) from None
                else:
                    if events is not None:
                        self._tell(call, tries, start, response, None, RequestOutcome.OK)
                    return value
                await self._sleep(delay)
        except BaseException as exc:
            if events is not None and not told:
                self._tell(call, tries, start, response, exc, RequestOutcome.ended_by(exc))
            raise

    def _tell(  # noqa: PLR0917 - the send loop's locals, passed as they are
        self, call: Call, attempt: int, start: float, response: httpx.Response | None,
        error: BaseException | None, outcome: RequestOutcome,
    ) -> bool:
        """Deliver the event of one attempt, if anyone listens; ``True``: it was told."""
        if self._events is not None:
            self._events.emit(RequestEvent.of(
                account=self._account, exchange=self._exchange, endpoint=call.endpoint,
                status=None if response is None else response.status_code, attempt=attempt,
                duration=self._loop.time() - start, outcome=outcome, error=error))
        return True

    def _after_failure(self, error: ExchangeError, number: int) -> float:
        """The wait before the next attempt; re-raises ``error`` (saying why) when none."""
        policy = self._policy
        elapsed = self._loop.time() - self.began
        decision = decide(policy, error, attempt=number, elapsed=elapsed, jitter=random.random())  # noqa: S311 - jitter, not a secret
        if not decision.retry:
            if decision.tell:
                error.detail += f" ({decision.reason})"
            raise error
        # Type and location only: the detail may quote the exchange's message, which may echo
        # a credential; the client scrubs that from the error it raises.
        retry_log.info("retrying in %.3f s (%s): %s at %s (%s)", decision.delay,
                       decision.reason, type(error).__name__,
                       error.endpoint or "an unnamed endpoint",
                       who(self._account, self._exchange),
                       extra=extras(self._account, self._exchange, error.endpoint))
        return decision.delay

    async def _pause(self, delay: float, call: Call) -> None:
        """Wait ``delay`` seconds, unless that would end past the deadline."""
        if self._loop.time() + delay >= self.until:
            raise self.deadline_error(call.endpoint, "a wait would pass it")
        await self._sleep(delay)

    def deadline_error(
        self, endpoint: str | None, what: str, tries: int = 0, last: ExchangeError | None = None
    ) -> RequestTimeoutError:
        """The call's deadline passed; ``what`` says where, ``last`` the failure before."""
        done = f"; {tries} attempt{'s' if tries != 1 else ''}" if tries else ""
        before = f"; the last failure: {type(last).__name__}: {last.detail}" if last else ""
        deadline = self._policy.deadline
        msg = f"did not finish within the {deadline:g} s deadline ({what}{done}{before})"
        self._cut = RequestTimeoutError(msg, endpoint=endpoint)
        return self._cut

    async def _attempt(self, call: Call, number: int, last: ExchangeError | None) -> httpx.Response:
        loop = self._loop
        left = self.until - loop.time()
        if left <= 0:
            raise self.deadline_error(call.endpoint, "no time was left to send", number - 1, last)
        if call.limiters:
            for limiter in call.limiters:
                if limiter.try_acquire(call.cost) > 0:  # a wait: cut at the deadline
                    await limiter.acquire(call.cost, sleep=partial(self._pause, call=call))
            left = self.until - loop.time()
        request = call.request
        s = self._settings
        request.extensions["timeout"] = {
            "connect": min(s.connect_timeout, left),
            "read": min(s.read_timeout, left),
            "write": min(s.write_timeout, left),
            "pool": min(s.pool_timeout, left),
            "total": left,
        }
        if call.trip is not None:
            call.trip.left()
        try:
            response = await self._client.send(request, auth=call.auth, stream=True)
            try:
                await read_bounded(response, limit=s.max_body_bytes, endpoint=call.endpoint,
                                   until=self.until, clock=loop.time)
            finally:
                await response.aclose()
        except httpx.TimeoutException as exc:
            if loop.time() >= self.until:
                raise self.deadline_error(call.endpoint, "waiting for the answer", number,
                                          last) from None
            host = request.url.host
            raise RequestTimeoutError(f"no answer from {host} in time ({type(exc).__name__})",
                                      endpoint=call.endpoint) from None
        except httpx.HTTPError as exc:
            # Only the type and the host are quoted: never the URL's query or a header.
            raise TransportError(f"connection to {request.url.host} failed "
                                 f"({type(exc).__name__})", endpoint=call.endpoint) from None
        except BodyPastDeadline:
            raise self.deadline_error(call.endpoint, "the body was still arriving", number,
                                      last) from None
        if call.trip is not None:
            call.trip.arrived()
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s on %s -> HTTP %d (%d bytes) (%s)", call.endpoint, request.url.host,
                      response.status_code, len(response.content),
                      who(self._account, self._exchange),
                      extra=extras(self._account, self._exchange, call.endpoint))
        return response

