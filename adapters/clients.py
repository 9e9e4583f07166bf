"""What every exchange's clients share: configuration, the runner, and the reader entry points.

An exchange adapter offers a blocking and an async client over one sans-I/O protocol. Both
hold the protocol (request building, answer reading), a :class:`~adapters.clock.ServerClock`
that the protocol corrects, the account's HTTP settings and an
:class:`~adapters.runner.ErrorFinisher`; they differ only in how flows are driven. The
exchange-specific subclass adds its own reads (balances, risk, account details) and says which
rate limiters each request waits for (:meth:`ExchangeClientBase._pacing`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

import httpx

from adapters.clock import ServerClock
from adapters.runner import (
    AsyncRunner,
    BlockingRunner,
    ClosingAsync,
    ClosingBlocking,
    ErrorFinisher,
)
from adapters.transport import Flow, async_sender, sync_client
from framework.credentials import Credentials
from framework.errors import FolioError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.providers import AccountContext
from framework.ratelimit import SlidingWindowLimiter
from framework.settings import HttpSettings

__all__ = [
    "AsyncClientMixin",
    "BlockingClientMixin",
    "ExchangeClientBase",
    "ExchangeProtocol",
    "account_client",
]

T = TypeVar("T")
C = TypeVar("C", bound="AsyncClientMixin")


class _Options(Protocol):
    """An exchange's options class: validated from an account's ``options`` table."""

    @classmethod
    def from_mapping(
        cls, options: Mapping[str, Any], *, account: str | None = None, source: str | None = None
    ) -> Any:
        """The options, or a ConfigurationError naming the file, account and key."""
        ...


def account_client(
    context: AccountContext,
    exchange: str,
    client_type: Callable[..., C],
    options_type: type[_Options],
    default_url: str,
) -> C:
    """The account's async client, created on first use and shared by its readers.

    A plugin's balance and risk hooks both return it: one connection pool share, one signing
    clock per account, closed by the core when the host closes (``context.resource``).
    """
    account = context.account

    def build() -> C:
        options = options_type.from_mapping(
            account.options, account=account.name, source=account.source
        )
        return client_type(
            context.credentials(),
            base_url=account.base_url or default_url,
            account=account.name,
            options=options,
            http=context.http,
        )

    return context.resource(exchange, build)


class ExchangeProtocol(Protocol):
    """The part of an adapter's sans-I/O protocol the shared client code uses."""

    @property
    def base_url(self) -> str:
        """The exchange's URL, without a trailing slash."""
        ...

    @property
    def account(self) -> str:
        """The account name, for errors and snapshots."""
        ...

    def locate(self, error: FolioError) -> FolioError:
        """Complete ``error`` with the exchange and the account."""
        ...

    def server_time(self) -> Flow[datetime]:
        """The flow reading the exchange's clock."""
        ...

    def measure_clock_offset(self) -> Flow[int]:
        """The flow measuring and adopting the offset to the exchange's clock."""
        ...


class ExchangeClientBase:
    """Configuration shared by an exchange's two clients; holds no connection itself."""

    def __init__(
        self,
        protocol: ExchangeProtocol,
        clock: ServerClock,
        auth: httpx.Auth,
        credentials: Credentials,
        http: HttpSettings,
    ) -> None:
        self.protocol = protocol
        self.clock = clock
        self.auth = auth
        self._http = http
        self._finish = ErrorFinisher(protocol.locate, credentials)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(account={self.protocol.account!r}, "
            f"base_url={self.protocol.base_url!r})"
        )

    @property
    def clock_offset_ms(self) -> int:
        """The exchange's clock minus ours, as last measured (0 until the exchange objects)."""
        return self.clock.offset_ms

    def _pacing(self, request: httpx.Request) -> Sequence[SlidingWindowLimiter]:
        """The rate limiters ``request`` waits for; the exchange's client says which."""
        raise NotImplementedError


class AsyncClientMixin(ExchangeClientBase, ClosingAsync):
    """The async client's driving: one runner on the shared pool, retries, limits."""

    _runner: AsyncRunner

    def _start(
        self,
        transport: httpx.AsyncBaseTransport | None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """Create the runner: the process's shared pool, or an httpx client on ``transport``."""
        self._runner = AsyncRunner(
            async_sender(self._http, self.auth, transport, self.protocol.base_url),
            self._http.retry,
            self._finish,
            sleep=sleep,
        )

    async def _run(self, make_flow: Callable[[], Flow[T]]) -> T:
        return await self._runner.run(make_flow, self._pacing)

    async def balances(self, wallet: WalletKind) -> BalanceSnapshot:
        """Read one wallet's balances (each exchange's client implements it)."""
        raise NotImplementedError

    async def margin_risk(self) -> MarginRisk:
        """Read the margin risk profile (each exchange's client implements it)."""
        raise NotImplementedError

    async def server_time(self) -> datetime:
        """Read the exchange's clock."""
        return await self._run(self.protocol.server_time)

    async def measure_clock_offset(self) -> int:
        """Measure and adopt the offset to the exchange's clock now (ms)."""
        return await self._run(self.protocol.measure_clock_offset)

    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        """:class:`framework.providers.BalanceReader` entry point."""
        return await self.balances(wallet)

    async def fetch_margin_risk(self) -> MarginRisk:
        """:class:`framework.providers.RiskReader` entry point."""
        return await self.margin_risk()

    async def aclose(self) -> None:
        """Release the client's share of the connection pool."""
        await self._runner.aclose()


class BlockingClientMixin(ExchangeClientBase, ClosingBlocking):
    """The blocking client's driving: an ``httpx.Client``, retries, limits."""

    _runner: BlockingRunner

    def _start(
        self,
        transport: httpx.BaseTransport | None,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        """Create the runner on a pooled ``httpx.Client`` (or one on ``transport``)."""
        self._runner = BlockingRunner(
            sync_client(self.protocol.base_url, self._http, self.auth, transport),
            self._http.retry,
            self._finish,
            sleep=sleep,
        )

    def _run(self, make_flow: Callable[[], Flow[T]]) -> T:
        return self._runner.run(make_flow, self._pacing)

    def server_time(self) -> datetime:
        """Read the exchange's clock."""
        return self._run(self.protocol.server_time)

    def measure_clock_offset(self) -> int:
        """Measure and adopt the offset to the exchange's clock now (ms)."""
        return self._run(self.protocol.measure_clock_offset)

    def close(self) -> None:
        """Close the pooled connections."""
        self._runner.close()
