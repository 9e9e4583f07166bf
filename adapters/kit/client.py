"""What every exchange's client shares: its HTTP client, one call's frame, clock correction.

An adapter's client is small: it holds the exchange's protocol (request building and answer
reading, :mod:`adapters.ascendex.protocol` is the model) and says which protocol method each
read runs. :class:`ExchangeClient` does the rest, once for every exchange:

* **The HTTP client.** The host's shared ``httpx.AsyncClient`` for the running loop
  (``AccountContext.http_client``, framework/http.py), or, for a client used on its own, one
  of its own (on ``transport`` when given: tests pass an ``httpx.MockTransport`` and exercise
  the same path), closed with the client.
* **One call, one frame.** :meth:`ExchangeClient.call` starts the call's deadline, hands the
  protocol a :class:`~adapters.kit.sender.Sender`, and completes any error that leaves with
  the exchange and the account, with echoed credentials scrubbed and the frames that held the
  signed request cleared (:class:`ErrorFinisher`).
* **Clock correction.** When the exchange rejects a timestamp and the account's ``sync_clock``
  option is on, the exchange's time is read (like any read: same retries, same deadline) and
  the offset adopted for every client of the host (:func:`adapters.kit.clock.shared_clock`);
  concurrent rejections share one read (:class:`~adapters.kit.flight.SingleFlight`). A read
  that keeps failing ends the call with its own typed error, never ``ClockSkewError``, which
  is kept for a corrected request that the exchange still refuses (docs/reliability.md).
* **Observability.** A client given an account context's ``http_client`` (as
  :func:`account_client` and every plugin on the kit give it) reports to that context's
  request-event subscribers (``AccountContext.events``), and every sender names the exchange
  and the account in its log records and events (framework/events.py, framework/logs.py): a
  plugin on the kit reports its requests with no code of its own, signed or public.
"""

from __future__ import annotations

import asyncio
import copy
import threading
import traceback
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any, Final, Protocol, Self, TypeVar

import httpx

from adapters.kit.clock import ClockOffset, ServerClock
from adapters.kit.flight import SingleFlight
from adapters.kit.sender import Sender
from framework.credentials import Credentials
from framework.errors import FolioError, RequestTimeoutError
from framework.events import RequestEvents
from framework.providers import AccountContext
from framework.settings import HttpSettings

__all__ = ["ErrorFinisher", "ExchangeClient", "ExchangeProtocol", "account_client"]

T = TypeVar("T")
C = TypeVar("C")

HttpClientSource = httpx.AsyncClient | Callable[[], httpx.AsyncClient]
"""A client, or where to get one on first use (``AccountContext.http_client``)."""


class ExchangeProtocol(Protocol):
    """The part of an adapter's protocol the shared client code uses."""

    @property
    def base_url(self) -> str:
        """The exchange's URL, without a trailing slash."""
        ...

    @property
    def account(self) -> str:
        """The account name, for errors and snapshots."""
        ...

    @property
    def sync_clock(self) -> bool:
        """Whether a rejected timestamp is corrected from the exchange's time (an option)."""
        ...

    async def server_time(self, sender: Sender) -> datetime:
        """Read the exchange's clock."""
        ...

    async def measure_clock_offset(self, sender: Sender) -> int:
        """Measure and adopt the offset to the exchange's clock (ms)."""
        ...


class _Options(Protocol):
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
    *,
    keyless: bool = False,
) -> C:
    """The account's client, created on first use and shared by its readers.

    A plugin's balance and risk hooks both return it: one signing clock per account, the
    host's shared HTTP client, closed by the core when the host closes (``context.resource``).
    ``keyless=True`` is the account's client for public endpoints (prices), a second one:
    ``client_type`` then takes no credentials, which are never read, so an account whose keys
    are missing still has its holdings valued (framework/hookspecs.py, ``PriceProvider``).
    """
    account = context.account

    def build() -> Any:
        options = options_type.from_mapping(
            account.options, account=account.name, source=account.source
        )
        return client_type(
            *(() if keyless else (context.credentials(),)),
            base_url=account.base_url or default_url,
            account=account.name,
            options=options,
            http=context.http,
            http_client=context.http_client,
        )

    client: C = context.resource((exchange, "public") if keyless else exchange, build)
    return client


class ErrorFinisher:
    """Completes an error leaving a client: its location, and no reachable credential.

    folio never writes a credential into an error, but an exchange may quote one back in its
    own message ("Invalid API key <key>"): such text is replaced by ``***``. The frames below
    the client held the signed request in their locals (the signer adds key and signature to
    it), and so did chained third-party exceptions; an error tracker that records locals would
    collect them. So every finished frame has its locals cleared (file and line stay) and the
    chained cause is dropped: a folio error's message already says what broke
    (tests/reliability/test_traceback_secrets.py).
    """

    def __init__(self, exchange: str, account: str, credentials: Credentials | None) -> None:
        self._exchange = exchange
        self._account = account
        self._credentials = credentials

    def __call__(self, error: FolioError) -> FolioError:
        error.located(exchange=self._exchange, account=self._account)
        before = str(error)
        credentials = self._credentials
        if credentials is not None:  # None: a public client holds no secret to echo
            passphrase = credentials.api_passphrase  # OKX's third credential, echoed alike
            error.redact(credentials.api_key.reveal(), credentials.api_secret.reveal(),
                         *((passphrase.reveal(),) if passphrase else ()))
        if str(error) != before:
            error = error.with_traceback(None)
        traceback.clear_frames(error.__traceback__)  # running frames are skipped
        error.__cause__ = None
        error.__context__ = None
        error.__suppress_context__ = True
        return error


_CLOCK_READ: Final = "the exchange's clock was read to correct a rejected timestamp meanwhile"

_PROBES: weakref.WeakKeyDictionary[ClockOffset, SingleFlight[int]] = weakref.WeakKeyDictionary()
_PROBES_LOCK: Final = threading.Lock()


def _probe_flight(clock: ServerClock) -> SingleFlight[int]:
    """The one server-time read in flight for ``clock``'s host (shared like its offset)."""
    with _PROBES_LOCK:
        flight = _PROBES.get(clock.shared)
        if flight is None:
            flight = _PROBES[clock.shared] = SingleFlight()
        return flight


class ExchangeClient:
    """The shared half of an exchange's async client; see the module docstring."""

    def __init__(
        self,
        protocol: ExchangeProtocol,
        *,
        exchange: str,
        clock: ServerClock,
        credentials: Credentials | None,
        http: HttpSettings,
        http_client: HttpClientSource | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.protocol = protocol
        self.clock = clock
        self.http = http
        self._finish = ErrorFinisher(exchange, protocol.account, credentials)
        self._exchange = exchange
        context = getattr(http_client, "__self__", None)  # AccountContext.http_client, bound
        self.events: RequestEvents | None = (
            context.events if isinstance(context, AccountContext) else None
        )
        """The host's request-event subscribers: those of the context whose client it uses."""
        self._source = http_client
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._owned = False
        self._closed = False
        self._sleep = sleep

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(account={self.protocol.account!r}, "
            f"base_url={self.protocol.base_url!r})"
        )

    @property
    def clock_offset_ms(self) -> int:
        """The exchange's clock minus ours, as last measured (0 until the exchange objects)."""
        return self.clock.offset_ms

    def _http_client(self) -> httpx.AsyncClient:
        client = self._client
        if client is not None:
            return client
        if self._closed:
            msg = "this client has been closed"
            raise RuntimeError(msg)
        source = self._source
        if isinstance(source, httpx.AsyncClient):
            client = source
        elif source is not None and self._transport is None:
            client = source()
        else:
            from framework.http import http_client  # noqa: PLC0415

            client = http_client(self.http, self._transport)
            self._owned = True
        self._client = client
        return client

    def sender(self, began: float | None = None, *, correcting: bool = True) -> Sender:
        """A sender for one call that began at ``began`` (the event loop's time; now).

        ``correcting=False`` is for the clock probe itself: a rejected timestamp on the
        server-time read is that read's failure, never a reason to read the time again
        (the probe would wait for itself until the deadline).
        """
        if began is None:  # before the client: its first creation counts against the deadline
            began = asyncio.get_running_loop().time()
        events = self.events
        return Sender(
            self._http_client(),
            self.http,
            began=began,
            signing=self._corrections,
            clock_fix=self._correct_clock if correcting and self.protocol.sync_clock else None,
            sleep=self._sleep,
            account=self.protocol.account,
            exchange=self._exchange,
            events=events if events is not None and events.listeners else None,
        )

    def _corrections(self) -> int:
        return self.clock.corrections

    async def call(self, read: Callable[[Sender], Awaitable[T]], began: float | None = None) -> T:
        """Run ``read`` (a protocol method) as one call; errors leave finished."""
        try:
            return await read(self.sender(began))
        except FolioError as exc:
            raise self._finish(exc) from None

    async def shared(
        self,
        sender: Sender,
        flight: SingleFlight[T],
        work: Callable[[], Coroutine[Any, Any, T]],
        *,
        needed: Callable[[], bool],
        why: str,
        endpoint: str | None = None,
    ) -> T | None:
        """Join (or start) ``flight``'s run of ``work``, within ``sender``'s deadline.

        Only this rare path (a discovery, a clock probe) pays for a timer: a caller waiting
        for another's run must be cut at its own deadline, and the cut names ``endpoint`` and
        this caller's deadline. A run another caller started ends at that caller's deadline:
        if that is what ended it and this caller has time left, the work is started again on
        this caller's own deadline. Any other shared error is copied for this caller, without
        the other caller's account.
        """
        led = False

        def mine() -> Coroutine[Any, Any, T]:
            nonlocal led
            led = True
            return work()

        loop = asyncio.get_running_loop()
        cut = asyncio.timeout_at(sender.until)
        try:
            async with cut:
                while True:
                    try:
                        return await flight.run(mine, needed=needed)
                    except RequestTimeoutError:
                        if led or loop.time() >= sender.until:
                            raise
        except TimeoutError:
            if not cut.expired():
                raise
            raise sender.deadline_error(endpoint, why) from None
        except FolioError as exc:
            raise self._own(exc) from None

    @staticmethod
    def _own(error: FolioError) -> FolioError:
        try:
            clone = copy.copy(error)
        except Exception:
            return error
        clone.account = None
        return clone

    async def _correct_clock(self, sender: Sender, seen: int, endpoint: str) -> None:
        """Read the exchange's time unless someone did since measurement ``seen``.

        ``endpoint`` is the call whose timestamp was refused: a cut while waiting names it.
        """

        def probe() -> Coroutine[Any, Any, int]:
            return self.protocol.measure_clock_offset(self.sender(sender.began, correcting=False))

        await self.shared(sender, _probe_flight(self.clock), probe, why=_CLOCK_READ,
                          needed=lambda: self.clock.corrections == seen, endpoint=endpoint)

    async def server_time(self) -> datetime:
        """Read the exchange's clock."""
        return await self.call(self.protocol.server_time)

    async def measure_clock_offset(self) -> int:
        """Measure and adopt the offset to the exchange's clock now (ms)."""
        return await self.call(self.protocol.measure_clock_offset)

    async def aclose(self) -> None:
        """Close the client's own HTTP client (a shared one is the host's to close)."""
        self._closed = True
        client, self._client = self._client, None
        if client is not None and self._owned:
            await client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
