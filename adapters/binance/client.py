"""Binance clients: the same flows driven through a blocking or an async httpx client.

Use them directly when folio's plugin layer is not wanted::

    async with AsyncBinanceClient(credentials, base_url=url) as client:
        spot = await client.balances(WalletKind.CASH)

Each client holds its connections (the async client a share of the process's pool, the blocking
one its own ``httpx.Client``; either way they stay alive across calls) and one
:class:`~adapters.binance.protocol.BinanceProtocol` (the signing clock and the used weight the
exchange reported). Every call waits for the process-wide limiter of the budget its endpoint
draws on (``/api/``: 6000 weight per minute per IP; ``/sapi/``: 12000 per endpoint), charging
the endpoint's documented weight, and is retried per the :class:`~framework.retry.RetryPolicy`
in its ``http`` settings; each attempt is a new flow, so it is signed again with a fresh
timestamp. Close the client, or use it as a context manager, to release its sockets.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from typing import Final, TypedDict, TypeVar, Unpack
from urllib.parse import urlsplit

import httpx

from adapters.binance.convert import EXCHANGE
from adapters.binance.endpoints import ENDPOINTS, Budget, Endpoint
from adapters.binance.options import DEFAULT_BASE_URL, BinanceOptions
from adapters.binance.protocol import BinanceProtocol, utc_now
from adapters.binance.signer import BinanceAuth
from adapters.binance.wire import MarginAccount, SpotAccount
from adapters.clock import ServerClock, wall_clock_ms
from adapters.runner import (
    AsyncRunner,
    BlockingRunner,
    ClosingAsync,
    ClosingBlocking,
    ErrorFinisher,
)
from adapters.transport import ENDPOINT_EXTENSION, Flow, async_sender, sync_client
from framework.credentials import Credentials
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.ratelimit import RateLimit, Scope, SlidingWindowLimiter, shared_limiter
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings

__all__ = ["AsyncBinanceClient", "BinanceClient", "ClientSettings"]

WINDOW_S = 60.0
"""Binance's weight limits are per minute."""


class ClientSettings(TypedDict, total=False):
    """Keyword settings accepted by both clients."""

    base_url: str
    """Exchange URL, e.g. a simulator's; ``https://api.binance.com`` by default."""
    account: str
    """Name used in errors and snapshots."""
    options: BinanceOptions | None
    http: HttpSettings
    clock_ms: Callable[[], int]
    """Local clock for signatures (UTC ms); the measured offset to the exchange is added."""
    now: Callable[[], datetime]
    """Time source for ``fetched_at``."""


T = TypeVar("T")

_BY_LABEL: Final = {endpoint.label: endpoint for endpoint in ENDPOINTS}


class _Budgets:
    """The process-wide limiter of each budget an endpoint draws on, for one host."""

    def __init__(self, options: BinanceOptions, base_url: str) -> None:
        self._host = urlsplit(base_url).netloc.lower()
        self._limits = {Budget.API: options.weight_limit, Budget.SAPI: options.sapi_weight_limit}
        self._held: dict[str, SlidingWindowLimiter] = {}

    def for_request(self, request: httpx.Request) -> tuple[SlidingWindowLimiter, ...]:
        """The limiters of the endpoint ``request`` calls.

        Every request pays its own budget: the server-time call inside a margin read is
        charged to /api, not to the margin endpoint.
        """
        endpoint = _BY_LABEL.get(str(request.extensions.get(ENDPOINT_EXTENSION)))
        return self.of(endpoint) if endpoint is not None else ()

    def of(self, endpoint: Endpoint) -> tuple[SlidingWindowLimiter, ...]:
        """The limiters ``endpoint`` waits for (none when its budget's limit is off)."""
        limit = self._limits[endpoint.budget]
        if not limit:
            return ()
        # /api/ is one budget for the host; /sapi/ is a budget per endpoint.
        who = self._host if endpoint.budget is Budget.API else f"{self._host}{endpoint.path}"
        limiter = self._held.get(who)
        if limiter is None:
            rule = RateLimit(limit, WINDOW_S, Scope.HOST)
            limiter = self._held[who] = shared_limiter(EXCHANGE, rule, who)
        return (limiter,)


class _ClientBase:
    """Configuration shared by both clients; holds no connection itself."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str = DEFAULT_BASE_URL,
        account: str = "default",
        options: BinanceOptions | None = None,
        http: HttpSettings = DEFAULT_HTTP_SETTINGS,
        clock_ms: Callable[[], int] = wall_clock_ms,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        options = options or BinanceOptions()
        self.clock = ServerClock(clock_ms)
        self.protocol = BinanceProtocol(
            base_url=base_url, account=account, options=options, now=now, clock=self.clock
        )
        self.auth = BinanceAuth(credentials, recv_window=options.recv_window, clock_ms=self.clock)
        self._http = http
        self._finish = ErrorFinisher(self.protocol.locate, credentials)
        self.budgets = _Budgets(options, base_url)
        """The rate limiters requests wait for (shared with every client of the same host)."""

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(account={self.protocol.account!r}, "
            f"base_url={self.protocol.base_url!r})"
        )

    @property
    def clock_offset_ms(self) -> int:
        """The exchange's clock minus ours, as last measured (0 until the exchange objects)."""
        return self.clock.offset_ms

    @property
    def used_weight(self) -> dict[Budget, int]:
        """Weight Binance reported this IP used in the current minute, per budget (a copy)."""
        return dict(self.protocol.used_weight)



class AsyncBinanceClient(_ClientBase, ClosingAsync):
    """Async Binance client; also a folio ``BalanceReader`` and ``RiskReader``."""

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
        self._runner = AsyncRunner(
            async_sender(self._http, self.auth, transport, self.protocol.base_url),
            self._http.retry,
            self._finish,
            sleep=sleep,
        )

    async def _run(self, make_flow: Callable[[], Flow[T]]) -> T:
        return await self._runner.run(make_flow, self.budgets.for_request)

    async def balances(self, wallet: WalletKind) -> BalanceSnapshot:
        """Read the spot (``CASH``) or cross-margin (``MARGIN``) wallet's balances."""
        return await self._run(partial(self.protocol.balances, wallet))

    async def margin_risk(self) -> MarginRisk:
        """Read the cross-margin account's risk profile (totals in BTC)."""
        return await self._run(self.protocol.margin_risk)

    async def spot_account(self) -> SpotAccount:
        """The spot account as Binance sent it (permissions, commissions, balances)."""
        return await self._run(self.protocol.spot_account)

    async def margin_account(self) -> MarginAccount:
        """The cross-margin account as Binance sent it (flags, account type, totals)."""
        return await self._run(self.protocol.margin_account)

    async def server_time(self) -> datetime:
        """Read the exchange's clock."""
        return await self._run(self.protocol.server_time)

    async def measure_clock_offset(self) -> int:
        """Measure and adopt the offset to the exchange's clock now (ms); see ``sync_clock``."""
        return await self._run(self.protocol.measure_clock_offset)

    # folio reader protocol
    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        """:class:`framework.providers.BalanceReader` entry point."""
        return await self.balances(wallet)

    async def fetch_margin_risk(self) -> MarginRisk:
        """:class:`framework.providers.RiskReader` entry point."""
        return await self.margin_risk()

    async def aclose(self) -> None:
        """Release the client's share of the connection pool."""
        await self._runner.aclose()


class BinanceClient(_ClientBase, ClosingBlocking):
    """Blocking Binance client with the same methods as :class:`AsyncBinanceClient`."""

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
        self._runner = BlockingRunner(
            sync_client(self.protocol.base_url, self._http, self.auth, transport),
            self._http.retry,
            self._finish,
            sleep=sleep,
        )

    def _run(self, make_flow: Callable[[], Flow[T]]) -> T:
        return self._runner.run(make_flow, self.budgets.for_request)

    def balances(self, wallet: WalletKind) -> BalanceSnapshot:
        """Read the spot (``CASH``) or cross-margin (``MARGIN``) wallet's balances."""
        return self._run(partial(self.protocol.balances, wallet))

    def margin_risk(self) -> MarginRisk:
        """Read the cross-margin account's risk profile (totals in BTC)."""
        return self._run(self.protocol.margin_risk)

    def spot_account(self) -> SpotAccount:
        """The spot account as Binance sent it (permissions, commissions, balances)."""
        return self._run(self.protocol.spot_account)

    def margin_account(self) -> MarginAccount:
        """The cross-margin account as Binance sent it (flags, account type, totals)."""
        return self._run(self.protocol.margin_account)

    def server_time(self) -> datetime:
        """Read the exchange's clock."""
        return self._run(self.protocol.server_time)

    def measure_clock_offset(self) -> int:
        """Measure and adopt the offset to the exchange's clock now (ms); see ``sync_clock``."""
        return self._run(self.protocol.measure_clock_offset)

    def close(self) -> None:
        """Close the pooled connections."""
        self._runner.close()
