"""The Binance client: the protocol's reads, each run as one call on the shared request path.

Use it directly when folio's plugin layer is not wanted::

    async with AsyncBinanceClient(credentials, base_url=url) as client:
        spot = await client.balances(WalletKind.CASH)

The client holds an ``httpx.AsyncClient`` (the host's shared one when built by the plugin, else
its own, on ``transport`` when given) and one
:class:`~adapters.binance.protocol.BinanceProtocol` (the signing clock and the used weight the
exchange reported). Every call waits for the process-wide limiter of the budget its endpoint
draws on (``/api/``: 6000 weight per minute per IP; ``/sapi/``: 12000 per endpoint), charging
the endpoint's documented weight, and is retried per the :class:`~framework.retry.RetryPolicy`
in its ``http`` settings; each attempt is a new flow, so it is signed again with a fresh
timestamp (:mod:`adapters.kit.sender`). Close the client, or use it as a context manager.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from adapters.binance.convert import EXCHANGE
from adapters.binance.endpoints import Budget, Endpoint
from adapters.binance.options import DEFAULT_BASE_URL, BinanceOptions
from adapters.binance.protocol import BinanceProtocol, utc_now
from adapters.binance.signer import BinanceAuth
from adapters.binance.wire import MarginAccount, SpotAccount
from adapters.kit.client import ExchangeClient, HttpClientSource
from adapters.kit.clock import shared_clock, wall_clock_ms
from adapters.kit.ratelimit import RateLimit, Scope, SlidingWindowLimiter, shared_limiter
from adapters.kit.sender import Sender
from framework.credentials import Credentials
from framework.errors import ExchangeError, FolioError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.prices import Pair, Price
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings

__all__ = ["MARKETS_MAX_AGE", "AsyncBinanceClient", "BinancePrices"]

WINDOW_S = 60.0
"""Binance's weight limits are per minute."""

MARKETS_MAX_AGE: Final = timedelta(minutes=1)
"""How long :class:`BinancePrices` trusts the markets it learnt from ``exchangeInfo``.

A market halted or delisted after they were learnt would otherwise be priced at its stale last
trade for the reader's (the host's) whole life. Learning them costs weight 20, at most once a
minute: a third of one percent of the ``/api/`` budget.
"""

_INVALID_SYMBOL: Final = -1121



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

    def of(self, endpoint: Endpoint) -> tuple[SlidingWindowLimiter, ...]:
        """The limiters ``endpoint`` waits for (none when its budget's limit is off).

        Every request pays its own budget: the server-time call inside a margin read is
        charged to /api, not to the margin endpoint.
        """
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


class AsyncBinanceClient(ExchangeClient):
    """The Binance client; also a folio ``BalanceReader`` and ``RiskReader``."""

    protocol: BinanceProtocol

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str = DEFAULT_BASE_URL,
        account: str = "default",
        options: BinanceOptions | None = None,
        http: HttpSettings = DEFAULT_HTTP_SETTINGS,
        http_client: HttpClientSource | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock_ms: Callable[[], int] = wall_clock_ms,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        options = options or BinanceOptions()
        clock = shared_clock(EXCHANGE, base_url, clock_ms, shared=options.sync_clock)
        self.budgets = _Budgets(options, base_url)
        """The rate limiters requests wait for (shared with every client of the same host)."""
        protocol = BinanceProtocol(
            base_url=base_url,
            account=account,
            options=options,
            auth=BinanceAuth(credentials, recv_window=options.recv_window, clock_ms=clock),
            budgets=self.budgets.of,
            now=now,
            clock=clock,
        )
        super().__init__(
            protocol, exchange=EXCHANGE, clock=clock, credentials=credentials, http=http,
            http_client=http_client, transport=transport, sleep=sleep,
        )

    @property
    def used_weight(self) -> dict[Budget, int]:
        """Weight Binance reported this IP used in the current minute, per budget (a copy)."""
        return dict(self.protocol.used_weight)

    # The two reads below are written out rather than through ``call``: a warm fan-out pays
    # for every coroutine layer between the host and the socket (docs/performance.md).

    async def balances(self, wallet: WalletKind) -> BalanceSnapshot:
        """Read the spot (``CASH``) or cross-margin (``MARGIN``) wallet's balances."""
        sender = self.sender()
        try:
            return await self.protocol.balances(sender, wallet)
        except FolioError as exc:
            raise self._finish(exc) from None

    async def margin_risk(self) -> MarginRisk:
        """Read the cross-margin account's risk profile (totals in BTC)."""
        sender = self.sender()
        try:
            return await self.protocol.margin_risk(sender)
        except FolioError as exc:
            raise self._finish(exc) from None

    async def spot_account(self) -> SpotAccount:
        """The spot account as Binance sent it (permissions, commissions, balances)."""
        return await self.call(self.protocol.spot_account)

    async def margin_account(self) -> MarginAccount:
        """The cross-margin account as Binance sent it (flags, account type, totals)."""
        return await self.call(self.protocol.margin_account)

    fetch_balances = balances
    """:class:`framework.providers.BalanceReader` entry point."""
    fetch_margin_risk = margin_risk
    """:class:`framework.providers.RiskReader` entry point."""


class BinancePrices(ExchangeClient):
    """Binance's public last prices, read without keys: a folio ``PriceReader``.

    It holds no credentials (an account whose keys are missing still has its holdings valued)
    and shares the rest with :class:`AsyncBinanceClient`: the host's HTTP client, the deadline,
    retries, the same process-wide weight limiters and error finishing. The first read learns
    every market's base and quote from ``GET /api/v3/exchangeInfo`` (weight 20) and keeps them
    for at most :data:`MARKETS_MAX_AGE`: a market halted or delisted since must not keep being
    priced at its last trade, nor fail every later read. Each read is then one
    ``GET /api/v3/ticker/price`` (weight 2 for one symbol, 4 for several or all). A ``-1121``
    (invalid symbol) answer to a read of named symbols means one of them went away since the
    markets were learnt: they are learnt again and the read is made once more. Requested pairs
    Binance does not trade are left out, without a request when none is traded
    (docs/exchanges/binance.md, "Prices").
    """

    protocol: BinanceProtocol

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        account: str = "default",
        options: BinanceOptions | None = None,
        http: HttpSettings = DEFAULT_HTTP_SETTINGS,
        http_client: HttpClientSource | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        options = options or BinanceOptions()
        self.budgets = _Budgets(options, base_url)
        protocol = BinanceProtocol(base_url=base_url, account=account, options=options,
                                   auth=None, budgets=self.budgets.of, now=now)
        super().__init__(
            protocol, exchange=EXCHANGE, clock=protocol.clock, credentials=None, http=http,
            http_client=http_client, transport=transport, sleep=sleep,
        )
        self._now = now
        self._markets: dict[str, Pair] = {}
        self._symbols: dict[Pair, str] = {}
        self._learnt_at: datetime | None = None
        self._learning = asyncio.Lock()

    async def fetch_prices(self, pairs: Collection[Pair] | None = None) -> list[Price]:
        """The last prices of ``pairs`` (every trading market: ``None``); see the class."""
        sender = self.sender()
        try:
            learnt = await self._learn(sender)
            try:
                return await self._read(sender, pairs)
            except ExchangeError as exc:
                if pairs is None or exc.code != _INVALID_SYMBOL:
                    raise
            await self._learn(sender, stale=learnt)  # a named symbol went away since: relearn
            return await self._read(sender, pairs)
        except FolioError as exc:
            raise self._finish(exc) from None

    async def _learn(self, sender: Sender, stale: datetime | None = None) -> datetime:
        """When the markets in use were learnt; learnt now if too old, or learnt at ``stale``."""
        async with self._learning:  # one exchangeInfo read however many callers wait
            now, learnt = self._now(), self._learnt_at
            if learnt is None or learnt == stale or not now - MARKETS_MAX_AGE < learnt <= now:
                self._markets = await self.protocol.markets(sender)
                self._symbols = {pair: symbol for symbol, pair in self._markets.items()}
                self._learnt_at = learnt = now
            return learnt

    async def _read(self, sender: Sender, pairs: Collection[Pair] | None) -> list[Price]:
        if pairs is None:
            return await self.protocol.prices(sender, self._markets, None)
        symbols = sorted({self._symbols[pair] for pair in pairs if pair in self._symbols})
        if not symbols:
            return []
        return await self.protocol.prices(sender, self._markets, symbols)
