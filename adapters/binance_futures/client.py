"""The Binance USD-M futures client, and the reader that serves every wallet of a Binance account.

:class:`AsyncBinanceFuturesClient` reads the ``futures`` wallet and its risk from the futures
host, on the kit's one path (:mod:`adapters.kit.client`): the host's shared HTTP client, the
deadline, retries, error finishing. What is its own:

* **the host.** ``futures_base_url``, else ``https://fapi.binance.com`` for an account on one of
  Binance's own hosts (``*.binance.com``), else the account's ``base_url`` (a simulator or a
  proxy that serves spot and futures alike): :func:`futures_url`;
* **its budget.** ``/fapi/`` weight is metered per IP apart from spot (2400 per minute), so its
  process-wide limiter is its own, never spot's ``/api/`` one, even on a shared host;
* **its clock.** Signed like spot (:class:`adapters.binance.signer.BinanceAuth`), with the
  futures host's clock, shared by every client of that host (``GET /fapi/v1/time``).

:class:`BinanceAccountReader` is what the plugin hands the core for an account: spot and
cross-margin reads go to :class:`adapters.binance.AsyncBinanceClient`, ``futures`` reads to this
client, each built on first use.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

import httpx

from adapters.binance import AsyncBinanceClient
from adapters.binance.convert import EXCHANGE
from adapters.binance.options import DEFAULT_BASE_URL
from adapters.binance.signer import BinanceAuth
from adapters.binance_futures.endpoints import DEFAULT_FUTURES_URL
from adapters.binance_futures.options import BinanceFuturesOptions
from adapters.binance_futures.protocol import FuturesProtocol
from adapters.kit.client import ExchangeClient, HttpClientSource
from adapters.kit.clock import host_of, shared_clock, wall_clock_ms
from adapters.kit.ratelimit import RateLimit, Scope, shared_limiter
from framework.credentials import Credentials
from framework.errors import FolioError, UnsupportedCapabilityError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings

__all__ = ["AsyncBinanceFuturesClient", "BinanceAccountReader", "futures_url"]

WINDOW_S: Final = 60.0
T = TypeVar("T")


def futures_url(options: BinanceFuturesOptions, base_url: str) -> str:
    """Where the account's futures are read (see the module docstring)."""
    if options.futures_base_url is not None:
        return options.futures_base_url
    host = (urlsplit(base_url).hostname or "").lower()
    return DEFAULT_FUTURES_URL if host == "binance.com" or host.endswith(".binance.com") else (
        base_url
    )


class AsyncBinanceFuturesClient(ExchangeClient):
    """The USD-M futures client: a folio ``BalanceReader`` and risk reader of ``futures``."""

    protocol: FuturesProtocol

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str = DEFAULT_BASE_URL,
        account: str = "default",
        options: BinanceFuturesOptions | None = None,
        http: HttpSettings = DEFAULT_HTTP_SETTINGS,
        http_client: HttpClientSource | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock_ms: Callable[[], int] = wall_clock_ms,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        options = options or BinanceFuturesOptions()
        url = futures_url(options, base_url)
        clock = shared_clock(EXCHANGE, url, clock_ms, shared=options.sync_clock)
        limit = options.fapi_weight_limit
        # "/fapi" in the scope: a simulator serving spot and futures on one port still meters
        # the two budgets apart, as Binance does.
        limiters = (
            (shared_limiter(EXCHANGE, RateLimit(limit, WINDOW_S, Scope.HOST),
                            f"{host_of(url)}/fapi"),) if limit else ()
        )
        protocol = FuturesProtocol(
            base_url=url, account=account, sync_clock=options.sync_clock,
            auth=BinanceAuth(credentials, recv_window=options.recv_window, clock_ms=clock),
            omit_zero=options.omit_zero_balances, limiters=limiters, clock=clock, now=now,
        )
        super().__init__(
            protocol, exchange=EXCHANGE, clock=clock, credentials=credentials, http=http,
            http_client=http_client, transport=transport, sleep=sleep,
        )

    @property
    def used_weight(self) -> int | None:
        """Futures weight Binance reported this IP used this minute (``None``: not yet)."""
        return self.protocol.used_weight

    async def fetch_balances(self, wallet: WalletKind = WalletKind.FUTURES) -> BalanceSnapshot:
        """Read the ``futures`` wallet (the only wallet this client serves)."""
        return await self._read(wallet, self.protocol.balances)

    async def fetch_margin_risk(self, wallet: WalletKind = WalletKind.FUTURES) -> MarginRisk:
        """Read the futures account's risk pool."""
        return await self._read(wallet, self.protocol.risk)

    async def _read(self, wallet: WalletKind, read: Callable[[Any], Awaitable[T]]) -> T:
        if wallet is not WalletKind.FUTURES:
            msg = f"the Binance futures client reads the futures wallet, not {wallet.value}"
            raise UnsupportedCapabilityError(msg)
        try:
            return await read(self.sender())
        except FolioError as exc:
            raise self._finish(exc) from None


class BinanceAccountReader:
    """One Binance account's balance and risk reader: each wallet to the client that reads it.

    ``spot`` is the account's spot client, built with the reader (so bad options or missing
    credentials fail when the reader is made); ``futures`` returns its futures client, which
    the plugin builds through ``context.resource`` on first use: an account never read for
    futures never builds one.
    """

    def __init__(
        self, spot: AsyncBinanceClient, futures: Callable[[], AsyncBinanceFuturesClient]
    ) -> None:
        self._spot = spot
        self._futures = futures

    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        """``cash`` and ``margin`` from spot's host, ``futures`` from the futures host."""
        if wallet is WalletKind.FUTURES:
            return await self._futures().fetch_balances(wallet)
        return await self._spot.fetch_balances(wallet)

    async def fetch_margin_risk(self, wallet: WalletKind = WalletKind.MARGIN) -> MarginRisk:
        """The cross-margin account's risk (``margin``) or the futures account's (``futures``)."""
        if wallet is WalletKind.FUTURES:
            return await self._futures().fetch_margin_risk(wallet)
        if wallet is not WalletKind.MARGIN:
            msg = f"Binance risk is read for the margin and futures wallets, not {wallet.value}"
            raise UnsupportedCapabilityError(msg)
        return await self._spot.fetch_margin_risk()
