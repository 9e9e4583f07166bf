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

from collections.abc import Callable
from datetime import datetime
from functools import partial

from adapters.kit.clock import ServerClock, host_of
from adapters.kit.prices import MARKETS_MAX_AGE, MarketPrices
from adapters.kit.ratelimit import RateLimit, Scope, SlidingWindowLimiter, shared_limiter
from adapters.kit.readers import SignedClient
from adapters.okx.convert import EXCHANGE
from adapters.okx.endpoints import WINDOW_S, Endpoint
from adapters.okx.options import DEFAULT_BASE_URL, OkxOptions
from adapters.okx.protocol import OkxProtocol
from adapters.okx.signer import OkxAuth
from framework.credentials import Credentials
from framework.models import BalanceSnapshot, MarginRisk, WalletKind

__all__ = ["MARKETS_MAX_AGE", "AsyncOkxClient", "OkxPrices"]


def _limiters(
    options: OkxOptions, base_url: str, key: str | None
) -> Callable[[Endpoint], tuple[SlidingWindowLimiter, ...]]:
    """The shared limiter of each endpoint, for one key (signed) or host (public).

    Looked up once per endpoint and held, as every adapter holds its limiters: a lookup hashes
    the key and takes the registry's lock, per request before (docs/performance.md). A held
    limiter that the registry retired while idle sends its holder on to the live one
    (:func:`adapters.kit.ratelimit.shared_limiter`).
    """
    host = host_of(base_url)
    held: dict[str, tuple[SlidingWindowLimiter, ...]] = {}

    def of(endpoint: Endpoint) -> tuple[SlidingWindowLimiter, ...]:
        if not options.rate_limits:
            return ()
        if endpoint.path not in held:
            who = key if endpoint.signed and key else host
            rule = RateLimit(endpoint.limit, WINDOW_S, Scope.KEY if endpoint.signed else Scope.HOST)
            held[endpoint.path] = (shared_limiter(EXCHANGE, rule, f"{who} {endpoint.path}"),)
        return held[endpoint.path]

    return of


class AsyncOkxClient(SignedClient[OkxOptions]):
    """The OKX client; also a folio ``BalanceReader`` and ``RiskReader``."""

    exchange, default_url, options_type = EXCHANGE, DEFAULT_BASE_URL, OkxOptions
    protocol: OkxProtocol

    def _protocol(
        self, credentials: Credentials, *, base_url: str, account: str, options: OkxOptions,
        clock: ServerClock, now: Callable[[], datetime],
    ) -> OkxProtocol:
        # The signer is built first: a missing passphrase is refused now, before any request.
        auth = OkxAuth(credentials, account=account, demo_trading=options.demo_trading,
                       clock_ms=clock)
        return OkxProtocol(base_url=base_url, account=account, options=options, auth=auth,
                           limiters=_limiters(options, base_url, credentials.api_key.reveal()),
                           now=now, clock=clock)

    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        """Read the trading account as the ``cash`` wallet."""
        return await self.call(partial(self.protocol.balances, wallet=wallet))

    async def fetch_margin_risk(self, wallet: WalletKind = WalletKind.CASH) -> MarginRisk:
        """Read the trading account's risk profile (the ``cash`` wallet's)."""
        return await self.call(partial(self.protocol.margin_risk, wallet=wallet))


class OkxPrices(MarketPrices[OkxOptions]):
    """OKX's public spot prices, read without keys: a folio ``PriceReader``.

    The first read learns every spot instrument's ``baseCcy``/``quoteCcy`` and ``state`` from
    ``GET /api/v5/public/instruments?instType=SPOT`` (kept :data:`MARKETS_MAX_AGE`), so a pair
    is never guessed by splitting an ``instId``; each read is then one
    ``GET /api/v5/market/tickers?instType=SPOT``, every spot market's last trade with its time.
    """

    exchange, default_url, options_type = EXCHANGE, DEFAULT_BASE_URL, OkxOptions
    protocol: OkxProtocol

    def _protocol(
        self, *, base_url: str, account: str, options: OkxOptions, clock: ServerClock,
        now: Callable[[], datetime],
    ) -> OkxProtocol:
        return OkxProtocol(base_url=base_url, account=account, options=options, auth=None,
                           limiters=_limiters(options, base_url, None), now=now, clock=clock)
