"""Folio.price_book over loopback: one reader per exchange and base URL, shared reads, no keys."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC
from decimal import Decimal

import pytest

from framework import Capability, Folio, Pair, Plugins, SyncFolio, value_in
from framework.config import AccountConfig, EnvCredentials, StaticCredentials
from framework.credentials import Credentials
from framework.errors import (
    ExchangeUnavailableError,
    UnknownExchangeError,
    UnsupportedCapabilityError,
)
from framework.models import WalletKind
from tests.framework.helpers import ExchangePlugin
from tests.integration.price_book_server import (
    ENDPOINT,
    PRICED_AT,
    TickerPlugin,
    TickerServer,
    serve,
)

ROWS = [
    {"pair": "BTC/USDT", "last": "43250.5"},
    {"pair": "ETH/BTC", "last": "0.0521"},
    {"pair": "USDT/EUR", "last": "0.9"},
]
KEYS = StaticCredentials(Credentials.from_strings("k-price-test", "s-price-test"))


def _account(name: str, url: str, exchange: str = "alpha") -> AccountConfig:
    return AccountConfig(name=name, exchange=exchange, credentials=KEYS, base_url=url)


@pytest.fixture
def server() -> Iterator[TickerServer]:
    with serve(ROWS) as running:
        yield running


def _folio(*accounts: AccountConfig, plugin: TickerPlugin | None = None) -> Folio:
    plugins = Plugins(extra=[("ticker", plugin or TickerPlugin())], use_entry_points=False)
    return Folio(accounts, plugins=plugins)


@pytest.mark.anyio
async def test_the_book_holds_every_price_of_the_accounts_server(server: TickerServer) -> None:
    async with _folio(_account("main", server.url)) as folio:
        book = await folio.price_book("main")

    assert book.exchange == "alpha"
    assert book.read_at.tzinfo is UTC
    assert {str(pair): price.value for pair, price in book.prices.items()} == {
        "BTC/USDT": Decimal("43250.5"),
        "ETH/BTC": Decimal("0.0521"),
        "USDT/EUR": Decimal("0.9"),
    }
    price = book.get(Pair("BTC", "USDT"))
    assert price is not None
    assert (price.source, price.at, price.exchange) == (ENDPOINT, PRICED_AT, "alpha")
    assert server.requests == ["/ticker"]
    # the book values holdings with exact products
    eth = value_in("ETH", Decimal("2"), "USDT", book)
    assert eth.value == Decimal("4506.70210")  # 2 x 0.0521 x 43250.5 and eth.exact
    assert eth.path_text == "ETH/BTC x BTC/USDT"


@pytest.mark.anyio
async def test_prices_need_no_credentials(server: TickerServer) -> None:
    keyless = AccountConfig(
        name="nokeys",
        exchange="alpha",
        credentials=EnvCredentials("FOLIO_TEST_UNSET_KEY_9F", "FOLIO_TEST_UNSET_SECRET_9F"),
        base_url=server.url,
    )
    async with _folio(keyless) as folio:
        book = await folio.price_book("nokeys")
    assert len(book) == 3


@pytest.mark.anyio
async def test_accounts_on_one_server_share_a_reader_and_a_concurrent_read(
    server: TickerServer,
) -> None:
    plugin = TickerPlugin()
    server.gate.clear()
    async with _folio(_account("a", server.url), _account("b", server.url), plugin=plugin) as f:
        first = asyncio.ensure_future(f.price_book("a"))
        second = asyncio.ensure_future(f.price_book("b"))
        # the server holds its answer until both callers are waiting for it
        await asyncio.to_thread(server.arrived.wait, 30)
        server.gate.set()
        book_a, book_b = await asyncio.gather(first, second)
        assert book_a is book_b
        assert server.requests == ["/ticker"]
        assert plugin.built == ["a"]

        again = await f.price_book("b")  # a book is a moment: a later call reads again
        assert again is not book_a
        assert server.requests == ["/ticker", "/ticker"]
        assert plugin.built == ["a"]


@pytest.mark.anyio
async def test_accounts_on_two_servers_read_their_own_prices() -> None:
    plugin = TickerPlugin()
    with serve(ROWS) as one, serve([{"pair": "BTC/USDT", "last": "1"}]) as two:
        async with _folio(_account("a", one.url), _account("b", two.url), plugin=plugin) as f:
            book_a, book_b = await asyncio.gather(f.price_book("a"), f.price_book("b"))
    assert len(book_a) == 3
    assert [p.value for p in book_b.prices.values()] == [Decimal("1")]
    assert sorted(plugin.built) == ["a", "b"]
    assert (one.requests, two.requests) == (["/ticker"], ["/ticker"])


@pytest.mark.anyio
async def test_a_failed_shared_read_names_each_callers_account() -> None:
    with serve(ROWS, status=503) as failing:
        failing.gate.clear()
        async with _folio(_account("a", failing.url), _account("b", failing.url)) as f:
            first = asyncio.ensure_future(f.price_book("a"))
            second = asyncio.ensure_future(f.price_book("b"))
            await asyncio.to_thread(failing.arrived.wait, 30)
            failing.gate.set()
            errors = await asyncio.gather(first, second, return_exceptions=True)
    assert failing.requests == ["/ticker"]
    for error, name in zip(errors, ["a", "b"], strict=True):
        assert isinstance(error, ExchangeUnavailableError)
        assert (error.exchange, error.account, error.endpoint) == ("alpha", name, ENDPOINT)
        assert str(error) == f"alpha account {name!r} {ENDPOINT}: HTTP 503"


@pytest.mark.anyio
async def test_one_cancelled_caller_does_not_cancel_the_read_the_other_waits_for(
    server: TickerServer,
) -> None:
    server.gate.clear()
    async with _folio(_account("a", server.url), _account("b", server.url)) as f:
        first = asyncio.ensure_future(f.price_book("a"))
        second = asyncio.ensure_future(f.price_book("b"))
        await asyncio.to_thread(server.arrived.wait, 30)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        server.gate.set()
        book = await second
    assert len(book) == 3
    assert server.requests == ["/ticker"]


@pytest.mark.anyio
async def test_an_exchange_without_a_price_plugin_is_a_located_error(server: TickerServer) -> None:
    async with _folio(_account("main", server.url, exchange="gamma")) as folio:
        with pytest.raises(UnknownExchangeError) as caught:
            await folio.price_book("main")
    assert (caught.value.exchange, caught.value.account) == ("gamma", "main")
    assert "no installed plugin serves exchange 'gamma'" in str(caught.value)
    assert server.requests == []


def test_the_capability_is_listed_for_folio_plugins() -> None:
    plugins = Plugins(extra=[("ticker", TickerPlugin())], use_entry_points=False)
    (alpha,) = plugins.exchanges()
    assert dict(alpha.capabilities) == {Capability.PRICES: "ticker"}


@pytest.mark.anyio
async def test_an_exchange_with_balances_but_no_prices_says_which_capability(
    server: TickerServer,
) -> None:
    plugins = Plugins(
        extra=[("beta", ExchangePlugin({"beta": [WalletKind.CASH]}))], use_entry_points=False
    )
    async with Folio([_account("main", server.url, exchange="beta")], plugins=plugins) as folio:
        with pytest.raises(UnsupportedCapabilityError, match="prices is not supported for 'beta'"):
            await folio.price_book("main")


def test_sync_folio_reads_the_same_book(server: TickerServer) -> None:
    plugins = Plugins(extra=[("ticker", TickerPlugin())], use_entry_points=False)
    with SyncFolio([_account("main", server.url)], plugins=plugins) as folio:
        book = folio.price_book("main")
    assert book.get(Pair("USDT", "EUR")) is not None
    assert server.requests == ["/ticker"]
