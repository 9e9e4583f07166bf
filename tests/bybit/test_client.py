"""The adapter's clients against the Bybit simulator over loopback, and the converters' refusals.

Expected numbers are written out from the demo account's definition (adapters/bybit/simulator/
accounts.py) and Bybit's documented formulas, not read back from the simulator.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from httpx import Headers

from adapters.bybit import AsyncBybitClient, BybitOptions, BybitPrices
from adapters.bybit.convert import balance_snapshot, margin_risk, structure
from adapters.bybit.responses import read_result
from adapters.bybit.simulator import BybitSimulator, Coin, Fault, SimAccount
from adapters.bybit.wire import AccountInfo, WalletBalance
from framework.errors import (
    AccountStateError,
    AuthenticationError,
    BannedError,
    ClockSkewError,
    ExchangeError,
    InvalidResponseError,
    RateLimitedError,
)
from framework.models import HealthMetric, HealthState, WalletKind
from framework.prices import Pair
from tests.bybit.conftest import DEMO, ONE_ATTEMPT

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
async def connect() -> AsyncIterator[Callable[..., AsyncBybitClient]]:
    made: list[AsyncBybitClient] = []

    def make(url: str, credentials: Any = DEMO, **options: Any) -> AsyncBybitClient:
        client = AsyncBybitClient(credentials, base_url=url, account="main", http=ONE_ATTEMPT,
                                  options=BybitOptions.from_mapping(options))
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


async def test_demo_balances(bybit_simulator: Any, connect: Any) -> None:
    snapshot = await connect(bybit_simulator.url).fetch_balances(WalletKind.CASH)
    rows = {row.asset: row for row in snapshot}
    assert list(rows) == ["BTC", "ETH", "SOL", "USDT", "USDC"]
    assert (rows["ETH"].total, rows["ETH"].available, rows["ETH"].locked) == (
        Decimal("4.2"), Decimal("3.7"), Decimal("0.5"))
    usdt = rows["USDT"]  # a perpetual 182.5 down: its own field, not in the ledger
    assert (usdt.total, usdt.unrealized_pnl, usdt.net, usdt.equity) == (
        Decimal(8000), Decimal("-182.5"), Decimal(8000), Decimal("7817.5"))
    # its position holds 965.2 USDT of initial margin (totalPositionIM): not available
    assert (usdt.available, usdt.locked) == (Decimal("6852.3"), Decimal("965.2"))
    usdc = rows["USDC"]  # 2,500 borrowed on spot margin and held
    assert (usdc.total, usdc.borrowed, usdc.interest, usdc.net) == (
        Decimal(3000), Decimal(2500), Decimal("1.84"), Decimal("498.16"))


async def test_demo_risk(bybit_simulator: Any, connect: Any) -> None:
    risk = await connect(bybit_simulator.url).fetch_margin_risk(WalletKind.CASH)
    # equity: 0.35*64012.35 + 4.2*3151.1 + 120*142.41 + 7817.5 + 500*0.99985
    assert risk.equity == Decimal("61045.5675")
    assert (risk.quote_asset, risk.wallet) == ("USD", WalletKind.CASH)
    assert (risk.unrealized_pnl, risk.maintenance_margin) == (Decimal("-182.5"), Decimal("96.5"))
    assert risk.borrowed_value == 0  # what USDC owes is held in USDC
    assert risk.total_value == Decimal("61228.0675")
    assert risk.health.metric is HealthMetric.MAINTENANCE_MARGIN_RATE
    assert (risk.health.state, risk.health.value, risk.health.liquidation_threshold) == (
        HealthState.OK, Decimal("0.0015"), Decimal(1))


async def test_a_skewed_clock_is_corrected_once(bybit_simulator: Any, connect: Any) -> None:
    bybit_simulator.set_clock_offset_ms(-30_000)  # our timestamps are 30 s ahead: 10002
    client = connect(bybit_simulator.url)
    assert (await client.fetch_balances(WalletKind.CASH)).assets[0] == "BTC"
    assert -31_000 < client.clock_offset_ms < -29_000
    assert bybit_simulator.stats().count("market/time") == 1


async def test_no_clock_sync_leaves_the_skew_error(bybit_simulator: Any, connect: Any) -> None:
    bybit_simulator.set_clock_offset_ms(-30_000)
    with pytest.raises(ClockSkewError) as caught:
        await connect(bybit_simulator.url, sync_clock=False).fetch_balances(WalletKind.CASH)
    assert caught.value.code == 10002


async def test_errors_are_located_and_hold_no_secret(bybit_simulator: Any, connect: Any) -> None:
    wrong = type(DEMO).from_strings(DEMO.api_key.reveal(), "WRONGSECRETWRONGSECRET")
    with pytest.raises(AuthenticationError) as caught:
        await connect(bybit_simulator.url, wrong).fetch_balances(WalletKind.CASH)
    error = caught.value
    assert (error.exchange, error.account, error.endpoint, error.code) == (
        "bybit", "main", "GET account/wallet-balance", 10004)
    everything = "".join(traceback.format_exception(error)) + repr(vars(error))
    assert "WRONGSECRETWRONGSECRET" not in everything


async def test_throttling_with_its_reset_time(bybit_simulator: Any, connect: Any) -> None:
    bybit_simulator.faults.add(Fault.json_error(10006, "Too many visits!", times=1))
    with pytest.raises(RateLimitedError):
        await connect(bybit_simulator.url).fetch_balances(WalletKind.CASH)
    bybit_simulator.faults.add(Fault.http_status(403, times=1))
    with pytest.raises(RateLimitedError) as banned:
        await connect(bybit_simulator.url).fetch_balances(WalletKind.CASH)
    assert isinstance(banned.value, BannedError)  # never retried (framework/retry.py)


async def test_modes(bybit_simulator_factory: Any, connect: Any) -> None:
    classic = SimAccount("CLASSICACCOUNTKEY", "classic-secret-1", unified_margin_status=1)
    isolated = SimAccount("ISOLATEDACCOUNTKEY", "isolated-secret-1", margin_mode="ISOLATED_MARGIN",
                          coins=[Coin("USDT", "10")])
    sim = bybit_simulator_factory(BybitSimulator([classic, isolated]))
    creds = type(DEMO).from_strings
    classic_client = connect(sim.url, creds("CLASSICACCOUNTKEY", "classic-secret-1"))
    # Both say what the account is and what to do about it.
    with pytest.raises(AccountStateError, match=r"a classic account, .*\(upgrade it to Bybit's "
                       r"unified trading account\)"):
        await classic_client.fetch_balances(WalletKind.CASH)
    with pytest.raises(AccountStateError, match=r"unifiedMarginStatus 1: a classic account; .*"
                       r"\(upgrade it on Bybit\)"):
        await classic_client.fetch_margin_risk()
    client = connect(sim.url, creds("ISOLATEDACCOUNTKEY", "isolated-secret-1"))
    assert (await client.fetch_balances(WalletKind.CASH))["USDT"].total == 10
    with pytest.raises(AccountStateError, match="isolated"):
        await client.fetch_margin_risk()


async def test_prices(bybit_simulator: Any) -> None:
    async with BybitPrices(base_url=bybit_simulator.url, http=ONE_ATTEMPT) as prices:
        one = await prices.fetch_prices([Pair("BTC", "USDT"), Pair("XRP", "USDT")])
        assert [(str(p.pair), p.value) for p in one] == [("BTC/USDT", Decimal("64000.5"))]
        every = {str(p.pair) for p in await prices.fetch_prices()}
    assert every == {"BTC/USDT", "ETH/USDT", "SOL/USDT", "USDC/USDT", "ETH/BTC"}  # OLD closed


# -- converters, on answers Bybit has been seen to send ----------------------------------------

def _wallet(coins: list[dict[str, Any]], **account: str) -> WalletBalance:
    block = {"accountType": "UNIFIED", "totalEquity": "100", "totalWalletBalance": "100",
             "totalMarginBalance": "100", "totalAvailableBalance": "100", "totalPerpUPL": "0",
             "totalInitialMargin": "0", "totalMaintenanceMargin": "0", "accountIMRate": "0",
             "accountMMRate": "0", "coin": coins, **account}
    parsed: WalletBalance = structure(json.loads(json.dumps({"list": [block]})), WalletBalance)
    return parsed


def _coin(**fields: str) -> dict[str, str]:
    return {"coin": "USDT", "walletBalance": "0", "borrowAmount": "0", "locked": "0",
            "accruedInterest": "", "unrealisedPnl": "0", **fields}


def test_a_derivatives_loss_is_a_debt_of_a_row_holding_nothing() -> None:
    # A real 2023 testnet row: equity -115.39953325, borrowAmount with 18 decimals.
    wallet = _wallet([_coin(walletBalance="-115.39953325", equity="-115.39953325",
                            usdValue="-115.4", borrowAmount="115.399533250000000000",
                            accruedInterest="0.00056415")])
    row = balance_snapshot(wallet, account_name="a", fetched_at=NOW)["USDT"]
    assert (row.total, row.available) == (Decimal(0), Decimal(0))
    assert row.borrowed == Decimal("115.399533250000000000")
    assert row.net == Decimal("-115.39953325") - Decimal("0.00056415")


@pytest.mark.parametrize(("fields", "where"), [
    ({"spotBorrow": "2", "borrowAmount": "1", "walletBalance": "5"}, "spotBorrow"),
    ({"walletBalance": "-5", "borrowAmount": "1"}, "walletBalance"),
    ({"walletBalance": "5", "locked": "6"}, "locked"),
    ({"walletBalance": "5", "borrowAmount": "-1"}, "borrowAmount"),
    ({"walletBalance": ""}, "walletBalance"),
])
def test_rows_that_cannot_be_true_are_refused(fields: dict[str, str], where: str) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        balance_snapshot(_wallet([_coin(**fields)]), account_name="a", fetched_at=NOW)
    assert caught.value.field == f"$.result.list[0].coin[0].{where}"


def test_an_empty_ratio_in_cross_margin_is_refused() -> None:
    info = AccountInfo(5, "REGULAR_MARGIN")
    with pytest.raises(InvalidResponseError) as caught:
        margin_risk(info, _wallet([], accountMMRate=""), account_name="a", fetched_at=NOW)
    assert caught.value.field == "$.result.list[0].accountMMRate"


def test_net_liability_is_valued_at_the_coins_usd_price() -> None:
    wallet = _wallet([
        _coin(coin="BTC", walletBalance="1", equity="1", usdValue="60000"),
        _coin(walletBalance="-100", equity="-100", usdValue="-99.9", borrowAmount="100",
              accruedInterest="1"),
    ], totalEquity="59900.1", totalMaintenanceMargin="50", accountMMRate="0.0008")
    risk = margin_risk(AccountInfo(6, "PORTFOLIO_MARGIN"), wallet, account_name="a",
                       fetched_at=NOW)
    assert risk.borrowed_value == Decimal("100.899")  # 101 owed at 0.999
    assert risk.equity == risk.total_value + (risk.unrealized_pnl or 0) - risk.borrowed_value
    assert risk.health.state is HealthState.OK


def test_unknown_retcodes_keep_their_code() -> None:
    body = b'{"retCode":77777,"retMsg":"something new","result":{},"time":1}'
    with pytest.raises(ExchangeError) as caught:
        read_result(200, Headers({"content-type": "application/json"}), body,
                    structure=structure)
    assert (type(caught.value), caught.value.code) == (ExchangeError, 77777)


# -- review of issue #12: meanings the first version got wrong ---------------------------------

def test_the_margin_of_a_coins_orders_and_positions_is_not_available() -> None:
    wallet = _wallet([_coin(walletBalance="1000", locked="100", totalOrderIM="50.5",
                            totalPositionIM="200.25", unrealisedPnl="-10")])
    row = balance_snapshot(wallet, account_name="a", fetched_at=NOW)["USDT"]
    assert (row.available, row.locked) == (Decimal("639.25"), Decimal("350.75"))
    held = _wallet([_coin(walletBalance="100", totalPositionIM="150", unrealisedPnl="-20")])
    row = balance_snapshot(held, account_name="a", fetched_at=NOW)["USDT"]
    assert (row.available, row.locked) == (Decimal(0), Decimal(80))  # never below zero


def test_a_loss_beyond_a_coins_holding_is_read_as_holding_nothing() -> None:
    # USDT holds 100 and its perpetual is 150 down, carried by the BTC collateral: USDT holds
    # nothing usable (available 0, locked 0, not -50) and its equity is -50; the risk is read.
    wallet = _wallet([_coin(coin="BTC", walletBalance="1", equity="1", usdValue="60000"),
                      _coin(walletBalance="100", equity="-50", usdValue="-50", locked="10",
                            totalPositionIM="20", unrealisedPnl="-150")],
                     totalEquity="59950", totalPerpUPL="-150", totalMarginBalance="59950",
                     totalMaintenanceMargin="30", accountMMRate="0.0005")
    row = balance_snapshot(wallet, account_name="a", fetched_at=NOW)["USDT"]
    assert (row.total, row.available, row.locked) == (Decimal(100), Decimal(0), Decimal(0))
    assert (row.unrealized_pnl, row.net, row.equity) == (Decimal(-150), Decimal(100),
                                                         Decimal(-50))
    risk = margin_risk(AccountInfo(5, "REGULAR_MARGIN"), wallet, account_name="a",
                       fetched_at=NOW)
    assert (risk.health.state, risk.equity, risk.total_value) == (
        HealthState.OK, Decimal(59950), Decimal(60100))


def test_a_negative_rate_of_an_insolvent_account_reads_insolvent() -> None:
    # The margin balance below zero: Bybit documents no rate for it; a negative one (MM over
    # a negative base) must not refuse the answer that matters most.
    wallet = _wallet([_coin(coin="BTC", walletBalance="0.001", equity="0.001", usdValue="100"),
                      _coin(walletBalance="-105", equity="-105", usdValue="-105",
                            borrowAmount="105")],
                     totalEquity="-5", totalMarginBalance="-5", totalMaintenanceMargin="30",
                     accountMMRate="-6")
    risk = margin_risk(AccountInfo(5, "REGULAR_MARGIN"), wallet, account_name="a",
                       fetched_at=NOW)
    assert (risk.health.state, risk.borrowed_value, risk.total_value) == (
        HealthState.INSOLVENT, Decimal(105), Decimal(100))


@pytest.mark.parametrize(("balance", "rate"), [("-10", "0.5"), ("0", "0"), ("10", "-0.5")])
def test_a_rate_that_reads_safe_without_margin_balance_is_refused(
    balance: str, rate: str,
) -> None:
    # Option value can keep totalEquity positive while the margin balance the rate is taken
    # over is gone: that account is being liquidated, never "ok".
    wallet = _wallet([_coin(coin="BTC", walletBalance="1", equity="1", usdValue="60000")],
                     totalEquity="100", totalMarginBalance=balance,
                     totalMaintenanceMargin="30", accountMMRate=rate)
    with pytest.raises(InvalidResponseError) as caught:
        margin_risk(AccountInfo(5, "REGULAR_MARGIN"), wallet, account_name="a", fetched_at=NOW)
    assert caught.value.field == "$.result.list[0].accountMMRate"


def test_a_rate_at_liquidation_without_margin_balance_is_at_risk() -> None:
    wallet = _wallet([_coin(coin="BTC", walletBalance="1", equity="1", usdValue="60000")],
                     totalEquity="100", totalMarginBalance="-10", totalMaintenanceMargin="30",
                     accountMMRate="1")
    risk = margin_risk(AccountInfo(5, "REGULAR_MARGIN"), wallet, account_name="a",
                       fetched_at=NOW)
    assert risk.health.state is HealthState.AT_RISK


async def test_a_mode_without_one_risk_pool_is_refused_at_account_info(
    bybit_simulator_factory: Any, connect: Any,
) -> None:
    isolated = SimAccount("ISOLATEDACCOUNTKEY", "isolated-secret-1", margin_mode="ISOLATED_MARGIN",
                          coins=[Coin("USDT", "10")])
    sim = bybit_simulator_factory(BybitSimulator([isolated]))
    client = connect(sim.url, type(DEMO).from_strings("ISOLATEDACCOUNTKEY", "isolated-secret-1"))
    with pytest.raises(AccountStateError) as caught:
        await client.fetch_margin_risk()
    assert (caught.value.account, caught.value.endpoint) == ("main", "GET account/info")
    assert "$.result.marginMode 'ISOLATED_MARGIN'" in str(caught.value)
    assert sim.stats().count("account/wallet-balance") == 0  # no read after the refusal


async def test_no_object_of_a_client_holds_the_key(bybit_simulator: Any, connect: Any) -> None:
    client = connect(bybit_simulator.url)
    await client.fetch_margin_risk()
    held = repr(vars(client.limiters)) + repr(client) + repr(client.protocol)
    assert DEMO.api_key.reveal() not in held


def test_an_envelope_field_is_named_at_the_root() -> None:
    body = b'{"retCode":"0","retMsg":"OK","result":{}}'
    with pytest.raises(InvalidResponseError) as caught:
        read_result(200, Headers({"content-type": "application/json"}), body,
                    structure=structure)
    assert caught.value.field == "$.retCode"


async def test_no_credential_in_debug_logs_or_errors(
    bybit_simulator: Any, connect: Any, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = connect(bybit_simulator.url)
    await client.fetch_margin_risk()
    bybit_simulator.set_clock_offset_ms(-30_000)  # a 10002, then a corrected, re-signed read
    await client.fetch_balances(WalletKind.CASH)
    wrong = type(DEMO).from_strings(DEMO.api_key.reveal(), "WRONGSECRETWRONGSECRET")
    with pytest.raises(AuthenticationError) as caught:
        await connect(bybit_simulator.url, wrong).fetch_balances(WalletKind.CASH)
    seen = caplog.text + "".join(traceback.format_exception(caught.value)) + repr(
        vars(caught.value)) + repr(vars(client.protocol)) + repr(client.protocol._auth)
    assert caplog.records  # the reads were logged at all
    for secret in (DEMO.api_key.reveal(), DEMO.api_secret.reveal(), "WRONGSECRETWRONGSECRET"):
        assert secret not in seen


@pytest.mark.parametrize(("margin", "rate"), [("100", "0.5"), ("120", "0"), ("100", "0.9999")])
def test_a_rate_below_1_while_the_figures_are_at_liquidation_is_refused(
    margin: str, rate: str,
) -> None:
    # Maintenance margin at (or past) the margin balance and the equity is Bybit's liquidation
    # line (MM rate 100%) whichever base the rate is over: a rate below 1 there (stale, or in
    # another unit) would read "ok" for an account being liquidated.
    wallet = _wallet([_coin(coin="BTC", walletBalance="1", equity="1", usdValue="100")],
                     totalMaintenanceMargin=margin, accountMMRate=rate)
    for mode in ("REGULAR_MARGIN", "PORTFOLIO_MARGIN"):
        with pytest.raises(InvalidResponseError) as caught:
            margin_risk(AccountInfo(5, mode), wallet, account_name="a", fetched_at=NOW)
        assert caught.value.field == "$.result.list[0].accountMMRate"
    at_line = _wallet([_coin(coin="BTC", walletBalance="1", equity="1", usdValue="100")],
                      totalMaintenanceMargin=margin, accountMMRate="1")
    risk = margin_risk(AccountInfo(5, "REGULAR_MARGIN"), at_line, account_name="a",
                       fetched_at=NOW)
    assert risk.health.state is HealthState.AT_RISK  # exactly 100%: liquidation, as Bybit
