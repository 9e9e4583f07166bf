"""Integration fixtures: a real AscendEX simulator on a loopback port, hosts wired to it, and
the adapter's own clients (blocking and async) behind one awaitable face."""

from __future__ import annotations

import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from typing import Any, Final, Literal, TypeVar

import anyio.to_thread
import httpx
import pytest

from adapters.ascendex import AscendexClient, AscendexOptions, AsyncAscendexClient
from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, AscendexSimulator
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.errors import ExchangeError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.retry import NO_RETRIES
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings


@pytest.fixture
def demo_credentials() -> Credentials:
    return Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)


@pytest.fixture
def seed_url() -> Iterator[str]:
    """URL of a seed simulator (the specification's sample account, group 6)."""
    with AscendexSimulator.seed().serve() as running:
        yield running.url


def account(
    name: str,
    url: str,
    credentials: Credentials,
    **options: object,
) -> AccountConfig:
    """An AscendEX account with in-memory credentials pointed at ``url``."""
    return AccountConfig(
        name=name,
        exchange="ascendex",
        credentials=StaticCredentials(credentials),
        base_url=url,
        options=options,
    )


# -- the adapter's own clients, sync and async, behind one face -------------------------------

ClientKind = Literal["sync", "async"]
T = TypeVar("T")


class _RecordingTransport(httpx.HTTPTransport):
    """httpx's own socket transport that also notes ``METHOD /path`` of every request."""

    def __init__(self, sent: list[str]) -> None:
        super().__init__()
        self._sent = sent

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._sent.append(f"{request.method} {request.url.path}")
        return super().handle_request(request)


class _AsyncRecordingTransport(httpx.AsyncHTTPTransport):
    """The async twin of :class:`_RecordingTransport`."""

    def __init__(self, sent: list[str]) -> None:
        super().__init__()
        self._sent = sent

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._sent.append(f"{request.method} {request.url.path}")
        return await super().handle_async_request(request)


class Reader:
    """An :class:`AscendexClient` or :class:`AsyncAscendexClient`, awaited alike.

    Blocking calls run on a worker thread, where no event loop runs, as in a sync program.
    ``sent`` lists every request the client put on the (real, loopback) wire.
    """

    def __init__(self, kind: ClientKind, credentials: Credentials, **settings: Any) -> None:
        self.kind = kind
        self.sent: list[str] = []
        self.client: AscendexClient | AsyncAscendexClient
        if kind == "sync":
            self.client = AscendexClient(
                credentials, transport=_RecordingTransport(self.sent), **settings
            )
        else:
            self.client = AsyncAscendexClient(
                credentials, transport=_AsyncRecordingTransport(self.sent), **settings
            )

    @property
    def account_group(self) -> int | None:
        return self.client.account_group

    async def _call(
        self,
        blocking: Callable[[AscendexClient], T],
        awaiting: Callable[[AsyncAscendexClient], Awaitable[T]],
    ) -> T:
        if isinstance(self.client, AscendexClient):
            return await anyio.to_thread.run_sync(blocking, self.client)
        return await awaiting(self.client)

    async def balances(self, wallet: WalletKind) -> BalanceSnapshot:
        return await self._call(lambda c: c.balances(wallet), lambda c: c.balances(wallet))

    async def margin_risk(self) -> MarginRisk:
        return await self._call(lambda c: c.margin_risk(), lambda c: c.margin_risk())

    async def aclose(self) -> None:
        await self._call(lambda c: c.close(), lambda c: c.aclose())


Connect = Callable[..., Reader]

WITHOUT_RETRIES: Final = HttpSettings(retry=NO_RETRIES)
"""For counting traffic exactly: one call, one attempt (the retry layer has its own tests)."""


@pytest.fixture(params=["sync", "async"])
def client_kind(request: pytest.FixtureRequest) -> ClientKind:
    """Run the test once with the blocking and once with the async client."""
    kind: ClientKind = request.param
    return kind


@pytest.fixture
async def connect(
    client_kind: ClientKind, demo_credentials: Credentials
) -> AsyncIterator[Connect]:
    """``connect(url, credentials=, account=, now=, http=, **options)`` -> a :class:`Reader`.

    ``options`` are written as in the config file (``path_style="legacy"``); the credentials
    default to the documentation key of the seed account. Every reader is closed afterwards.
    """
    made: list[Reader] = []

    def make(
        url: str,
        *,
        credentials: Credentials | None = None,
        account: str = "main",
        now: Callable[[], datetime] | None = None,
        http: HttpSettings = DEFAULT_HTTP_SETTINGS,
        **options: object,
    ) -> Reader:
        settings: dict[str, Any] = {
            "base_url": url,
            "account": account,
            "options": AscendexOptions.from_mapping(options),
            "http": http,
        }
        if now is not None:
            settings["now"] = now
        reader = Reader(client_kind, credentials or demo_credentials, **settings)
        made.append(reader)
        return reader

    yield make
    for reader in made:
        await reader.aclose()


def assert_located_without_secret(
    error: ExchangeError, account: str, endpoint: str, credentials: Credentials
) -> None:
    """The error says exchange, account and endpoint, and nowhere holds the API secret."""
    assert (error.exchange, error.account, error.endpoint) == ("ascendex", account, endpoint)
    assert f"ascendex account {account!r} {endpoint}: " in str(error)
    everything = "".join(traceback.format_exception(error)) + repr(error) + repr(vars(error))
    assert credentials.api_secret.reveal() not in everything
