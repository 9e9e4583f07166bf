"""AscendEX clients: the same flows driven through a blocking or an async httpx client.

Use them directly when folio's plugin layer is not wanted::

    async with AsyncAscendexClient(credentials, base_url=url) as client:
        cash = await client.balances(WalletKind.CASH)

Each client holds one pooled HTTP client (connections stay alive across calls) and one
:class:`~adapters.ascendex.protocol.AscendexProtocol` (the cached account group). Close it, or
use it as a context manager, to release its sockets.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Self, TypedDict, TypeVar, Unpack

import httpx

from adapters.ascendex.options import DEFAULT_BASE_URL, AscendexOptions
from adapters.ascendex.protocol import AccountInfo, AscendexProtocol, utc_now
from adapters.ascendex.signer import AscendexAuth, wall_clock_ms
from adapters.transport import Flow, async_client, run_async, run_sync, sync_client
from framework.credentials import Credentials
from framework.errors import FolioError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings

__all__ = ["AscendexClient", "AsyncAscendexClient", "ClientSettings"]

T = TypeVar("T")


class ClientSettings(TypedDict, total=False):
    """Keyword settings accepted by both clients."""

    base_url: str
    """Exchange URL, e.g. a simulator's; ``https://ascendex.com`` by default."""
    account: str
    """Name used in errors and snapshots."""
    options: AscendexOptions | None
    http: HttpSettings
    clock_ms: Callable[[], int]
    """Timestamp source for signatures (UTC ms)."""
    now: Callable[[], datetime]
    """Time source for ``fetched_at`` and key-expiry checks."""


class _ClientBase:
    """Configuration shared by both clients; holds no connection itself."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str = DEFAULT_BASE_URL,
        account: str = "default",
        options: AscendexOptions | None = None,
        http: HttpSettings = DEFAULT_HTTP_SETTINGS,
        clock_ms: Callable[[], int] = wall_clock_ms,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.protocol = AscendexProtocol(
            base_url=base_url,
            account=account,
            options=options or AscendexOptions(),
            now=now,
            clock_ms=clock_ms,
        )
        self.auth = AscendexAuth(credentials, clock_ms=clock_ms)
        self._http = http

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(account={self.protocol.account!r}, "
            f"base_url={self.protocol.base_url!r})"
        )

    @property
    def account_group(self) -> int | None:
        """The account group in use (``None`` until discovered)."""
        return self.protocol.account_group


class AsyncAscendexClient(_ClientBase):
    """Async AscendEX client; also a folio ``BalanceReader`` and ``RiskReader``."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        **settings: Unpack[ClientSettings],
    ) -> None:
        super().__init__(credentials, **settings)
        self._client = async_client(self.protocol.base_url, self._http, self.auth, transport)

    async def _run(self, flow: Flow[T]) -> T:
        try:
            return await run_async(self._client, flow)
        except FolioError as exc:
            self.protocol.locate(exc)
            raise

    async def account_info(self) -> AccountInfo:
        """Read the key's account group, permissions and expiry."""
        return await self._run(self.protocol.account_info())

    async def balances(
        self, wallet: WalletKind, *, asset: str | None = None, show_all: bool | None = None
    ) -> BalanceSnapshot:
        """Read the cash or margin wallet's balances."""
        return await self._run(self.protocol.balances(wallet, asset=asset, show_all=show_all))

    async def margin_risk(self) -> MarginRisk:
        """Read the margin account's risk profile."""
        return await self._run(self.protocol.margin_risk())

    async def server_time(self) -> datetime:
        """Read the exchange's clock."""
        return await self._run(self.protocol.server_time())

    # folio reader protocol
    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        """:class:`framework.providers.BalanceReader` entry point."""
        return await self.balances(wallet)

    async def fetch_margin_risk(self) -> MarginRisk:
        """:class:`framework.providers.RiskReader` entry point."""
        return await self.margin_risk()

    async def aclose(self) -> None:
        """Close the pooled connections."""
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class AscendexClient(_ClientBase):
    """Blocking AscendEX client with the same methods as :class:`AsyncAscendexClient`."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        **settings: Unpack[ClientSettings],
    ) -> None:
        super().__init__(credentials, **settings)
        self._client = sync_client(self.protocol.base_url, self._http, self.auth, transport)

    def _run(self, flow: Flow[T]) -> T:
        try:
            return run_sync(self._client, flow)
        except FolioError as exc:
            self.protocol.locate(exc)
            raise

    def account_info(self) -> AccountInfo:
        """Read the key's account group, permissions and expiry."""
        return self._run(self.protocol.account_info())

    def balances(
        self, wallet: WalletKind, *, asset: str | None = None, show_all: bool | None = None
    ) -> BalanceSnapshot:
        """Read the cash or margin wallet's balances."""
        return self._run(self.protocol.balances(wallet, asset=asset, show_all=show_all))

    def margin_risk(self) -> MarginRisk:
        """Read the margin account's risk profile."""
        return self._run(self.protocol.margin_risk())

    def server_time(self) -> datetime:
        """Read the exchange's clock."""
        return self._run(self.protocol.server_time())

    def close(self) -> None:
        """Close the pooled connections."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
