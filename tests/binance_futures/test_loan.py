"""A Multi-Assets loan over loopback: valued in USD with ``GET /fapi/v1/assetIndex``.

The simulator's accounts below net a negative USDT wallet balance against BTC collateral in
their USD totals the way Binance's "How to Calculate Margin Ratio in the Multi-Assets Mode?"
does (a positive amount at its bid rate, a negative one at its ask rate), with that FAQ's
USDTUSD rates (index 0.99, bid buffer 0.01, ask buffer 0.005). folio reads the index only
when something is owed, values the loan at its ask rate, and keeps the model's identity
(docs/exchanges/binance.md, "A loan in Multi-Assets mode").
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.binance.simulator import BinanceSimulator, Fault, RunningBinanceSimulator
from adapters.binance.simulator.accounts import SimAccount
from adapters.binance.simulator.futures import (
    AssetIndex,
    FuturesPosition,
    FuturesRow,
    SimFutures,
)
from adapters.binance_futures import AsyncBinanceFuturesClient
from framework.credentials import Credentials
from framework.errors import InvalidResponseError
from framework.models import HealthMetric, HealthState
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings
from tests.binance_simulator.helpers import call

ONE_ATTEMPT = HttpSettings(retry=NO_RETRIES)
USDT = AssetIndex("USDT", "0.99", bid_buffer="0.01", ask_buffer="0.005")
BTC = AssetIndex("BTC", "64000", bid_buffer="0.05", ask_buffer="0.05")
USDC = AssetIndex("USDC", "1", bid_buffer="0.0001", ask_buffer="0.0001")

# Owes 500 USDT, holds 0.01 BTC, one BTCUSDT position 100 USDT down needing 12 USDT.
ONE_LOAN = SimFutures(
    multi_assets=True, asset_index=[USDT, BTC],
    rows=[FuturesRow("USDT", "-500.00000000", "-100.00000000", maint_margin="12.00000000",
                     position_initial_margin="60.00000000"),
          FuturesRow("BTC", "0.01000000")],
    positions=[FuturesPosition("BTCUSDT", "0.100", "6000.00000000", "-100.00000000",
                               maint_margin="12.00000000", initial_margin="60.00000000")],
)
TWO_LOANS = SimFutures(  # owes USDT and USDC, no position
    multi_assets=True, asset_index=[USDT, USDC, BTC],
    rows=[FuturesRow("USDT", "-100.00000000"), FuturesRow("USDC", "-50.00000000"),
          FuturesRow("BTC", "0.01000000")],
)
NO_LOAN = SimFutures(multi_assets=True, asset_index=[USDT],
                     rows=[FuturesRow("USDT", "1000.00000000")])
ACCOUNTS = {name: SimAccount(name.encode().hex() * 8, f"{name}-secret", futures=futures)
            for name, futures in (
    ("loan", ONE_LOAN), ("twos", TWO_LOANS), ("none", NO_LOAN))}


def _client(running: RunningBinanceSimulator, name: str) -> AsyncBinanceFuturesClient:
    """A futures client of account ``name`` on ``running``, one attempt a request."""
    account = ACCOUNTS[name]
    return AsyncBinanceFuturesClient(
        Credentials.from_strings(account.api_key, account.api_secret), base_url=running.url,
        http=ONE_ATTEMPT)


@pytest.mark.anyio
async def test_a_loan_is_read_in_usd_at_its_ask_rate_with_one_request_of_weight_1() -> None:
    with BinanceSimulator(ACCOUNTS.values()).serve() as running:
        async with _client(running, "loan") as client:
            usdt, btc = await client.fetch_balances()
            assert running.stats().count(route="futures/assetIndex") == 0  # balances need none
            risk = await client.fetch_margin_risk()
        weight = running.used_weight("futures/account")
        asked = running.stats().count(route="futures/assetIndex")
    assert (usdt.total, usdt.borrowed, usdt.unrealized_pnl, btc.total) == (
        Decimal(0), Decimal("500.00000000"), Decimal("-100.00000000"), Decimal("0.01000000"))
    # Served: totalWalletBalance 0.01 * 60800 - 500 * 0.99495 = 110.525, totalMarginBalance
    # 608 - 600 * 0.99495 = 11.03, totalMaintMargin 12 * 0.99495 = 11.9394.
    assert (risk.quote_asset, risk.total_value, risk.borrowed_value, risk.equity) == (
        "USD", Decimal("608.00000000"), Decimal("497.475"), Decimal("11.03000000"))
    assert risk.unrealized_pnl == Decimal("-99.49500000")
    assert risk.equity == risk.total_value + risk.unrealized_pnl - risk.borrowed_value
    assert risk.extras["ask_rate_USDTUSD"] == Decimal("0.99495")
    assert (risk.health.metric, risk.health.state, risk.maintenance_margin) == (
        HealthMetric.CUSHION, HealthState.AT_RISK, Decimal("11.93940000"))
    assert (weight, asked) == (5 + 5 + 5 + 5 + 1, 1)  # two reads of 10, one index symbol


@pytest.mark.anyio
async def test_several_loans_read_every_index_at_once() -> None:
    with BinanceSimulator(ACCOUNTS.values()).serve() as running:
        async with _client(running, "twos") as client:
            risk = await client.fetch_margin_risk()
        weight = running.used_weight("futures/account")
    # 100 * 0.99495 + 50 * 1.0001 owed; 0.01 * 60800 held; no position, so no cushion.
    assert (risk.total_value, risk.borrowed_value, risk.equity) == (
        Decimal("608.00000000"), Decimal("149.50000"), Decimal("458.50000000"))
    assert {k: v for k, v in risk.extras.items() if k.startswith("ask_rate")} == {
        "ask_rate_USDTUSD": Decimal("0.99495"), "ask_rate_USDCUSD": Decimal("1.0001")}
    assert (risk.health.metric, risk.health.state) == (
        HealthMetric.MARGIN_LEVEL, HealthState.UNRATED)
    assert risk.health.value == Decimal("4.066889632107023411371237458193980")  # 608 / 149.5
    assert weight == 5 + 5 + 10


@pytest.mark.anyio
async def test_without_a_loan_no_index_is_read() -> None:
    with BinanceSimulator(ACCOUNTS.values()).serve() as running:
        async with _client(running, "none") as client:
            risk = await client.fetch_margin_risk()
        assert running.stats().count(route="futures/assetIndex") == 0
    assert (risk.total_value, risk.borrowed_value, risk.health.state) == (
        Decimal("980.10000000"), Decimal(0), HealthState.NOT_APPLICABLE)  # 1000 * 0.9801


@pytest.mark.anyio
async def test_a_garbled_index_is_refused_naming_its_endpoint() -> None:
    with BinanceSimulator(ACCOUNTS.values()).serve() as running:
        running.faults.add(Fault.malformed_body('{"symbol":"USDTUSD","index":"0.99"}',
                                                route="futures/assetIndex"))
        async with _client(running, "loan") as client:
            with pytest.raises(InvalidResponseError) as caught:
                await client.fetch_margin_risk()
    error = caught.value
    assert (error.endpoint, error.field, error.account) == (
        "GET futures/assetIndex", "$.askRate", "default")


def test_the_simulator_serves_the_index_publicly_one_symbol_or_all() -> None:
    with BinanceSimulator(ACCOUNTS.values()).serve() as running:
        one, every, unknown = (
            call(running.port, "/fapi/v1/assetIndex", query, sign_with=None, key=None,
                 timestamp=None)
            for query in ({"symbol": "USDTUSD"}, None, {"symbol": "DOGEUSD"}))
    entry = one.json()
    assert (entry["symbol"], entry["index"], entry["bidRate"], entry["askRate"]) == (
        "USDTUSD", "0.99000000", "0.98010000", "0.99495000")
    for row in every.json():  # each rate its index with its buffer, as Binance documents
        index = Decimal(row["index"])
        assert Decimal(row["bidRate"]) == index * (1 - Decimal(row["bidBuffer"]))
        assert Decimal(row["askRate"]) == index * (1 + Decimal(row["askBuffer"]))
    assert [row["symbol"] for row in every.json()] == ["BTCUSD", "USDCUSD", "USDTUSD"]
    assert (one.headers["x-mbx-used-weight-1m"], every.headers["x-mbx-used-weight-1m"]) == (
        "1", "11")
    assert (unknown.status, unknown.json()["code"]) == (400, -1121)


def test_the_seed_serves_the_index_its_totals_use() -> None:
    with BinanceSimulator.seed().serve() as running:
        answer = call(running.port, "/fapi/v1/assetIndex", {"symbol": "USDTUSD"},
                      sign_with=None, key=None, timestamp=None)
    assert (answer.json()["index"], answer.json()["askRate"]) == ("1.00000000", "1.00000000")


def test_two_accounts_indexing_an_asset_differently_cannot_be_served() -> None:
    other = SimFutures(multi_assets=True, asset_index=[AssetIndex("USDT", "1")],
                       rows=[FuturesRow("USDT", "1.00000000")])
    simulator = BinanceSimulator([*ACCOUNTS.values(), SimAccount("6f" * 32, "o", futures=other)])
    with pytest.raises(ValueError, match="two accounts index USDT differently"):
        simulator.serve()
