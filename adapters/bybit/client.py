"""The Bybit clients: the account's signed reads, and its keyless spot prices.

Use them directly when folio's plugin layer is not wanted::

    async with AsyncBybitClient(credentials, base_url=url) as client:
        cash = await client.fetch_balances(WalletKind.CASH)

Each holds an ``httpx.AsyncClient`` (the host's shared one when built by the plugin) and a
:class:`~adapters.bybit.protocol.BybitProtocol`. Every request waits for the process-wide
limiter of the host's IP budget (600 per 5 s) and a signed one also for its endpoint's
per-key budget (50 per second), see :mod:`adapters.bybit.endpoints`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime, timedelta
from typing import Any, Final

import httpx

from adapters.bybit.convert import EXCHANGE
from adapters.bybit.endpoints import Endpoint
from adapters.bybit.options import DEFAULT_BASE_URL, BybitOptions
from adapters.bybit.protocol import BybitProtocol, utc_now
from adapters.bybit.signer import BybitAuth
from adapters.kit.client import ExchangeClient, HttpClientSource
from adapters.kit.clock import host_of, shared_clock, wall_clock_ms
from adapters.kit.ratelimit import RateLimit, Scope, SlidingWindowLimiter, scope_key, shared_limiter
from adapters.kit.sender import Sender
from framework.credentials import Credentials
from framework.errors import FolioError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.prices import Pair, Price
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings

__all__ = ["MARKETS_MAX_AGE", "AsyncBybitClient", "BybitPrices"]

MARKETS_MAX_AGE: Final = timedelta(minutes=1)
"""How long :class:`BybitPrices` trusts the markets it learnt: a market halted since must not
be priced at its stale last trade for the host's whole life."""


class _Limiters:
    """The process-wide limiters a request waits for: the host's IP budget, the key's own."""

    def __init__(self, options: BybitOptions, base_url: str, key: str | None) -> None:
        self._host = host_of(base_url)
        self._options = options
        self._key = None if key is None else scope_key(key)  # never the key itself
        self._held: dict[str, tuple[SlidingWindowLimiter, ...]] = {}

    def of(self, endpoint: Endpoint) -> tuple[SlidingWindowLimiter, ...]:
        held = self._held.get(endpoint.path)
        if held is None:
            ip, uid = self._options.ip_rate_limit, self._options.uid_rate_limit
            found = [shared_limiter(EXCHANGE, RateLimit(ip, 5.0, Scope.HOST), self._host)] if ip \
                else []
            if endpoint.signed and uid and self._key is not None:
                rule = RateLimit(uid, 1.0, Scope.KEY)
                found.append(shared_limiter(EXCHANGE, rule, f"{self._key}{endpoint.path}"))
            held = self._held[endpoint.path] = tuple(found)
        return held


class AsyncBybitClient(ExchangeClient):
    """The Bybit client of one account; a folio ``BalanceReader`` and ``RiskReader``."""

    protocol: BybitProtocol

    def __init__(
        self, credentials: Credentials, *, base_url: str = DEFAULT_BASE_URL,
        account: str = "default", options: BybitOptions | None = None,
        http: HttpSettings = DEFAULT_HTTP_SETTINGS, http_client: HttpClientSource | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock_ms: Callable[[], int] = wall_clock_ms, now: Callable[[], datetime] = utc_now,
    ) -> None:
        options = options or BybitOptions()
        clock = shared_clock(EXCHANGE, base_url, clock_ms, shared=options.sync_clock)
        self.limiters = _Limiters(options, base_url, credentials.api_key.reveal())
        protocol = BybitProtocol(
            base_url=base_url, account=account, options=options,
            auth=BybitAuth(credentials, recv_window=options.recv_window, clock_ms=clock),
            limiters=self.limiters.of, now=now, clock=clock,
        )
        super().__init__(protocol, exchange=EXCHANGE, clock=clock, credentials=credentials,
                         http=http, http_client=http_client, transport=transport, sleep=sleep)

    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        """The unified account's coins: Bybit's one wallet, served as ``cash``."""
        sender = self.sender()
        try:
            return await self.protocol.balances(sender, wallet)
        except FolioError as exc:
            raise self._finish(exc) from None

    async def fetch_margin_risk(self, wallet: WalletKind = WalletKind.CASH) -> MarginRisk:
        """The unified account's risk profile, in USD (``wallet`` is ``CASH``)."""
        sender = self.sender()
        try:
            return await self.protocol.margin_risk(sender, wallet)
        except FolioError as exc:
            raise self._finish(exc) from None


class BybitPrices(ExchangeClient):
    """Bybit's public spot last prices, read without keys: a folio ``PriceReader``.

    The first read learns every spot market's base and quote from
    ``GET /v5/market/instruments-info`` and keeps them for :data:`MARKETS_MAX_AGE`; a read
    is then one ``GET /v5/market/tickers`` (``symbol=`` for one pair, every ticker otherwise:
    Bybit takes no list of symbols). Pairs Bybit does not trade are left out, without a
    request when none is traded.
    """

    protocol: BybitProtocol

    def __init__(
        self, *, base_url: str = DEFAULT_BASE_URL, account: str = "default",
        options: BybitOptions | None = None, http: HttpSettings = DEFAULT_HTTP_SETTINGS,
        http_client: HttpClientSource | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        options = options or BybitOptions()
        protocol = BybitProtocol(base_url=base_url, account=account, options=options, auth=None,
                                 limiters=_Limiters(options, base_url, None).of, now=now)
        super().__init__(protocol, exchange=EXCHANGE, clock=protocol.clock, credentials=None,
                         http=http, http_client=http_client, transport=transport, sleep=sleep)
        self._now = now
        self._markets: dict[str, Pair] = {}
        self._symbols: dict[Pair, str] = {}
        self._learnt_at: datetime | None = None
        self._learning = asyncio.Lock()

    async def fetch_prices(self, pairs: Collection[Pair] | None = None) -> list[Price]:
        """The last prices of ``pairs`` (every trading market: ``None``); see the class."""
        sender = self.sender()
        try:
            await self._learn(sender)
            if pairs is None:
                return await self.protocol.prices(sender, self._markets, None)
            symbols = sorted({self._symbols[p] for p in pairs if p in self._symbols})
            if not symbols:
                return []
            return await self.protocol.prices(sender, self._markets, symbols)
        except FolioError as exc:
            raise self._finish(exc) from None

    async def _learn(self, sender: Sender) -> None:
        async with self._learning:  # one instruments read however many callers wait
            now, learnt = self._now(), self._learnt_at
            if learnt is None or not now - MARKETS_MAX_AGE < learnt <= now:
                self._markets = await self.protocol.markets(sender)
                self._symbols = {pair: symbol for symbol, pair in self._markets.items()}
                self._learnt_at = now
