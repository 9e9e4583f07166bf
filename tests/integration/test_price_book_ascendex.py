"""Folio.price_book and valuation against the AscendEX simulator, over loopback, through the plugin.

The seed tickers (adapters/ascendex/simulator/tickers.py) are the prices the sample's USDT
figures were made with, and list ETH only against BTC: valuing the margin wallet in USDT needs
a bridge and must give the exchange's own ``totalBalanceInUSDT`` exactly; the risk shown in BTC
needs an inverse.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET
from framework import Folio, WalletKind, value_in, value_risk
from framework.config import AccountConfig, EnvCredentials, StaticCredentials
from framework.credentials import Credentials
from framework.models import EXACT
from framework.providers import SimulatorHandle

DEMO = StaticCredentials(Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET))
ENDPOINT = "GET /api/pro/v1/spot/ticker"


def _accounts(url: str) -> list[AccountConfig]:
    keyless = EnvCredentials("FOLIO_TEST_UNSET_ASCENDEX_KEY_3D", "FOLIO_TEST_UNSET_ASCENDEX_S_3D")
    return [
        AccountConfig("main", "ascendex", DEMO, base_url=url),
        AccountConfig("keyless", "ascendex", keyless, base_url=url),
    ]


@pytest.mark.anyio
async def test_the_margin_wallet_valued_at_the_tickers_is_the_exchanges_own_usdt_total(
    ascendex_simulator: SimulatorHandle,
) -> None:
    async with Folio(_accounts(ascendex_simulator.url)) as folio:
        book, keyless = await asyncio.gather(
            folio.price_book("main"), folio.price_book("keyless")
        )
        margin = await folio.balances("main", WalletKind.MARGIN)
        cash = await folio.balances("main", WalletKind.CASH)
        risk = await folio.risk("main")

    assert book is keyless  # one read, and no keys needed
    assert {str(pair): price.value for pair, price in book.prices.items()} == {
        "BTC/USDT": Decimal(8000),
        "ETH/BTC": Decimal("0.040723859375"),
    }
    assert {price.source for price in book.prices.values()} == {ENDPOINT}

    valued = [value_in(row.asset, row.total, "USDT", book) for row in margin]
    assert [(v.asset, v.path_text, v.exact) for v in valued] == [
        ("USDT", "", True),
        ("ETH", "ETH/BTC x BTC/USDT", True),
    ]
    total = Decimal(0)
    for v in valued:
        assert v.value is not None
        total = EXACT.add(total, v.value)
    assert total == risk.total_value == Decimal("17715.8175")

    eth = value_in("ETH", cash["ETH"].total, "USDT", book)
    assert eth.value == Decimal("195.4745250000000")  # 0.6 x 0.040723859375 x 8000
    btc = value_in("BTC", cash["BTC"].total, "USDT", book)
    assert (btc.value, btc.path_text) == (Decimal("177046.9400000"), "BTC/USDT")

    in_btc = value_risk(risk, "BTC", book)
    assert in_btc.equity.value == Decimal("2.2144771875")  # 17715.8175 / 8000, exact
    assert (in_btc.equity.path_text, in_btc.equity.exact) == ("BTC/USDT inverted", True)
    assert in_btc.debt.value == 0
