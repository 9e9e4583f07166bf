"""The AscendEX client: the protocol's reads, each run as one call on the shared request path.

Use it directly when folio's plugin layer is not wanted::

    async with AsyncAscendexClient(credentials, base_url=url) as client:
        cash = await client.balances(WalletKind.CASH)

The client holds one :class:`~adapters.ascendex.protocol.AscendexProtocol` (the cached account
group and the signing clock) and an ``httpx.AsyncClient``: the host's shared one when built by
the plugin, else its own (on ``transport`` when given), closed with it. Every request is paced
by the process-wide rate limiters of its API key (and host, when configured) and retried per
the :class:`~framework.retry.RetryPolicy` in its ``http`` settings, signed anew each time
(:mod:`adapters.kit.sender`).

The account group is discovered once per client, single-flight: concurrent first reads of one
account (cash, margin, risk) wait for one ``GET info`` and share its outcome, success or
failure, within their own deadlines (docs/exchanges/ascendex.md). The signing clock's offset is
shared by every client of the host (:func:`adapters.kit.clock.shared_clock`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Final
from urllib.parse import urlsplit

from adapters.ascendex.convert import EXCHANGE
from adapters.ascendex.endpoints import INFO
from adapters.ascendex.options import DEFAULT_BASE_URL, AscendexOptions
from adapters.ascendex.protocol import AccountInfo, AscendexProtocol
from adapters.ascendex.signer import AscendexAuth
from adapters.kit.clock import ServerClock
from adapters.kit.flight import SingleFlight
from adapters.kit.ratelimit import RateLimit, Scope, SlidingWindowLimiter, shared_limiter
from adapters.kit.readers import SignedClient
from adapters.kit.sender import Sender
from framework.credentials import Credentials
from framework.errors import FolioError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind

__all__ = ["AsyncAscendexClient"]


def _limiters(
    options: AscendexOptions, credentials: Credentials, base_url: str
) -> tuple[SlidingWindowLimiter, ...]:
    """Per-key (and, if configured, per-host) limiters, shared process-wide."""
    limiters: list[SlidingWindowLimiter] = []
    if options.rate_limit:
        rule = RateLimit(options.rate_limit, 1.0, Scope.KEY)
        limiters.append(shared_limiter(EXCHANGE, rule, credentials.api_key.reveal()))
    if options.host_rate_limit:
        rule = RateLimit(options.host_rate_limit, 1.0, Scope.HOST)
        limiters.append(shared_limiter(EXCHANGE, rule, urlsplit(base_url).netloc.lower()))
    return tuple(limiters)


_WAITING_FOR_DISCOVERY: Final = "waiting for the account-group discovery"
_DISCOVERY_ENDPOINT: Final = f"GET {INFO.name}"


class AsyncAscendexClient(SignedClient[AscendexOptions]):
    """The AscendEX client; also a folio ``BalanceReader`` and ``RiskReader``."""

    exchange, default_url, options_type = EXCHANGE, DEFAULT_BASE_URL, AscendexOptions
    protocol: AscendexProtocol

    def _protocol(
        self, credentials: Credentials, *, base_url: str, account: str,
        options: AscendexOptions, clock: ServerClock, now: Callable[[], datetime],
    ) -> AscendexProtocol:
        self._discovery: SingleFlight[AccountInfo] = SingleFlight()
        return AscendexProtocol(
            base_url=base_url, account=account, options=options,
            auth=AscendexAuth(credentials, clock_ms=clock),
            limiters=_limiters(options, credentials, base_url), now=now, clock=clock,
        )

    @property
    def account_group(self) -> int | None:
        """The account group in use (``None`` until discovered)."""
        return self.protocol.account_group

    @property
    def limiters(self) -> tuple[SlidingWindowLimiter, ...]:
        """The rate limiters every request waits for (shared with every client of the key)."""
        return self.protocol.limiters

    async def _discover(self, sender: Sender) -> None:
        """Discover the group: single flight, within the caller's deadline.

        A fan-out's first calls on one client wait for one discovery and share its outcome.
        """
        await self.shared(
            sender, self._discovery, lambda: self.protocol.account_info(sender),
            needed=lambda: self.protocol.account_group is None,
            why=_WAITING_FOR_DISCOVERY, endpoint=_DISCOVERY_ENDPOINT,
        )

    async def account_info(self) -> AccountInfo:
        """Read the key's account group, permissions and expiry."""
        return await self.call(self.protocol.account_info)

    # The two reads below are written out rather than through ``call``: a warm fan-out pays
    # for every coroutine layer between the host and the socket (docs/performance.md).

    async def balances(
        self, wallet: WalletKind, *, asset: str | None = None, show_all: bool | None = None
    ) -> BalanceSnapshot:
        """Read the cash or margin wallet's balances."""
        sender = self.sender()
        try:
            if self.protocol.account_group is None:
                await self._discover(sender)
            return await self.protocol.balances(sender, wallet, asset=asset, show_all=show_all)
        except FolioError as exc:
            raise self._finish(exc) from None

    async def margin_risk(self) -> MarginRisk:
        """Read the margin account's risk profile."""
        sender = self.sender()
        try:
            if self.protocol.account_group is None:
                await self._discover(sender)
            return await self.protocol.margin_risk(sender)
        except FolioError as exc:
            raise self._finish(exc) from None

    fetch_balances = balances
    """:class:`framework.providers.BalanceReader` entry point."""
    fetch_margin_risk = margin_risk
    """:class:`framework.providers.RiskReader` entry point."""
