"""The demo account (adapters/binance/simulator/demo.py): modest, wholly priced, consistent.

It is what the plugin's simulator serves (``folio demo``), so it is checked over a real socket
with the documented signing algorithm (tests/binance_simulator/helpers.py), like the seed:
the same key and secret, the same signature and timestamp checks, and margin totals that the
tickers reproduce. Expected figures are worked out by hand from the rows in demo.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from adapters.binance.simulator import (
    DEMO_API_KEY,
    DEMO_MARKETS,
    AccountsError,
    BinanceSimulator,
    RunningBinanceSimulator,
    demo_account,
)
from adapters.binance.simulator.demo import btc_prices
from adapters.binance.simulator.markets import Market
from tests.binance_simulator.helpers import DOC_TIME, FrozenClock, call

ACCOUNT = "/api/v3/account"
MARGIN = "/sapi/v1/margin/account"


@pytest.fixture
def demo_server() -> Iterator[RunningBinanceSimulator]:
    with BinanceSimulator.demo(clock=FrozenClock()).serve() as running:
        yield running


def test_the_spot_wallet_is_a_modest_one_with_the_documented_key(
    demo_server: RunningBinanceSimulator,
) -> None:
    answer = call(demo_server.port, ACCOUNT, {"omitZeroBalances": "true"})
    assert answer.status == 200
    assert [(r["asset"], r["free"], r["locked"]) for r in answer.json()["balances"]] == [
        ("BTC", "0.41250000", "0.00000000"),
        ("LTC", "12.50000000", "0.00000000"),
        ("ETH", "2.65000000", "0.50000000"),
        ("BNB", "25.40000000", "0.00000000"),
        ("USDT", "1843.27000000", "0.00000000"),
    ]
    assert demo_server.used_weight("account") == 20


def test_the_margin_totals_are_the_rows_valued_at_the_tickers(
    demo_server: RunningBinanceSimulator,
) -> None:
    margin = call(demo_server.port, MARGIN).json()
    rows = {r["asset"]: r for r in margin["userAssets"]}
    assert rows["USDT"]["netAsset"] == "-1250.42000000"
    assert rows["ETH"]["netAsset"] == "0.00000000"  # listed; omitZeroBalances is folio's side
    # 0.06 BTC + 250 USDT at 1/64000 (BTCUSDT inverted); 1500.42 USDT owed
    assert margin["totalAssetOfBtc"] == "0.06390625"
    assert margin["totalLiabilityOfBtc"] == "0.02344406"  # 0.0234440625, half-even
    assert margin["totalNetAssetOfBtc"] == "0.04046219"  # 0.0404621875, half-even
    assert margin["marginLevel"] == "2.72590341"  # 0.06390625 / 0.0234440625
    assert margin["accountType"] == "MARGIN_1"
    prices = {t["symbol"]: t["price"] for t in
              call(demo_server.port, "/api/v3/ticker/price", timestamp=None,
                   sign_with=None).json()}
    btc_usdt = Decimal(prices["BTCUSDT"])
    assert Decimal(margin["totalAssetOfBtc"]) == Decimal("0.06") + Decimal(250) / btc_usdt


def test_every_demo_holding_has_a_trading_market_to_btc(
    demo_server: RunningBinanceSimulator,
) -> None:
    listed = {s["symbol"]: s["status"] for s in call(
        demo_server.port, "/api/v3/exchangeInfo", timestamp=None, sign_with=None
    ).json()["symbols"]}
    assert listed == {"BTCUSDT": "TRADING", "BNBBTC": "TRADING", "ETHBTC": "TRADING",
                      "OLDBTC": "BREAK", "LTCBTC": "TRADING"}
    held = {row.asset for row in demo_account().spot} | {row.asset for row in
                                                          demo_account().margin}
    assert all(f"{a}BTC" in listed or f"BTC{a}" in listed for a in held - {"BTC"})


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"sign_with": "not-the-secret"}, 400, -1022),  # the signature is checked
        ({"timestamp": DOC_TIME - 5001}, 400, -1021),  # outside the default recvWindow
        ({"timestamp": DOC_TIME + 1000}, 400, -1021),  # a second ahead of the server
        ({"key": "Z" * 64}, 401, -2015),  # only the documented key is known
    ],
)
def test_signed_requests_are_checked_as_on_the_seed(
    demo_server: RunningBinanceSimulator, overrides: dict[str, object], status: int, code: int
) -> None:
    for path in (ACCOUNT, MARGIN):
        answer = call(demo_server.port, path, **overrides)  # type: ignore[arg-type]
        assert (answer.status, answer.json()["code"]) == (status, code), path


def test_the_seed_is_unchanged_by_the_demo() -> None:
    seed = BinanceSimulator.seed()
    assert [row.free for row in seed.accounts[0].spot] == ["4723846.89208129",
                                                           "4763368.68006011"]
    assert "LTCBTC" not in {market.symbol for market in seed.markets}
    assert BinanceSimulator.demo().account(DEMO_API_KEY).uid != seed.accounts[0].uid


def test_btc_prices_are_exact_or_refused() -> None:
    assert btc_prices(["BTC", "USDT", "LTC"], DEMO_MARKETS) == {"USDT": "0.000015625",
                                                                "LTC": "0.00130000"}
    with pytest.raises(AccountsError, match="no market prices XRP in BTC"):
        btc_prices(["XRP"], DEMO_MARKETS)
    with pytest.raises(AccountsError, match="no exact decimal"):
        btc_prices(["EUR"], [Market("BTC", "EUR", "3")])
    halted = [Market("OLD", "BTC", "0.00000100", status="BREAK")]
    with pytest.raises(AccountsError, match="OLD"):
        btc_prices(["OLD"], halted)
