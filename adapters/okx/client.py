"""The OKX clients: the account's reads (:class:`AsyncOkxClient`) and public prices.

Use it directly when folio's plugin layer is not wanted::

    credentials = Credentials.from_strings(key, secret, passphrase)
    async with AsyncOkxClient(credentials, base_url=url) as client:
        wallet = await client.fetch_balances(WalletKind.CASH)

Each request first waits for the process-wide limiter of its endpoint (OKX's documented
requests per 2 s, per API key for signed endpoints and per host for public ones,
:mod:`adapters.okx.endpoints`) unless the account's ``rate_limits`` option is off, and is
retried per the :class:`~framework.retry.RetryPolicy` in its ``http`` settings; each attempt
is signed again with a fresh timestamp.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final

import httpx

from adapters.kit.client import ExchangeClient, HttpClientSource
from adapters.kit.clock import host_of, shared_clock, wall_clock_ms
from adapters.kit.ratelimit import RateLimit, Scope, SlidingWindowLimiter, shared_limiter
from adapters.okx.convert import EXCHANGE
from adapters.okx.endpoints import WINDOW_S, Endpoint
from adapters.okx.options import DEFAULT_BASE_URL, OkxOptions
from adapters.okx.protocol import OkxProtocol, utc_now
from adapters.okx.signer import OkxAuth
from framework.credentials import Credentials
from framework.errors import FolioError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.prices import Pair, Price
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings

__all__ = ["MARKETS_MAX_AGE", "AsyncOkxClient", "OkxPrices"]

MARKETS_MAX_AGE: Final = timedelta(minutes=1)
"""How long :class:`OkxPrices` trusts the instruments it learnt: a market suspended since
must not be priced at its stale last trade."""


def _limiters(
    options: OkxOptions, base_url: str, key: str | None
) -> Callable[[Endpoint], tuple[SlidingWindowLimiter, ...]]:
    """The shared limiter of each endpoint, for one key (signed) or host (public)."""
    host = host_of(base_url)

    def of(endpoint: Endpoint) -> tuple[SlidingWindowLimiter, ...]:
        if not options.rate_limits:
            return ()
        who = key if endpoint.signed and key else host
        rule = RateLimit(endpoint.limit, WINDOW_S, Scope.KEY if endpoint.signed else Scope.HOST)
        return (shared_limiter(EXCHANGE, rule, f"{who} {endpoint.path}"),)

    return of


class AsyncOkxClient(ExchangeClient):
    """The OKX client; also a folio ``BalanceReader`` and ``RiskReader``."""

    protocol: OkxProtocol

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str = DEFAULT_BASE_URL,
        account: str = "default",
        options: OkxOptions | None = None,
        http: HttpSettings = DEFAULT_HTTP_SETTINGS,
        http_client: HttpClientSource | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock_ms: Callable[[], int] = wall_clock_ms,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        options = options or OkxOptions()
        clock = shared_clock(EXCHANGE, base_url, clock_ms, shared=options.sync_clock)
        # Built first: a missing passphrase is refused now, before any request.
        auth = OkxAuth(credentials, account=account, demo_trading=options.demo_trading,
                       clock_ms=clock)
        protocol = OkxProtocol(base_url=base_url, account=account, options=options, auth=auth,
                               limiters=_limiters(options, base_url, credentials.api_key.reveal()),
                               now=now, clock=clock)
        super().__init__(protocol, exchange=EXCHANGE, clock=clock, credentials=credentials,
                         http=http, http_client=http_client, transport=transport, sleep=sleep)

    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        """Read the trading account as the ``cash`` wallet."""
        return await self.call(partial(self.protocol.balances, wallet=wallet))

    async def fetch_margin_risk(self, wallet: WalletKind = WalletKind.CASH) -> MarginRisk:
        """Read the trading account's risk profile (the ``cash`` wallet's)."""
        return await self.call(partial(self.protocol.margin_risk, wallet=wallet))


class OkxPrices(ExchangeClient):
    """OKX's public spot prices, read without keys: a folio ``PriceReader``.

    The first read learns every spot instrument's ``baseCcy``/``quoteCcy`` and ``state`` from
    ``GET /api/v5/public/instruments?instType=SPOT`` (kept :data:`MARKETS_MAX_AGE`), so a pair
    is never guessed by splitting an ``instId``; each read is then one
    ``GET /api/v5/market/tickers?instType=SPOT``, every spot market's last trade with its time.
    """

    protocol: OkxProtocol

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        account: str = "default",
        options: OkxOptions | None = None,
        http: HttpSettings = DEFAULT_HTTP_SETTINGS,
        http_client: HttpClientSource | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        options = options or OkxOptions()
        protocol = OkxProtocol(base_url=base_url, account=account, options=options, auth=None,
                               limiters=_limiters(options, base_url, None), now=now)
        super().__init__(protocol, exchange=EXCHANGE, clock=protocol.clock, credentials=None,
                         http=http, http_client=http_client, transport=transport, sleep=sleep)
        self._now = now
        self._markets: dict[str, Pair] = {}
        self._learnt_at: datetime | None = None
        self._learning = asyncio.Lock()

    async def fetch_prices(self, pairs: Collection[Pair] | None = None) -> list[Price]:
        """The last prices of ``pairs`` (every live spot market: ``None``)."""
        sender = self.sender()
        try:
            async with self._learning:
                now, learnt = self._now(), self._learnt_at
                if learnt is None or not now - MARKETS_MAX_AGE < learnt <= now:
                    self._markets = await self.protocol.markets(sender)
                    self._learnt_at = now
            known = self._markets
            wanted = None if pairs is None else set(pairs)
            if wanted is not None and not wanted & set(known.values()):
                return []
            return await self.protocol.prices(sender, known, wanted)
        except FolioError as exc:
            raise self._finish(exc) from None
