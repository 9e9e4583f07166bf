"""What the simulator answers: the samples byte for byte, computed totals, filters, the time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from importlib import resources

import pytest

from adapters.binance.simulator import (
    AccountsError,
    BinanceSimulator,
    FixedTotals,
    MarginRow,
    PricedTotals,
    RunningBinanceSimulator,
    SimAccount,
    SpotRow,
    seed_bytes,
)
from adapters.binance.simulator.futures import (
    AssetIndex,
    FuturesPosition,
    FuturesRow,
    SimFutures,
)
from adapters.binance.simulator.payloads import eight_places, margin_totals
from tests.binance_simulator.helpers import FrozenClock, call

KEY = "P" * 64
SECRET = "priced-secret"
PRICED = SimAccount(
    KEY, SECRET,
    spot=[SpotRow("BTC", "0.50000000", "0.25000000"), SpotRow("DOGE", "0.00000000"),
          SpotRow("ETH", "0", "0.1")],
    margin=[
        MarginRow("BTC", "1.00000000"),
        MarginRow("ETH", "10.00000000", "2.00000000", "4.00000000", "0.01000000"),
        MarginRow("USDT", "0.00000000", borrowed="1000.00000000"),
    ],
    totals=PricedTotals({"ETH": "0.05", "USDT": "0.00001"}),
    account_type="MARGIN_2",
    uid=7,
)


def _docs_file(name: str) -> bytes:
    return (resources.files("adapters.binance.simulator") / "data" / name).read_bytes()


@pytest.fixture
def priced_server(clock: FrozenClock) -> Iterator[RunningBinanceSimulator]:
    with BinanceSimulator([PRICED], clock).serve() as running:
        yield running


@pytest.mark.parametrize(
    ("path", "params", "route", "file"),
    [
        ("/api/v3/account", {"omitZeroBalances": "true"}, "account", "seed_account.json"),
        ("/api/v3/account", {}, "account", "seed_account.json"),
        ("/sapi/v1/margin/account", {}, "margin/account", "seed_margin_account.json"),
    ],
    ids=["spot-omit-zero", "spot-all", "margin"],
)
def test_the_seed_serves_the_documentation_samples_byte_for_byte(
    seed_server: RunningBinanceSimulator, path: str, params: dict[str, str], route: str,
    file: str,
) -> None:
    answer = call(seed_server.port, path, params)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.body == seed_bytes(route) == _docs_file(file)


def test_the_samples_hold_the_documented_values() -> None:
    margin = json.loads(seed_bytes("margin/account"))
    assert (margin["marginLevel"], margin["totalAssetOfBtc"], margin["accountType"]) == (
        "11.64405625", "6.82728457", "MARGIN_1"
    )
    assert [row["asset"] for row in margin["userAssets"]] == ["BTC", "BNB", "ETH", "USDT"]
    spot = json.loads(seed_bytes("account"))
    assert [(b["asset"], b["free"]) for b in spot["balances"]] == [
        ("BTC", "4723846.89208129"), ("LTC", "4763368.68006011")
    ]


def test_omit_zero_balances_filters_the_spot_rows(priced_server: RunningBinanceSimulator) -> None:
    def assets(params: dict[str, str]) -> list[tuple[str, str, str]]:
        body = call(priced_server.port, "/api/v3/account", params, key=KEY,
                    sign_with=SECRET).json()
        return [(b["asset"], b["free"], b["locked"]) for b in body["balances"]]

    everything = [("BTC", "0.50000000", "0.25000000"), ("DOGE", "0.00000000", "0.00000000"),
                  ("ETH", "0", "0.1")]
    assert assets({}) == everything
    assert assets({"omitZeroBalances": "false"}) == everything
    assert assets({"omitZeroBalances": "true"}) == [everything[0], everything[2]]


def test_priced_margin_totals_are_computed_from_the_rows(
    priced_server: RunningBinanceSimulator,
) -> None:
    body = call(priced_server.port, "/sapi/v1/margin/account", key=KEY, sign_with=SECRET).json()
    # assets: 1 BTC + 12 ETH * 0.05 = 1.6; liability: 4.01 ETH * 0.05 + 1000 USDT * 0.00001
    assert body["totalAssetOfBtc"] == "1.60000000"
    assert body["totalLiabilityOfBtc"] == "0.21050000"
    assert body["totalNetAssetOfBtc"] == "1.38950000"
    assert body["marginLevel"] == "7.60095012"  # 1.6 / 0.2105, 8 places
    assert body["accountType"] == "MARGIN_2"
    rows = {row["asset"]: row for row in body["userAssets"]}
    assert rows["ETH"] == {"asset": "ETH", "borrowed": "4.00000000", "free": "10.00000000",
                           "interest": "0.01000000", "locked": "2.00000000",
                           "netAsset": "7.99000000"}
    assert rows["USDT"]["netAsset"] == "-1000.00000000"


def test_an_account_without_debt_has_the_sentinel_margin_level() -> None:
    account = SimAccount(KEY, SECRET, margin=[MarginRow("BTC", "2.00000000")])
    assert margin_totals(account) == {
        "marginLevel": "999.00000000", "totalAssetOfBtc": "2.00000000",
        "totalLiabilityOfBtc": "0.00000000", "totalNetAssetOfBtc": "2.00000000",
    }


def test_fixed_totals_and_a_configured_net_asset_are_served_as_given(
    clock: FrozenClock,
) -> None:
    account = SimAccount(
        KEY, SECRET, margin=[MarginRow("BTC", "1.00000000", net_asset="5.00000000")],
        totals=FixedTotals("2", "1.00000000", "0.50000000", "0.40000000"),
    )
    with BinanceSimulator([account], clock).serve() as running:
        body = call(running.port, "/sapi/v1/margin/account", key=KEY, sign_with=SECRET).json()
    assert body["userAssets"][0]["netAsset"] == "5.00000000"
    assert (body["marginLevel"], body["totalNetAssetOfBtc"]) == ("2", "0.40000000")


def test_server_time_is_public_and_reads_the_server_clock(
    seed_server: RunningBinanceSimulator, clock: FrozenClock
) -> None:
    clock.now_ms += 123
    answer = call(seed_server.port, "/api/v3/time", key=None, sign_with=None, timestamp=None)
    assert (answer.status, answer.json()) == (200, {"serverTime": clock.now_ms})


def test_unknown_paths_and_methods(seed_server: RunningBinanceSimulator) -> None:
    assert call(seed_server.port, "/api/v3/order").status == 404
    answer = call(seed_server.port, "/api/v3/account", method="DELETE")
    assert answer.status == 405
    assert answer.headers["allow"] == "GET"


def test_eight_places_rounds_half_even() -> None:
    assert eight_places(Decimal("0.000000005")) == "0.00000000"
    assert eight_places(Decimal("0.000000015")) == "0.00000002"
    assert eight_places(Decimal(-1000)) == "-1000.00000000"


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (lambda: SimAccount("", "s"), "non-empty api_key"),
        (lambda: SpotRow("BTC", "1,5"), "decimal string"),
        (lambda: MarginRow("BTC", "1", borrowed="x"), "margin BTC borrowed"),
        (lambda: SimAccount(KEY, SECRET, spot=[SpotRow("A", "1"), SpotRow("A", "2")]),
         "listed twice"),
        (lambda: SimAccount(KEY, SECRET, margin=[MarginRow("XRP", "1")]), "price for XRP"),
        (lambda: PricedTotals({"ETH": "cheap"}), "BTC price of ETH"),
        (lambda: BinanceSimulator([]), "at least one account"),
        (lambda: BinanceSimulator([PRICED, PRICED]), "share an api_key"),
    ],
    ids=["empty-key", "comma-amount", "bad-borrowed", "duplicate-asset", "unpriced-asset",
         "bad-price", "no-accounts", "duplicate-key"],
)
def test_invalid_configuration_is_refused(build: object, says: str) -> None:
    with pytest.raises(AccountsError, match=says):
        build()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (lambda: FuturesRow("USDT", "1e3"), "futures USDT wallet_balance: amount must be"),
        (lambda: FuturesRow("USDT", "1", maint_margin="NaN"), "futures USDT maint_margin"),
        (lambda: FuturesPosition("BTCUSDT", "0.1", "six"), "futures position BTCUSDT notional"),
        (lambda: AssetIndex("BTC", "64000", ask_buffer="5%"), "BTC ask_buffer: amount must be"),
        (lambda: AssetIndex("BTC", "0"), "BTC's index must be above 0"),
        (lambda: AssetIndex("BTC", "1", bid_buffer="1"), "bid_buffer must be from 0 to below 1"),
        (lambda: SimFutures(rows=[FuturesRow("USDT", "100", maint_margin="5")], positions=[
            FuturesPosition("BTCUSDT", "1", "80", maint_margin="2", isolated_wallet="10")]),
         "USDT maint_margin 5 is not its positions' sum 2"),
        (lambda: SimFutures(rows=[FuturesRow("USDT", "100", "-1")], positions=[
            FuturesPosition("BTCUSDT", "1", "80", "-2")]),
         "USDT unrealized_profit -1 is not its positions' sum -2"),
        (lambda: SimFutures(rows=[FuturesRow("USDT", "100")], positions=[
            FuturesPosition("BTCUSDC", "1", "80", margin_asset="USDC")]),
         "without a row: BTCUSDC"),
    ],
    ids=["exponent", "nan", "position", "percent-buffer", "zero-index", "whole-buffer",
         "row-maint", "row-pnl", "no-row"],
)
def test_invalid_futures_definitions_are_refused(build: object, says: str) -> None:
    """A futures amount is checked like every simulator's (adapters/simkit/amounts.py)."""
    with pytest.raises(ValueError, match=says):
        build()  # type: ignore[operator]
