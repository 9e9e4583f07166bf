"""AscendEX clients: the same flows driven through a blocking or an async httpx client.

Use them directly when folio's plugin layer is not wanted::

    async with AsyncAscendexClient(credentials, base_url=url) as client:
        cash = await client.balances(WalletKind.CASH)

Each client holds one pooled HTTP client (connections stay alive across calls) and one
:class:`~adapters.ascendex.protocol.AscendexProtocol` (the cached account group and the signing
clock). Every call is paced by the process-wide rate limiters of its API key (and host, when
configured) and retried per the :class:`~framework.retry.RetryPolicy` in its ``http`` settings;
each attempt is a new flow, so it is signed again with a fresh timestamp. Close the client, or
use it as a context manager, to release its sockets.

The account group is discovered once per client, single-flight: concurrent first reads of one
account (cash, margin, risk) wait for one ``GET info`` and share its outcome, success or
failure, within their own deadlines (docs/exchanges/ascendex.md). The signing clock's offset is
shared by every client of the host (:func:`adapters.kit.clock.shared_clock`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import datetime
from functools import partial
from typing import Any, Final, TypedDict, TypeVar, Unpack
from urllib.parse import urlsplit

import httpx

from adapters.ascendex.convert import EXCHANGE
from adapters.ascendex.endpoints import INFO
from adapters.ascendex.options import DEFAULT_BASE_URL, AscendexOptions
from adapters.ascendex.protocol import AccountInfo, AscendexProtocol, utc_now
from adapters.ascendex.signer import AscendexAuth
from adapters.clients import (
    AsyncClientMixin,
    BlockingClientMixin,
    ExchangeClientBase,
    SingleFlight,
)
from adapters.kit.clock import ServerClock, shared_clock, wall_clock_ms
from adapters.kit.ratelimit import RateLimit, Scope, SlidingWindowLimiter, shared_limiter
from framework.credentials import Credentials
from framework.errors import FolioError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings

__all__ = ["AscendexClient", "AsyncAscendexClient", "ClientSettings"]

T = TypeVar("T")


class ClientSettings(TypedDict, total=False):
    """Keyword settings accepted by both clients."""

    base_url: str
    """Exchange URL, e.g. a simulator's; ``https://ascendex.com`` by default."""
    account: str
    """Name used in errors and snapshots."""
    options: AscendexOptions | None
    http: HttpSettings
    clock_ms: Callable[[], int]
    """Local clock for signatures (UTC ms); the measured offset to the exchange is added."""
    now: Callable[[], datetime]
    """Time source for ``fetched_at``."""


class _ClientBase(ExchangeClientBase):
    """Configuration shared by both clients; holds no connection itself."""

    protocol: AscendexProtocol
    auth: AscendexAuth

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str = DEFAULT_BASE_URL,
        account: str = "default",
        options: AscendexOptions | None = None,
        http: HttpSettings = DEFAULT_HTTP_SETTINGS,
        clock_ms: Callable[[], int] = wall_clock_ms,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        options = options or AscendexOptions()
        # With sync_clock off the local clock is used as it is, never another client's offset.
        clock = (
            shared_clock(EXCHANGE, base_url, clock_ms) if options.sync_clock
            else ServerClock(clock_ms)
        )
        protocol = AscendexProtocol(
            base_url=base_url, account=account, options=options, now=now, clock=clock
        )
        auth = AscendexAuth(credentials, clock_ms=clock)
        super().__init__(protocol, clock, auth, credentials, http)
        self.limiters = _limiters(options, credentials, base_url)
        """The rate limiters every request waits for (shared with every client of the key)."""

    @property
    def account_group(self) -> int | None:
        """The account group in use (``None`` until discovered)."""
        return self.protocol.account_group

    def _pacing(self, request: httpx.Request) -> Sequence[SlidingWindowLimiter]:
        return self.limiters


def _limiters(
    options: AscendexOptions, credentials: Credentials, base_url: str
) -> tuple[SlidingWindowLimiter, ...]:
    """Per-key (and, if configured, per-host) limiters, shared process-wide."""
    limiters: list[SlidingWindowLimiter] = []
    if options.rate_limit:
        rule = RateLimit(options.rate_limit, 1.0, Scope.KEY)
        limiters.append(shared_limiter(EXCHANGE, rule, credentials.api_key.reveal()))
    if options.host_rate_limit:
        rule = RateLimit(options.host_rate_limit, 1.0, Scope.HOST)
        limiters.append(shared_limiter(EXCHANGE, rule, urlsplit(base_url).netloc.lower()))
    return tuple(limiters)


_WAITING_FOR_DISCOVERY: Final = "waiting for the account-group discovery"
_DISCOVERY_ENDPOINT: Final = f"GET {INFO.name}"


class AsyncAscendexClient(_ClientBase, AsyncClientMixin):
    """Async AscendEX client; also a folio ``BalanceReader`` and ``RiskReader``."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        **settings: Unpack[ClientSettings],
    ) -> None:
        """``sleep`` waits between retries and for rate limits (tests pass a fake one)."""
        super().__init__(credentials, **settings)
        self._start(transport, sleep)
        self._discovery: SingleFlight[AccountInfo] = SingleFlight()

    async def _discover_group(self) -> float:
        """Discover the group unless known; return when the call began (loop time).

        Single flight: a fan-out's first calls on one client wait for one discovery and share
        its outcome, each within its own call's deadline.
        """
        started = asyncio.get_running_loop().time()
        if self.protocol.account_group is None:

            def discover() -> Coroutine[Any, Any, AccountInfo]:
                return self._run(self.protocol.account_info, started=started)

            try:
                await self._within(
                    started,
                    self._discovery.run(
                        discover, needed=lambda: self.protocol.account_group is None
                    ),
                    _WAITING_FOR_DISCOVERY,
                    _DISCOVERY_ENDPOINT,
                )
            except FolioError as exc:
                raise self._own(exc) from None
        return started

    async def account_info(self) -> AccountInfo:
        """Read the key's account group, permissions and expiry."""
        return await self._run(self.protocol.account_info)

    async def balances(
        self, wallet: WalletKind, *, asset: str | None = None, show_all: bool | None = None
    ) -> BalanceSnapshot:
        """Read the cash or margin wallet's balances."""
        started = await self._discover_group()
        return await self._run(
            partial(self.protocol.balances, wallet, asset=asset, show_all=show_all),
            started=started,
        )

    async def margin_risk(self) -> MarginRisk:
        """Read the margin account's risk profile."""
        started = await self._discover_group()
        return await self._run(self.protocol.margin_risk, started=started)


class AscendexClient(_ClientBase, BlockingClientMixin):
    """Blocking AscendEX client with the same methods as :class:`AsyncAscendexClient`."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], object] = time.sleep,
        **settings: Unpack[ClientSettings],
    ) -> None:
        """``sleep`` waits between retries and for rate limits (tests pass a fake one)."""
        super().__init__(credentials, **settings)
        self._start(transport, sleep)
        self._discovery: SingleFlight[AccountInfo] = SingleFlight()

    def _discover_group(self) -> float:
        """The blocking twin of :meth:`AsyncAscendexClient._discover_group`.

        Threads sharing this client share one discovery; returns ``time.monotonic()`` at the
        call's start.
        """
        started = time.monotonic()
        if self.protocol.account_group is None:
            left = self._http.retry.deadline
            try:
                self._discovery.run_blocking(
                    lambda: self._run(self.protocol.account_info, started=started),
                    needed=lambda: self.protocol.account_group is None,
                    timeout=left,
                )
            except TimeoutError:
                raise self._deadline_error(
                    _WAITING_FOR_DISCOVERY, _DISCOVERY_ENDPOINT
                ) from None
            except FolioError as exc:
                raise self._own(exc) from None
        return started

    def account_info(self) -> AccountInfo:
        """Read the key's account group, permissions and expiry."""
        return self._run(self.protocol.account_info)

    def balances(
        self, wallet: WalletKind, *, asset: str | None = None, show_all: bool | None = None
    ) -> BalanceSnapshot:
        """Read the cash or margin wallet's balances."""
        started = self._discover_group()
        return self._run(
            partial(self.protocol.balances, wallet, asset=asset, show_all=show_all),
            started=started,
        )

    def margin_risk(self) -> MarginRisk:
        """Read the margin account's risk profile."""
        started = self._discover_group()
        return self._run(self.protocol.margin_risk, started=started)
