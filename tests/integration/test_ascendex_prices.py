"""AscendEX prices over loopback: the plugin's keyless reader against the simulator's tickers.

The simulator's tickers are the prices behind its own USDT figures, so valuing an account's
balances at them must give exactly the ``*InUSDT`` figures its risk answer states: the seed
account through a bridge (ETH only trades against BTC there), computed accounts directly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from decimal import Decimal

import pytest

from adapters.ascendex.simulator import (
    AscendexSimulator,
    CashRow,
    ComputedRisk,
    Fault,
    MarginRow,
    SimAccount,
)
from adapters.ascendex.simulator.accounts import AccountsFileError
from framework import Folio
from framework.config import AccountConfig, EnvCredentials, StaticCredentials
from framework.credentials import Credentials
from framework.errors import FolioError, RateLimitedError
from framework.models import WalletKind
from framework.prices import Pair
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings
from framework.valuation import PriceBook, Valuation, value_in
from tests.integration.conftest import account


def _total(valuations: Iterable[Valuation]) -> Decimal:
    total = Decimal(0)
    for valuation in valuations:
        assert valuation.value is not None, valuation.reason
        total += valuation.value
    return total


async def _book_and_margin(folio: Folio, name: str) -> tuple[PriceBook, list[Valuation]]:
    book = await folio.price_book(name)
    margin = await folio.balances(name, WalletKind.MARGIN)
    return book, [value_in(b.asset, b.total, "USDT", book) for b in margin.balances]


def test_the_seed_tickers_value_the_seed_margin_at_the_risk_answers_usdt_figures(
    seed_url: str, demo_credentials: Credentials
) -> None:
    async def run() -> None:
        async with Folio([account("main", seed_url, demo_credentials)]) as folio:
            book, valued = await _book_and_margin(folio, "main")
            risk = await folio.risk("main")
            margin = await folio.balances("main", WalletKind.MARGIN)
        assert {str(pair) for pair in book.prices} == {"BTC/USDT", "ETH/BTC"}
        assert book.exchange == "ascendex"
        eth = next(v for v in valued if v.asset == "ETH")
        assert eth.path_text == "ETH/BTC x BTC/USDT"
        assert eth.exact
        assert _total(valued) == risk.total_value == Decimal("17715.8175")
        available = [value_in(b.asset, b.available, "USDT", book) for b in margin.balances]
        assert _total(available) == risk.available_value
        assert risk.borrowed_value == 0
        assert risk.equity == _total(valued)  # net = total when nothing is borrowed
        # in BTC, USDT needs the inverse of BTC/USDT and ETH is direct
        usdt = value_in("USDT", Decimal(8000), "BTC", book)
        assert (usdt.value, usdt.path_text) == (Decimal(1), "BTC/USDT inverted")
        eth_in_btc = value_in("ETH", Decimal(20), "BTC", book)
        assert (eth_in_btc.value, eth_in_btc.path_text) == (Decimal("0.81447718750"), "ETH/BTC")

    asyncio.run(run())


def test_an_account_with_no_keys_still_gets_its_prices(seed_url: str) -> None:
    missing = EnvCredentials("FOLIO_TEST_NO_SUCH_KEY", "FOLIO_TEST_NO_SUCH_SECRET")
    keyless = AccountConfig("keyless", "ascendex", missing, base_url=seed_url)

    async def run() -> None:
        async with Folio([keyless]) as folio:
            book = await folio.price_book("keyless")
            with pytest.raises(FolioError):
                await folio.balances("keyless")
        assert book.get(Pair("BTC", "USDT")) is not None

    asyncio.run(run())


def _priced_accounts() -> list[SimAccount]:
    """Two computed accounts on one exchange; ``XAU`` is held and has no market at all."""
    alice = SimAccount(
        "key-a", "secret-a", 1,
        cash=[CashRow("XAU", "3", "3"), CashRow("BTC", "0.5", "0.5")],
        margin=[MarginRow("BTC", "1.25", "1", "0.1", "0.001"), MarginRow("USDT", "500", "400")],
        risk=ComputedRisk(prices={"BTC": "30123.45"}),
    )
    bob = SimAccount("key-b", "secret-b", 2, margin=[MarginRow("SOL", "12", "12")],
                     risk=ComputedRisk(prices={"BTC": "30123.45", "SOL": "101.7"}))
    return [alice, bob]


def test_computed_accounts_are_priced_at_their_reference_prices_directly() -> None:
    with AscendexSimulator(_priced_accounts()).serve() as running:
        accounts = [
            account("alice", running.url, Credentials.from_strings("key-a", "secret-a")),
            account("bob", running.url, Credentials.from_strings("key-b", "secret-b")),
        ]

        async def run() -> None:
            async with Folio(accounts) as folio:
                for name in ("alice", "bob"):
                    book, valued = await _book_and_margin(folio, name)
                    risk = await folio.risk(name)
                    assert {str(p) for p in book.prices} == {"BTC/USDT", "SOL/USDT"}
                    assert _total(valued) == risk.total_value
                    margin = await folio.balances(name, WalletKind.MARGIN)
                    debt = [value_in(b.asset, b.borrowed, "USDT", book) for b in margin.balances]
                    assert _total(debt) == risk.borrowed_value
                    assert all(v.path_text in ("", "BTC/USDT", "SOL/USDT") for v in valued)
                cash = await folio.balances("alice")
                gold = value_in("XAU", cash["XAU"].total, "USDT", book)
                assert not gold.valued
                assert gold.value is None
                assert gold.reason == "no XAU/USDT, USDT/XAU or bridge on ascendex"

        asyncio.run(run())


def test_one_market_has_one_price_across_the_simulators_accounts() -> None:
    accounts = _priced_accounts()
    accounts[1] = SimAccount("key-b", "secret-b", 2, risk=ComputedRisk(prices={"BTC": "1"}))
    with pytest.raises(AccountsFileError, match="one market has one last price"):
        AscendexSimulator(accounts)


def test_faults_apply_to_the_ticker_route_and_name_it(demo_credentials: Credentials) -> None:
    with AscendexSimulator.seed().serve() as running:
        running.faults.add(Fault.rate_limited(route="spot/ticker"))
        config = AccountConfig("main", "ascendex", StaticCredentials(demo_credentials),
                               base_url=running.url)

        async def run() -> FolioError:
            async with Folio([config], http=HttpSettings(retry=NO_RETRIES)) as folio:
                try:
                    await folio.price_book("main")
                except FolioError as exc:
                    return exc
            raise AssertionError("a throttled ticker read was taken as a price book")

        error = asyncio.run(run())
        assert running.stats().count(route="spot/ticker") == 1
    assert isinstance(error, RateLimitedError)
    assert (error.exchange, error.account, error.endpoint) == ("ascendex", "main",
                                                               "GET spot/ticker")
