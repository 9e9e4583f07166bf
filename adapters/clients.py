"""What every exchange's clients share: configuration, the runner, and the reader entry points.

An exchange adapter offers a blocking and an async client over one sans-I/O protocol. Both
hold the protocol (request building, answer reading), a :class:`~adapters.kit.clock.ServerClock`
that the protocol corrects, the account's HTTP settings and an
:class:`~adapters.runner.ErrorFinisher`; they differ only in how flows are driven. The
exchange-specific subclass adds its own reads (balances, risk, account details) and says which
rate limiters each request waits for (:meth:`ExchangeClientBase._pacing`).

Clock correction lives here, not in the flows, because it is shared across accounts: when the
exchange rejects a request's timestamp (:class:`~framework.errors.ClockSkewError`) and the
account's ``sync_clock`` option is on, the client reads the exchange's time through the runner,
like any read (same retry policy, within the same call's deadline), adopts the offset for
every client of the host (:func:`adapters.kit.clock.shared_clock`) and repeats the request once.
Concurrent rejections share one server-time read (:class:`SingleFlight`); a rejection of a
request signed *after* the latest measurement measures again. A server-time read that keeps
failing ends the call with its own, typed error (e.g. ``RateLimitedError``, retryable), never
with ``ClockSkewError``, which is kept for a corrected request that the exchange still refuses
(docs/reliability.md).
"""

from __future__ import annotations

import asyncio
import copy
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

import attrs
import httpx

from adapters.kit.clock import ClockOffset, ServerClock
from adapters.kit.ratelimit import SlidingWindowLimiter
from adapters.runner import (
    AsyncRunner,
    BlockingRunner,
    ClosingAsync,
    ClosingBlocking,
    ErrorFinisher,
)
from adapters.transport import Flow, async_sender, sync_client
from framework.credentials import Credentials
from framework.errors import ClockSkewError, FolioError, RequestTimeoutError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.providers import AccountContext
from framework.settings import HttpSettings

__all__ = [
    "AsyncClientMixin",
    "BlockingClientMixin",
    "ExchangeClientBase",
    "ExchangeProtocol",
    "SingleFlight",
    "account_client",
]

T = TypeVar("T")
C = TypeVar("C", bound="AsyncClientMixin")


class _Options(Protocol):
    """An exchange's options class: validated from an account's ``options`` table."""

    @classmethod
    def from_mapping(
        cls, options: Mapping[str, Any], *, account: str | None = None, source: str | None = None
    ) -> Any:
        """The options, or a ConfigurationError naming the file, account and key."""
        ...


def account_client(
    context: AccountContext,
    exchange: str,
    client_type: Callable[..., C],
    options_type: type[_Options],
    default_url: str,
) -> C:
    """The account's async client, created on first use and shared by its readers.

    A plugin's balance and risk hooks both return it: one connection pool share, one signing
    clock per account, closed by the core when the host closes (``context.resource``).
    """
    account = context.account

    def build() -> C:
        options = options_type.from_mapping(
            account.options, account=account.name, source=account.source
        )
        return client_type(
            context.credentials(),
            base_url=account.base_url or default_url,
            account=account.name,
            options=options,
            http=context.http,
        )

    return context.resource(exchange, build)


class ExchangeProtocol(Protocol):
    """The part of an adapter's sans-I/O protocol the shared client code uses."""

    @property
    def base_url(self) -> str:
        """The exchange's URL, without a trailing slash."""
        ...

    @property
    def account(self) -> str:
        """The account name, for errors and snapshots."""
        ...

    def locate(self, error: FolioError) -> FolioError:
        """Complete ``error`` with the exchange and the account."""
        ...

    def server_time(self) -> Flow[datetime]:
        """The flow reading the exchange's clock."""
        ...

    def measure_clock_offset(self) -> Flow[int]:
        """The flow measuring and adopting the offset to the exchange's clock."""
        ...

    @property
    def sync_clock(self) -> bool:
        """Whether a rejected timestamp is corrected from the exchange's time (an option)."""
        ...


def _always() -> bool:
    return True


class _Flight(Generic[T]):
    """One blocking run in progress: its outcome, once ``done`` is set."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = None


class SingleFlight(Generic[T]):
    """One run of some work at a time; every caller arriving meanwhile shares its outcome.

    Success *or* failure is shared: callers that waited for a run that failed get its error
    and do not start another run each in turn (which would add their deadlines up against a
    dead host). A caller arriving after the run ended starts a new one if ``needed()`` says so.

    Async runs are per event loop (a task and its waiters belong to one loop; ``SyncFolio``
    runs its own), and go on as a task, so a waiter cut by its own deadline does not cancel
    the others' run. Blocking runs are shared between threads. A shared error object is
    raised to every caller; callers that change it (locate it for their account) copy it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tasks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task[T]] = (
            weakref.WeakKeyDictionary()
        )
        self._blocking: _Flight[T] | None = None
        self.runs = 0
        """How many runs were started (for tests and diagnostics)."""
        self.waiting = 0
        """Callers waiting for a run that another caller started."""

    async def run(
        self,
        work: Callable[[], Coroutine[Any, Any, T]],
        *,
        needed: Callable[[], bool] = _always,
    ) -> T | None:
        """Join the run in progress on this loop, or start ``work()`` if ``needed()``.

        Returns the run's result (``None`` when no run was needed) or raises its error.
        """
        loop = asyncio.get_running_loop()
        task = self._tasks.get(loop)
        if task is None:
            if not needed():
                return None
            self.runs += 1
            task = loop.create_task(work())
            self._tasks[loop] = task
            task.add_done_callback(self._landed)
            return await asyncio.shield(task)
        self.waiting += 1
        try:
            return await asyncio.shield(task)
        finally:
            self.waiting -= 1

    def _landed(self, task: asyncio.Task[T]) -> None:
        loop = task.get_loop()
        if self._tasks.get(loop) is task:
            del self._tasks[loop]
        if not task.cancelled():
            task.exception()  # retrieved here too: every waiter may have gone (deadlines)

    def run_blocking(
        self,
        work: Callable[[], T],
        *,
        needed: Callable[[], bool] = _always,
        timeout: float | None = None,
    ) -> T | None:
        """The blocking twin of :meth:`run`.

        A waiter gives up after ``timeout`` seconds with ``TimeoutError``; the run goes on for
        the others.
        """
        with self._lock:
            flight = self._blocking
            leader = flight is None
            if flight is None:
                if not needed():
                    return None
                self.runs += 1
                flight = self._blocking = _Flight()
        if leader:
            try:
                flight.result = work()
            except BaseException as exc:
                flight.error = exc
                raise
            finally:
                with self._lock:
                    self._blocking = None
                flight.done.set()
            return flight.result
        with self._lock:
            self.waiting += 1
        try:
            finished = flight.done.wait(timeout)
        finally:
            with self._lock:
                self.waiting -= 1
        if not finished:
            raise TimeoutError
        if flight.error is not None:
            raise flight.error
        return flight.result


_CLOCK_READ = "the exchange's clock was read to correct a rejected timestamp meanwhile"

_PROBES: weakref.WeakKeyDictionary[ClockOffset, SingleFlight[int]] = weakref.WeakKeyDictionary()
_PROBES_LOCK = threading.Lock()


def _probe_flight(clock: ServerClock) -> SingleFlight[int]:
    """The one server-time read in flight for ``clock``'s host (shared like its offset)."""
    with _PROBES_LOCK:
        flight = _PROBES.get(clock.shared)
        if flight is None:
            flight = _PROBES[clock.shared] = SingleFlight()
        return flight


class ExchangeClientBase:
    """Configuration shared by an exchange's two clients; holds no connection itself."""

    def __init__(
        self,
        protocol: ExchangeProtocol,
        clock: ServerClock,
        auth: httpx.Auth,
        credentials: Credentials,
        http: HttpSettings,
    ) -> None:
        self.protocol = protocol
        self.clock = clock
        self.auth = auth
        self._http = http
        self._finish = ErrorFinisher(protocol.locate, credentials)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(account={self.protocol.account!r}, "
            f"base_url={self.protocol.base_url!r})"
        )

    @property
    def clock_offset_ms(self) -> int:
        """The exchange's clock minus ours, as last measured (0 until the exchange objects)."""
        return self.clock.offset_ms

    def _pacing(self, request: httpx.Request) -> Sequence[SlidingWindowLimiter]:
        """The rate limiters ``request`` waits for; the exchange's client says which."""
        raise NotImplementedError

    def _own(self, error: FolioError) -> FolioError:
        """A copy, for this caller, of an error shared by a :class:`SingleFlight` run.

        The run may have been another account's (the clock is per host): the copy names this
        account, and every caller gets its own object and traceback.
        """
        try:
            clone = copy.copy(error)
        except Exception:  # an exotic subclass that cannot be copied: keep the original
            return self._finish(error)
        clone.account = None
        return self._finish(clone)

    def _deadline_error(self, why: str | None = None, endpoint: str | None = None) -> FolioError:
        """The call's deadline passed outside any one read; ``why`` says what it was doing.

        Only a call that really read the exchange's clock says so: a deadline that cut a plain
        read is reported by the read itself, naming its endpoint (framework/retry.py). A call
        that was waiting for another call's read names that read's ``endpoint``.
        """
        deadline = self._http.retry.deadline
        because = f" ({why})" if why else ""
        msg = f"did not finish within the {deadline:g} s deadline{because}"
        return self._finish(RequestTimeoutError(msg, endpoint=endpoint))

    @staticmethod
    def _refused_again(error: ClockSkewError) -> ClockSkewError:
        error.detail += (
            " (refused again after the signing clock was corrected from the exchange's time)"
        )
        return error


class AsyncClientMixin(ExchangeClientBase, ClosingAsync):
    """The async client's driving: one runner on the shared pool, retries, limits."""

    _runner: AsyncRunner

    def _start(
        self,
        transport: httpx.AsyncBaseTransport | None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """Create the runner: the process's shared pool, or an httpx client on ``transport``."""
        self._runner = AsyncRunner(
            async_sender(self._http, self.auth, transport, self.protocol.base_url),
            self._http.retry,
            self._finish,
            sleep=sleep,
        )

    async def _run(self, make_flow: Callable[[], Flow[T]], *, started: float | None = None) -> T:
        """Run a fresh flow per attempt; correct the clock once if the exchange asks for it.

        ``started`` (the event loop's time) is when the call began, if it already did work
        before this flow (an account-group discovery): the rest stays within its deadline.
        """
        seen = self.clock.corrections
        began = asyncio.get_running_loop().time() if started is None else started
        try:
            # The runner's deadline counts from ``began``: a cut names the endpoint it cut.
            return await self._runner.run(make_flow, self._pacing, began=began)
        except ClockSkewError:
            if not self.protocol.sync_clock:
                raise
        return await self._within(began, self._corrected(make_flow, seen, began), _CLOCK_READ)

    async def _corrected(self, make_flow: Callable[[], Flow[T]], seen: int, began: float) -> T:
        await self._measure_once(seen)
        try:
            return await self._runner.run(make_flow, self._pacing, began=began)
        except ClockSkewError as exc:
            raise self._refused_again(exc) from exc.__cause__

    async def _measure_once(self, seen: int) -> None:
        """Read the exchange's time unless someone did since measurement ``seen``.

        A read already in flight on this host is joined instead of starting another.
        """

        def probe() -> Coroutine[Any, Any, int]:
            return self._runner.run(self.protocol.measure_clock_offset, self._pacing)

        try:
            await _probe_flight(self.clock).run(
                probe, needed=lambda: self.clock.corrections == seen
            )
        except FolioError as exc:
            raise self._own(exc) from None

    async def _within(
        self,
        started: float,
        work: Awaitable[T],
        why: str | None = None,
        endpoint: str | None = None,
    ) -> T:
        """``work``, cut where the call's deadline ends (it began at ``started``)."""
        cut = asyncio.timeout_at(started + self._http.retry.deadline)
        try:
            async with cut:
                return await work
        except TimeoutError:
            if not cut.expired():
                raise
            raise self._deadline_error(why, endpoint) from None

    async def balances(self, wallet: WalletKind) -> BalanceSnapshot:
        """Read one wallet's balances (each exchange's client implements it)."""
        raise NotImplementedError

    async def margin_risk(self) -> MarginRisk:
        """Read the margin risk profile (each exchange's client implements it)."""
        raise NotImplementedError

    async def server_time(self) -> datetime:
        """Read the exchange's clock."""
        return await self._run(self.protocol.server_time)

    async def measure_clock_offset(self) -> int:
        """Measure and adopt the offset to the exchange's clock now (ms)."""
        return await self._run(self.protocol.measure_clock_offset)

    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        """:class:`framework.providers.BalanceReader` entry point."""
        return await self.balances(wallet)

    async def fetch_margin_risk(self) -> MarginRisk:
        """:class:`framework.providers.RiskReader` entry point."""
        return await self.margin_risk()

    async def aclose(self) -> None:
        """Release the client's share of the connection pool."""
        await self._runner.aclose()


class BlockingClientMixin(ExchangeClientBase, ClosingBlocking):
    """The blocking client's driving: an ``httpx.Client``, retries, limits."""

    _runner: BlockingRunner

    def _start(
        self,
        transport: httpx.BaseTransport | None,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        """Create the runner on a pooled ``httpx.Client`` (or one on ``transport``)."""
        self._sleep = sleep
        self._runner = BlockingRunner(
            sync_client(self.protocol.base_url, self._http, self.auth, transport),
            self._http.retry,
            self._finish,
            sleep=sleep,
        )

    def _run(self, make_flow: Callable[[], Flow[T]], *, started: float | None = None) -> T:
        """The blocking twin of :meth:`AsyncClientMixin._run` (``started``: ``time.monotonic``).

        A blocking attempt cannot be cut, so the rest of a call runs with what is left of its
        deadline as the deadline of its retries.
        """
        seen = self.clock.corrections
        began = time.monotonic() if started is None else started
        try:
            if started is None:
                return self._runner.run(make_flow, self._pacing)
            return self._rest_of(began).run(make_flow, self._pacing)
        except ClockSkewError:
            if not self.protocol.sync_clock:
                raise
        self._measure_once(seen, began)
        try:
            return self._rest_of(began).run(make_flow, self._pacing)
        except ClockSkewError as exc:
            raise self._refused_again(exc) from exc.__cause__

    def _rest_of(self, started: float) -> BlockingRunner:
        """A runner whose retries end where the call's deadline (begun at ``started``) ends."""
        left = self._http.retry.deadline - (time.monotonic() - started)
        if left < 0.001:  # RetryPolicy's smallest deadline
            raise self._deadline_error()
        policy = attrs.evolve(self._http.retry, deadline=left)
        return BlockingRunner(self._runner.client, policy, self._finish, sleep=self._sleep)

    def _measure_once(self, seen: int, started: float) -> None:
        """The blocking twin of :meth:`AsyncClientMixin._measure_once`."""

        def probe() -> int:
            return self._rest_of(started).run(self.protocol.measure_clock_offset, self._pacing)

        left = self._http.retry.deadline - (time.monotonic() - started)
        try:
            _probe_flight(self.clock).run_blocking(
                probe, needed=lambda: self.clock.corrections == seen, timeout=max(left, 0.0)
            )
        except TimeoutError:
            raise self._deadline_error(_CLOCK_READ) from None
        except FolioError as exc:
            raise self._own(exc) from None

    def server_time(self) -> datetime:
        """Read the exchange's clock."""
        return self._run(self.protocol.server_time)

    def measure_clock_offset(self) -> int:
        """Measure and adopt the offset to the exchange's clock now (ms)."""
        return self._run(self.protocol.measure_clock_offset)

    def close(self) -> None:
        """Close the pooled connections."""
        self._runner.close()
