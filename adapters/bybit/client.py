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

from collections.abc import Callable
from datetime import datetime

from adapters.bybit.convert import EXCHANGE
from adapters.bybit.endpoints import Endpoint
from adapters.bybit.options import DEFAULT_BASE_URL, BybitOptions
from adapters.bybit.protocol import BybitProtocol
from adapters.bybit.signer import BybitAuth
from adapters.kit.clock import ServerClock, host_of
from adapters.kit.prices import MARKETS_MAX_AGE, MarketPrices
from adapters.kit.ratelimit import RateLimit, Scope, SlidingWindowLimiter, scope_key, shared_limiter
from adapters.kit.readers import SignedClient
from framework.credentials import Credentials
from framework.errors import FolioError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind

__all__ = ["MARKETS_MAX_AGE", "AsyncBybitClient", "BybitPrices"]


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


class AsyncBybitClient(SignedClient[BybitOptions]):
    """The Bybit client of one account; a folio ``BalanceReader`` and ``RiskReader``."""

    exchange, default_url, options_type = EXCHANGE, DEFAULT_BASE_URL, BybitOptions
    protocol: BybitProtocol
    limiters: _Limiters
    """The process-wide limiters its requests wait for (shared with the key's other clients)."""

    def _protocol(
        self, credentials: Credentials, *, base_url: str, account: str, options: BybitOptions,
        clock: ServerClock, now: Callable[[], datetime],
    ) -> BybitProtocol:
        self.limiters = _Limiters(options, base_url, credentials.api_key.reveal())
        return BybitProtocol(
            base_url=base_url, account=account, options=options,
            auth=BybitAuth(credentials, recv_window=options.recv_window, clock_ms=clock),
            limiters=self.limiters.of, now=now, clock=clock,
        )

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


class BybitPrices(MarketPrices[BybitOptions]):
    """Bybit's public spot last prices, read without keys: a folio ``PriceReader``.

    The first read learns every spot market's base and quote from
    ``GET /v5/market/instruments-info`` and keeps them for :data:`MARKETS_MAX_AGE`; a read
    is then one ``GET /v5/market/tickers`` (``symbol=`` for one pair, every ticker otherwise:
    Bybit takes no list of symbols). Pairs Bybit does not trade are left out, without a
    request when none is traded.
    """

    exchange, default_url, options_type = EXCHANGE, DEFAULT_BASE_URL, BybitOptions
    protocol: BybitProtocol

    def _protocol(
        self, *, base_url: str, account: str, options: BybitOptions, clock: ServerClock,
        now: Callable[[], datetime],
    ) -> BybitProtocol:
        return BybitProtocol(base_url=base_url, account=account, options=options, auth=None,
                             limiters=_Limiters(options, base_url, None).of, now=now,
                             clock=clock)
