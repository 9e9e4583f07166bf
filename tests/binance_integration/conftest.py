"""Binance integration fixtures: the adapter's blocking and async clients behind one face.

Every test using ``binance`` runs twice, with :class:`BinanceClient` (on a worker thread, where
no event loop runs, as in a sync program) and with :class:`AsyncBinanceClient`, against a real
simulator over loopback sockets.
"""

from __future__ import annotations

import traceback
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

import anyio.to_thread
import pytest

from adapters.binance import AsyncBinanceClient, BinanceClient, BinanceOptions
from adapters.binance.simulator import DEMO_API_KEY, DEMO_API_SECRET
from framework.credentials import Credentials
from framework.errors import ExchangeError
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings

ClientKind = Literal["sync", "async"]
DEMO = Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)
ONE_ATTEMPT = HttpSettings(retry=NO_RETRIES)
"""For counting traffic exactly: one call, one attempt (the retry layer has its own tests)."""


class Binance:
    """One client of either kind; ``await binance.call("balances", wallet)`` works for both."""

    def __init__(self, kind: ClientKind, credentials: Credentials, **settings: Any) -> None:
        self.client: BinanceClient | AsyncBinanceClient = (
            BinanceClient(credentials, **settings) if kind == "sync"
            else AsyncBinanceClient(credentials, **settings)
        )

    async def call(self, method: str, *args: Any) -> Any:
        bound: Callable[..., Any] = getattr(self.client, method)
        if isinstance(self.client, BinanceClient):
            return await anyio.to_thread.run_sync(lambda: bound(*args))
        return await bound(*args)

    async def close(self) -> None:
        if isinstance(self.client, BinanceClient):
            await anyio.to_thread.run_sync(self.client.close)
        else:
            await self.client.aclose()


Connect = Callable[..., Binance]


@pytest.fixture(params=["sync", "async"])
def client_kind(request: pytest.FixtureRequest) -> ClientKind:
    kind: ClientKind = request.param
    return kind


@pytest.fixture
async def connect(client_kind: ClientKind) -> AsyncIterator[Connect]:
    """``connect(url, credentials=DEMO, account="main", http=..., **options)``; all are closed."""
    made: list[Binance] = []

    def make(
        url: str,
        *,
        credentials: Credentials = DEMO,
        account: str = "main",
        http: HttpSettings = ONE_ATTEMPT,
        **options: Any,
    ) -> Binance:
        client = Binance(client_kind, credentials, base_url=url, account=account, http=http,
                         options=BinanceOptions.from_mapping(options))
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()


def assert_located_without_secret(
    error: ExchangeError, account: str, endpoint: str, credentials: Credentials = DEMO
) -> None:
    """The error says exchange, account and endpoint, and nowhere holds the API secret."""
    assert (error.exchange, error.account, error.endpoint) == ("binance", account, endpoint)
    assert f"binance account {account!r} {endpoint}: " in str(error)
    everything = "".join(traceback.format_exception(error)) + repr(error) + repr(vars(error))
    assert credentials.api_secret.reveal() not in everything
