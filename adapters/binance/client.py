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

from collections.abc import Callable
from datetime import datetime
from typing import Final
from urllib.parse import urlsplit

from adapters.binance.convert import EXCHANGE
from adapters.binance.endpoints import Budget, Endpoint
from adapters.binance.options import DEFAULT_BASE_URL, BinanceOptions
from adapters.binance.protocol import BinanceProtocol
from adapters.binance.signer import BinanceAuth
from adapters.binance.wire import MarginAccount, SpotAccount
from adapters.kit.clock import ServerClock
from adapters.kit.prices import MARKETS_MAX_AGE, MarketPrices
from adapters.kit.ratelimit import RateLimit, Scope, SlidingWindowLimiter, shared_limiter
from adapters.kit.readers import SignedClient
from framework.credentials import Credentials
from framework.errors import ExchangeError, FolioError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind

__all__ = ["MARKETS_MAX_AGE", "AsyncBinanceClient", "BinancePrices"]

WINDOW_S = 60.0
"""Binance's weight limits are per minute."""

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


class AsyncBinanceClient(SignedClient[BinanceOptions]):
    """The Binance client; also a folio ``BalanceReader`` and ``RiskReader``."""

    exchange, default_url, options_type = EXCHANGE, DEFAULT_BASE_URL, BinanceOptions
    protocol: BinanceProtocol
    budgets: _Budgets
    """The rate limiters requests wait for (shared with every client of the same host)."""

    def _protocol(
        self, credentials: Credentials, *, base_url: str, account: str,
        options: BinanceOptions, clock: ServerClock, now: Callable[[], datetime],
    ) -> BinanceProtocol:
        self.budgets = _Budgets(options, base_url)
        return BinanceProtocol(
            base_url=base_url, account=account, options=options,
            auth=BinanceAuth(credentials, recv_window=options.recv_window, clock_ms=clock),
            budgets=self.budgets.of, now=now, clock=clock,
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


class BinancePrices(MarketPrices[BinanceOptions]):
    """Binance's public last prices, read without keys: a folio ``PriceReader``.

    It holds no credentials (an account whose keys are missing still has its holdings valued)
    and shares the rest with :class:`AsyncBinanceClient`: the host's HTTP client, the deadline,
    retries, the same process-wide weight limiters and error finishing. The first read learns
    every market's base and quote from ``GET /api/v3/exchangeInfo`` (weight 20) and keeps them
    for at most :data:`MARKETS_MAX_AGE` (:mod:`adapters.kit.prices`): a market halted or
    delisted since must not keep being priced at its last trade, nor fail every later read.
    Learning them costs weight 20, at most once a minute: a third of one percent of the
    ``/api/`` budget. Each read is then one ``GET /api/v3/ticker/price`` (weight 2 for one
    symbol, 4 for several or all). A ``-1121`` (invalid symbol) answer to a read of named
    symbols means one of them went away since the markets were learnt: they are learnt again
    and the read is made once more. Requested pairs Binance does not trade are left out,
    without a request when none is traded (docs/exchanges/binance.md, "Prices").
    """

    exchange, default_url, options_type = EXCHANGE, DEFAULT_BASE_URL, BinanceOptions
    protocol: BinanceProtocol
    budgets: _Budgets

    def _protocol(
        self, *, base_url: str, account: str, options: BinanceOptions, clock: ServerClock,
        now: Callable[[], datetime],
    ) -> BinanceProtocol:
        self.budgets = _Budgets(options, base_url)
        return BinanceProtocol(base_url=base_url, account=account, options=options,
                               auth=None, budgets=self.budgets.of, now=now, clock=clock)

    def _gone(self, error: ExchangeError) -> bool:
        return error.code == _INVALID_SYMBOL
