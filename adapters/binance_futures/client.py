"""The Binance USD-M futures client, and the reader that serves every wallet of a Binance account.

:class:`AsyncBinanceFuturesClient` reads the ``futures`` wallet and its risk from the futures
host, on the kit's one path: built like every signed client (:mod:`adapters.kit.readers`),
with the host's shared HTTP client, the deadline, retries, error finishing
(:mod:`adapters.kit.client`). What is its own:

* **the host.** ``futures_base_url``, else ``https://fapi.binance.com`` for an account on one of
  Binance's own hosts (``*.binance.com``), else the account's ``base_url`` (a simulator or a
  proxy that serves spot and futures alike): :func:`futures_url`, the client's ``_host_url``;
* **its budget.** ``/fapi/`` weight is metered per IP apart from spot (2400 per minute), so its
  process-wide limiter is its own, never spot's ``/api/`` one, even on a shared host;
* **its clock.** Signed like spot (:class:`adapters.binance.signer.BinanceAuth`), with the
  futures host's clock, shared by every client of that host (``GET /fapi/v1/time``).

:class:`BinanceAccountReader` is what the plugin hands the core for an account: spot and
cross-margin reads go to :class:`adapters.binance.AsyncBinanceClient`, ``futures`` reads to this
client, each built on first use.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

from adapters.binance import AsyncBinanceClient
from adapters.binance.convert import EXCHANGE
from adapters.binance.options import DEFAULT_BASE_URL
from adapters.binance.signer import BinanceAuth
from adapters.binance_futures.endpoints import DEFAULT_FUTURES_URL
from adapters.binance_futures.options import BinanceFuturesOptions
from adapters.binance_futures.protocol import FuturesProtocol
from adapters.kit.clock import ServerClock, host_of
from adapters.kit.ratelimit import RateLimit, Scope, SlidingWindowLimiter, shared_limiter
from adapters.kit.readers import SignedClient
from framework.credentials import Credentials
from framework.errors import UnsupportedCapabilityError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind

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


class AsyncBinanceFuturesClient(SignedClient[BinanceFuturesOptions]):
    """The USD-M futures client: a folio ``BalanceReader`` and risk reader of ``futures``."""

    exchange, default_url, options_type = EXCHANGE, DEFAULT_BASE_URL, BinanceFuturesOptions
    protocol: FuturesProtocol
    limiters: tuple[SlidingWindowLimiter, ...]
    """The process-wide ``/fapi/`` limiter every request waits for (none when the option is 0),
    held by the client for its life, never spot's ``/api/`` one."""

    def _host_url(self, base_url: str, options: BinanceFuturesOptions) -> str:
        return futures_url(options, base_url)

    def _protocol(
        self, credentials: Credentials, *, base_url: str, account: str,
        options: BinanceFuturesOptions, clock: ServerClock, now: Callable[[], datetime],
    ) -> FuturesProtocol:
        limit = options.fapi_weight_limit
        # "/fapi" in the scope: a simulator serving spot and futures on one port still meters
        # the two budgets apart, as Binance does.
        self.limiters = held = (
            (shared_limiter(EXCHANGE, RateLimit(limit, WINDOW_S, Scope.HOST),
                            f"{host_of(base_url)}/fapi"),) if limit else ()
        )
        return FuturesProtocol(
            base_url=base_url, account=account, options=options,
            auth=BinanceAuth(credentials, recv_window=options.recv_window, clock_ms=clock),
            limiters=lambda _: held, now=now, clock=clock,
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
        return await self.call(read)


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
