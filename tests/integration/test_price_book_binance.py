"""Folio.price_book and valuation against the Binance simulator, over loopback, through the plugin.

The seed's markets (adapters/binance/simulator/markets.py) price BTC in USDT directly, ETH and
BNB only in BTC (a bridge to USDT), and nothing for LTC: each rule of docs/host-api.md,
"Valuation", shows up on real holdings.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from decimal import Decimal

import pytest

from adapters.binance.simulator import DEMO_API_KEY, DEMO_API_SECRET, BinanceSimulator, Fault
from adapters.binance.simulator.simulator import RunningBinanceSimulator
from framework import Folio, Pair, value_in, value_risk
from framework.config import AccountConfig, EnvCredentials, StaticCredentials
from framework.credentials import Credentials
from framework.errors import ExchangeError

DEMO = StaticCredentials(Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET))


@pytest.fixture
def running() -> Iterator[RunningBinanceSimulator]:
    with BinanceSimulator.seed().serve(control=True) as server:
        yield server


def _accounts(url: str) -> list[AccountConfig]:
    keyless = EnvCredentials("FOLIO_TEST_UNSET_BINANCE_KEY_7C", "FOLIO_TEST_UNSET_BINANCE_SEC_7C")
    return [
        AccountConfig("main", "binance", DEMO, base_url=url),
        AccountConfig("keyless", "binance", keyless, base_url=url),
    ]


@pytest.mark.anyio
async def test_two_accounts_one_ticker_read_and_the_holdings_valued_in_usdt(
    running: RunningBinanceSimulator,
) -> None:
    async with Folio(_accounts(running.url)) as folio:
        main, keyless = await asyncio.gather(folio.price_book("main"), folio.price_book("keyless"))
        cash = await folio.balances("main")
        risk = await folio.risk("main")

    assert main is keyless  # one read for both, and the keyless account needs no keys
    assert running.stats().count("ticker/price") == 1
    assert sorted(str(pair) for pair in main.prices) == ["BNB/BTC", "BTC/USDT", "ETH/BTC"]
    assert main.get(Pair("BTC", "USDT")).value == Decimal("64000.00000000")  # type: ignore[union-attr]

    btc = value_in("BTC", cash["BTC"].net, "USDT", main)
    assert btc.value == Decimal("4723846.89208129") * Decimal("64000.00000000")
    assert btc.value == Decimal("302326201093.2025600000000000")
    assert (btc.path_text, btc.exact) == ("BTC/USDT", True)
    ltc = value_in("LTC", cash["LTC"].net, "USDT", main)
    assert ltc.value is None
    assert ltc.reason == "no LTC/USDT, USDT/LTC or bridge on binance"
    eth = value_in("ETH", Decimal("2.5"), "USDT", main)
    assert (eth.value, eth.path_text) == (Decimal("8320.0000000000000000"), "ETH/BTC x BTC/USDT")
    usdt = value_in("USDT", Decimal("128000"), "BTC", main)
    assert (usdt.value, usdt.path_text, usdt.exact) == (Decimal(2), "BTC/USDT inverted", True)

    # Binance's risk is in BTC; shown in USDT with the same book
    assert risk.quote_asset == "BTC"
    shown = value_risk(risk, "USDT", main)
    assert shown.equity.value == Decimal("6.24095242") * 64000
    assert shown.equity.value == Decimal("399420.9548800000000000")
    assert shown.total_value.value == Decimal("436946.2124800000000000")
    assert shown.debt.value == Decimal("37525.2576000000000000")


@pytest.mark.anyio
async def test_a_refused_ticker_read_names_each_callers_account_and_the_endpoint(
    running: RunningBinanceSimulator,
) -> None:
    running.faults.add(Fault.json_error(-1121, "Invalid symbol.", route="ticker/price"))
    async with Folio(_accounts(running.url)) as folio:
        errors = await asyncio.gather(
            folio.price_book("main"), folio.price_book("keyless"), return_exceptions=True
        )
    assert running.stats().count("ticker/price") == 1
    for error, name in zip(errors, ["main", "keyless"], strict=True):
        assert isinstance(error, ExchangeError)
        assert (error.exchange, error.account, error.endpoint) == (
            "binance", name, "GET ticker/price"
        )
        assert "-1121" in str(error)
        assert DEMO_API_KEY not in str(error)
