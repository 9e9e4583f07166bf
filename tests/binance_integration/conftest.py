"""Binance integration fixtures: the adapter's async client against a real simulator.

Every client runs on folio's own transport (the one under the shared client) over loopback
sockets, exactly as the plugin's readers do.
"""

from __future__ import annotations

import traceback
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from adapters.binance import AsyncBinanceClient, BinanceOptions
from adapters.binance.simulator import DEMO_API_KEY, DEMO_API_SECRET
from framework.credentials import Credentials
from framework.errors import ExchangeError
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings

DEMO = Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)
ONE_ATTEMPT = HttpSettings(retry=NO_RETRIES)
"""For counting traffic exactly: one call, one attempt (the retry layer has its own tests)."""


class Binance:
    """One client; ``await binance.call("balances", wallet)`` calls its method by name."""

    def __init__(self, credentials: Credentials, **settings: Any) -> None:
        self.client = AsyncBinanceClient(credentials, **settings)

    async def call(self, method: str, *args: Any) -> Any:
        bound: Callable[..., Any] = getattr(self.client, method)
        return await bound(*args)

    async def close(self) -> None:
        await self.client.aclose()


Connect = Callable[..., Binance]


@pytest.fixture
async def connect() -> AsyncIterator[Connect]:
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
        client = Binance(credentials, base_url=url, account=account, http=http,
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
