"""Integration fixtures: a real AscendEX simulator on a loopback port, hosts wired to it, and
the adapter's own async client recording the requests it sent."""

from __future__ import annotations

import traceback
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from typing import Any, Final

import httpx
import pytest

from adapters.ascendex import AscendexOptions, AsyncAscendexClient
from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, AscendexSimulator
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.errors import ExchangeError
from framework.http import tls_context
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.retry import NO_RETRIES
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings
from framework.transport import AiohttpTransport


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


# -- the adapter's own client, recording what it sent ----------------------------------------

class _RecordingTransport(AiohttpTransport):
    """folio's own transport (the one under the shared client) that also notes ``METHOD /path``
    of every request it puts on the (real, loopback) wire."""

    def __init__(self, sent: list[str]) -> None:
        super().__init__(tls=tls_context())
        self._sent = sent

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._sent.append(f"{request.method} {request.url.path}")
        return await super().handle_async_request(request)


class Reader:
    """An :class:`AsyncAscendexClient` whose ``sent`` lists every request it put on the wire."""

    def __init__(self, credentials: Credentials, **settings: Any) -> None:
        self.sent: list[str] = []
        self.client = AsyncAscendexClient(
            credentials, transport=_RecordingTransport(self.sent), **settings
        )

    @property
    def account_group(self) -> int | None:
        return self.client.account_group

    async def balances(self, wallet: WalletKind) -> BalanceSnapshot:
        return await self.client.balances(wallet)

    async def margin_risk(self) -> MarginRisk:
        return await self.client.margin_risk()

    async def aclose(self) -> None:
        await self.client.aclose()


Connect = Callable[..., Reader]

WITHOUT_RETRIES: Final = HttpSettings(retry=NO_RETRIES)
"""For counting traffic exactly: one call, one attempt (the retry layer has its own tests)."""


@pytest.fixture
async def connect(demo_credentials: Credentials) -> AsyncIterator[Connect]:
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
        reader = Reader(credentials or demo_credentials, **settings)
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
