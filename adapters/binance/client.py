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
from collections.abc import Awaitable, Callable, Sequence
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
from adapters.clients import AsyncClientMixin, BlockingClientMixin, ExchangeClientBase
from adapters.kit.clock import ServerClock, shared_clock, wall_clock_ms
from adapters.kit.ratelimit import RateLimit, Scope, SlidingWindowLimiter, shared_limiter
from adapters.transport import ENDPOINT_EXTENSION
from framework.credentials import Credentials
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
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


def _host_of(base_url: str) -> str:
    """The host a budget belongs to: ``https://API.binance.com:443/`` is ``api.binance.com``."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    default = {"https": 443, "http": 80}.get(parts.scheme.lower())
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


class _Budgets:
    """The process-wide limiter of each budget an endpoint draws on, for one host."""

    def __init__(self, options: BinanceOptions, base_url: str) -> None:
        self._host = _host_of(base_url)
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


class _ClientBase(ExchangeClientBase):
    """Configuration shared by both clients; holds no connection itself."""

    protocol: BinanceProtocol
    auth: BinanceAuth

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
        # With sync_clock off the local clock is used as it is, never another client's offset.
        clock = (
            shared_clock(EXCHANGE, base_url, clock_ms) if options.sync_clock
            else ServerClock(clock_ms)
        )
        protocol = BinanceProtocol(
            base_url=base_url, account=account, options=options, now=now, clock=clock
        )
        auth = BinanceAuth(credentials, recv_window=options.recv_window, clock_ms=clock)
        super().__init__(protocol, clock, auth, credentials, http)
        self.budgets = _Budgets(options, base_url)
        """The rate limiters requests wait for (shared with every client of the same host)."""

    @property
    def used_weight(self) -> dict[Budget, int]:
        """Weight Binance reported this IP used in the current minute, per budget (a copy)."""
        return dict(self.protocol.used_weight)

    def _pacing(self, request: httpx.Request) -> Sequence[SlidingWindowLimiter]:
        return self.budgets.for_request(request)


class AsyncBinanceClient(_ClientBase, AsyncClientMixin):
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
        self._start(transport, sleep)

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


class BinanceClient(_ClientBase, BlockingClientMixin):
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
        self._start(transport, sleep)

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
