"""What the futures answers mean: rows, modes, pools and refusals, field by field."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest

from adapters.binance_futures.convert import (
    ask_rates,
    futures_risk,
    futures_snapshot,
    loan_symbols,
    structure,
)
from adapters.binance_futures.wire import AccountConfig, FuturesAccount
from framework.errors import AccountStateError, InvalidResponseError
from framework.models import NOT_APPLICABLE, HealthMetric, HealthState, WalletKind

AT = datetime(2026, 1, 2, tzinfo=UTC)
SINGLE = AccountConfig(multi_assets_margin=False)
MULTI = AccountConfig(multi_assets_margin=True)


def _row(asset: str, wallet: str, pnl: str = "0", maint: str = "0", available: str | None = None,
         withdraw: str | None = None, *, cross: str | None = None,
         cross_pnl: str | None = None) -> dict[str, Any]:
    """One asset; its cross figures are its own (no isolated margin) unless given."""
    margin = str(Decimal(wallet) + Decimal(pnl))
    return {"asset": asset, "walletBalance": wallet, "unrealizedProfit": pnl,
            "marginBalance": margin, "maintMargin": maint,
            "availableBalance": available if available is not None else margin,
            "maxWithdrawAmount": withdraw if withdraw is not None else wallet,
            "crossWalletBalance": wallet if cross is None else cross,
            "crossUnPnl": pnl if cross_pnl is None else cross_pnl}


def _account(rows: list[dict[str, Any]], *, totals_of: str | None = "USDT",
             positions: tuple[dict[str, Any], ...] = (), **totals: str) -> FuturesAccount:
    """An answer; the totals are the ``totals_of`` row's (Single-Asset) unless given."""
    pool = next((r for r in rows if r["asset"] == totals_of), None)

    def of(key: str) -> str:
        return pool[key] if pool is not None else "0"

    document = {
        "totalInitialMargin": "0", "totalMaintMargin": of("maintMargin"),
        "totalWalletBalance": of("walletBalance"),
        "totalUnrealizedProfit": of("unrealizedProfit"),
        "totalMarginBalance": of("marginBalance"), "availableBalance": of("availableBalance"),
        "maxWithdrawAmount": of("maxWithdrawAmount"), "assets": rows,
        "positions": list(positions), **totals,
    }
    wire: FuturesAccount = structure(json.loads(json.dumps(document)), FuturesAccount)
    return wire


def _position(symbol: str, notional: str, maint: str, isolated: str = "0", pnl: str = "0",
              margin: str | None = None, side: str = "BOTH") -> dict[str, Any]:
    """A position; ``isolatedMargin`` is ``isolatedWallet + unrealizedProfit`` (0 when cross)."""
    if margin is None:
        margin = str(Decimal(isolated) + Decimal(pnl)) if Decimal(isolated) else "0"
    return {"symbol": symbol, "positionSide": side, "positionAmt": "1", "notional": notional,
            "unrealizedProfit": pnl, "maintMargin": maint, "isolatedWallet": isolated,
            "isolatedMargin": margin}


def test_the_documented_example_reads_in_multi_assets_mode() -> None:
    data = resources.files("adapters.binance.simulator") / "data"
    account = structure(json.loads((data / "seed_futures_account.json").read_bytes()),
                        FuturesAccount)
    config = structure(json.loads((data / "seed_futures_config.json").read_bytes()),
                       AccountConfig)
    (usdt,) = futures_snapshot(account, config, account_name="a", fetched_at=AT)
    assert (usdt.asset, usdt.total, usdt.available, usdt.unrealized_pnl) == (
        "USDT", Decimal("23.72469206"), Decimal("23.72469206"), Decimal("0E-8"))
    risk = futures_risk(account, config, account_name="a", fetched_at=AT)
    assert (risk.quote_asset, risk.total_value, risk.equity) == (
        "USD", Decimal("126.72469206"), Decimal("126.72469206"))
    assert risk.health.state is HealthState.NOT_APPLICABLE  # no maintenance margin, no debt
    assert risk.wallet is WalletKind.FUTURES


def test_a_position_makes_the_account_exposed_without_debt() -> None:
    account = _account([_row("USDT", "2000", "100", "12.8", available="1780", withdraw="1680")],
                       positions=(_position("BTCUSDT", "3200", "12.8"),))
    (row,) = futures_snapshot(account, SINGLE, account_name="a", fetched_at=AT)
    assert (row.total, row.net, row.equity, row.locked) == (
        Decimal(2000), Decimal(2000), Decimal(2100), Decimal(320))
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert risk.health.metric is HealthMetric.CUSHION
    assert (risk.health.state, risk.health.value) == (HealthState.OK, Decimal("164.0625"))
    assert (risk.quote_asset, risk.maintenance_margin, risk.unrealized_pnl) == (
        "USDT", Decimal("12.8"), Decimal(100))
    assert risk.equity == risk.total_value + Decimal(100) - risk.debt
    assert (risk.position_notional, risk.notional_leverage) == (
        Decimal(3200), Decimal("1.523809523809523809523809523809524"))
    assert risk.extras["max_withdraw_amount"] == Decimal(1680)


def test_multi_assets_positions_notional_is_not_taken_for_usd() -> None:
    # BTCUSDT's notional is 3200 USDT; the pool is in USD, and Binance sends no USD notional.
    account = _account([_row("USDT", "2000", "100", "12.8", available="1780", withdraw="1680")],
                       positions=(_position("BTCUSDT", "3200", "12.8"),))
    risk = futures_risk(account, MULTI, account_name="a", fetched_at=AT)
    assert (risk.quote_asset, risk.maintenance_margin) == ("USD", Decimal("12.8"))
    assert (risk.position_notional, risk.notional_leverage) == (None, None)
    flat = _account([_row("USDT", "2000")], positions=(_position("BTCUSDT", "0", "0"),))
    assert futures_risk(flat, MULTI, account_name="a", fetched_at=AT).position_notional == 0


def test_the_cushion_is_divided_to_34_digits() -> None:
    account = _account([_row("USDT", "1000", maint="3")])
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert risk.health.value == Decimal("333.3333333333333333333333333333333")


@pytest.mark.parametrize(("wallet", "pnl", "state"), [
    ("100", "-97.44", HealthState.AT_RISK), ("100", "-100", HealthState.INSOLVENT),
])
def test_at_the_threshold_and_below(wallet: str, pnl: str, state: HealthState) -> None:
    account = _account([_row("USDT", wallet, pnl, "2.56", available="0")])
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert risk.health.state is state
    assert (risk.health.value is NOT_APPLICABLE) is (state is HealthState.INSOLVENT)


def test_a_negative_wallet_balance_is_a_debt_of_the_asset() -> None:
    account = _account([_row("USDT", "-50", available="0", withdraw="0"),
                        _row("BTC", "0.1", withdraw="0.1")], totals_of=None,
                       totalWalletBalance="6350", totalMarginBalance="6350")
    usdt, btc = futures_snapshot(account, MULTI, account_name="a", fetched_at=AT)
    assert (usdt.total, usdt.borrowed, usdt.net, usdt.locked) == (
        Decimal(0), Decimal(50), Decimal(-50), Decimal(0))
    assert (btc.total, btc.available) == (Decimal("0.1"), Decimal("0.1"))  # maxWithdrawAmount


def test_multi_assets_rows_use_the_assets_own_withdrawable_amount() -> None:
    # Every row's availableBalance is the account's USD figure (the documented example).
    account = _account([_row("USDT", "23.5", available="126.7", withdraw="23.5"),
                        _row("BTC", "0.001", available="126.7", withdraw="0.001")],
                       totals_of=None)
    rows = futures_snapshot(account, MULTI, account_name="a", fetched_at=AT)
    assert [row.available for row in rows] == [Decimal("23.5"), Decimal("0.001")]


def test_an_empty_multi_assets_row_is_dropped_whatever_the_accounts_available() -> None:
    account = _account([_row("USDT", "23.5", available="126.7", withdraw="23.5"),
                        _row("BNB", "0", available="126.7", withdraw="0")], totals_of=None)
    (usdt,) = futures_snapshot(account, MULTI, account_name="a", fetched_at=AT)
    assert usdt.asset == "USDT"
    kept = futures_snapshot(account, MULTI, account_name="a", fetched_at=AT, omit_zero=False)
    assert [row.asset for row in kept] == ["USDT", "BNB"]


def test_single_asset_rows_other_than_usdt_use_their_own_withdrawable_amount() -> None:
    # The documented Single-Asset example's rows: USDC's availableBalance (126.72469206) is
    # more than it holds (103.12345678), the account's figure, not the asset's.
    account = _account([_row("USDT", "23.72469206"),
                        _row("USDC", "103.12345678", available="126.72469206")])
    usdt, usdc = futures_snapshot(account, SINGLE, account_name="a", fetched_at=AT)
    assert (usdt.available, usdc.available, usdc.locked) == (
        Decimal("23.72469206"), Decimal("103.12345678"), Decimal(0))


def test_available_above_the_margin_balance_is_refused_at_its_field() -> None:
    account = _account([_row("USDT", "10", available="11")])
    with pytest.raises(InvalidResponseError) as caught:
        futures_snapshot(account, SINGLE, account_name="a", fetched_at=AT)
    assert caught.value.field == "$.assets[0].availableBalance"


def test_a_loss_beyond_the_wallet_is_read_as_holding_nothing() -> None:
    # Multi-Assets mode: BTC's loss exceeds its wallet and USDT's margin carries the excess.
    # Every row's availableBalance is the account's USD figure; BTC's own maxWithdrawAmount is 0.
    account = _account([_row("BTC", "0.1", "-0.3", available="5830", withdraw="0"),
                        _row("USDT", "-50", "-10", available="5830", withdraw="0"),
                        _row("USDC", "30000", available="5830", withdraw="5830")],
                       totals_of=None, totalWalletBalance="36300", totalUnrealizedProfit="-19010",
                       totalMarginBalance="17290")
    btc, usdt, usdc = futures_snapshot(account, MULTI, account_name="a", fetched_at=AT)
    assert (btc.total, btc.available, btc.unrealized_pnl, btc.locked, btc.net, btc.equity) == (
        Decimal("0.1"), Decimal(0), Decimal("-0.3"), Decimal(0), Decimal("0.1"), Decimal("-0.2"))
    assert (usdt.total, usdt.borrowed, usdt.available, usdt.locked, usdt.equity) == (
        Decimal(0), Decimal(50), Decimal(0), Decimal(0), Decimal(-60))
    assert (usdc.available, usdc.locked) == (Decimal(5830), Decimal(24170))


def test_a_loss_beyond_the_wallet_in_single_asset_mode_reads_insolvent() -> None:
    account = _account([_row("USDT", "10", "-30", "2", available="-20", withdraw="0")])
    (usdt,) = futures_snapshot(account, SINGLE, account_name="a", fetched_at=AT)
    assert (usdt.available, usdt.locked, usdt.equity) == (Decimal(0), Decimal(0), Decimal(-20))
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert (risk.health.state, risk.equity) == (HealthState.INSOLVENT, Decimal(-20))


@pytest.mark.parametrize(("config", "field", "available", "withdraw"), [
    (MULTI, "maxWithdrawAmount", "5830", "0.01"), (SINGLE, "availableBalance", "0.01", "0"),
])
def test_available_from_an_asset_that_holds_nothing_is_refused(
    config: AccountConfig, field: str, available: str, withdraw: str,
) -> None:
    # Still refused: a loss beyond the wallet leaves nothing, so any amount available would
    # be a negative margin held.
    account = _account([_row("USDT", "10", "-30", available=available, withdraw=withdraw)],
                       totals_of=None if config is MULTI else "USDT")
    with pytest.raises(InvalidResponseError) as caught:
        futures_snapshot(account, config, account_name="a", fetched_at=AT)
    assert caught.value.field == f"$.assets[0].{field}"


def test_a_negative_available_balance_is_nothing_usable() -> None:
    account = _account([_row("USDT", "10", "-5", "1", available="-2")])
    (row,) = futures_snapshot(account, SINGLE, account_name="a", fetched_at=AT)
    assert (row.available, row.locked) == (Decimal(0), Decimal(5))


def test_a_margin_balance_that_is_not_wallet_plus_pnl_is_refused() -> None:
    rows = [_row("USDT", "10", "1")]
    rows[0]["marginBalance"] = "11.00000001"
    with pytest.raises(InvalidResponseError) as caught:
        futures_risk(_account(rows), SINGLE, account_name="a", fetched_at=AT)
    assert caught.value.field == "$.assets[0].marginBalance"


def test_single_asset_totals_must_be_the_usdt_rows() -> None:
    # The documented Single-Asset example: totals 103.12345678, the USDT row 23.72469206.
    account = _account([_row("USDT", "23.72469206"), _row("USDC", "103.12345678")],
                       totalWalletBalance="103.12345678", totalMarginBalance="103.12345678")
    with pytest.raises(InvalidResponseError) as caught:
        futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert caught.value.field == "$.totalWalletBalance"


def test_one_pool_in_another_asset_is_reported_in_that_asset() -> None:
    account = _account([_row("USDT", "50"), _row("USDC", "1000", "-10", "4", available="900")],
                       positions=(_position("BTCUSDC", "-800", "4"),))
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert (risk.quote_asset, risk.total_value, risk.equity, risk.maintenance_margin) == (
        "USDC", Decimal(1000), Decimal(990), Decimal(4))
    assert risk.available_value is None  # that row's availableBalance is not documented per asset
    assert risk.health.value == Decimal("247.5")
    assert risk.position_notional == Decimal(800)


def test_another_assets_pool_carries_its_own_figures_not_the_usdt_totals() -> None:
    usdc = _row("USDC", "1000", "-10", "4", available="900")
    usdc.update(initialMargin="40", positionInitialMargin="40", openOrderInitialMargin="0",
                crossWalletBalance="1000", crossUnPnl="-10")
    account = _account([_row("USDT", "50"), usdc], positions=(_position("BTCUSDC", "-800", "4"),),
                       totalPositionInitialMargin="0", totalOpenOrderInitialMargin="0",
                       totalCrossWalletBalance="50", totalCrossUnPnl="0")
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert dict(risk.extras) == {
        "total_initial_margin": Decimal(40), "total_position_initial_margin": Decimal(40),
        "total_open_order_initial_margin": Decimal(0), "total_cross_wallet_balance": Decimal(1000),
        "total_cross_un_pnl": Decimal(-10), "max_withdraw_amount": Decimal(1000),
        "isolated_positions": Decimal(0), "cross_ratio": Decimal("247.5")}


def test_a_pool_under_water_without_positions_is_the_exposed_one() -> None:
    # USDT holds 1000 with nothing open; USDC's pool owes 5: the account is not "not applicable".
    account = _account([_row("USDT", "1000"), _row("USDC", "-5", available="0", withdraw="0")])
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert (risk.quote_asset, risk.debt, risk.equity, risk.health.state) == (
        "USDC", Decimal(5), Decimal(-5), HealthState.INSOLVENT)
    both = _account([_row("USDT", "1000", maint="1"), _row("USDC", "-5", available="0",
                                                           withdraw="0")])
    with pytest.raises(AccountStateError, match=r"\(USDT, USDC\)"):
        futures_risk(both, SINGLE, account_name="a", fetched_at=AT)


def test_two_pools_are_refused_naming_them() -> None:
    account = _account([_row("USDT", "50", maint="1"), _row("USDC", "100", maint="2")])
    with pytest.raises(AccountStateError, match=r"Single-Asset mode .* \(USDT, USDC\)"):
        futures_risk(account, SINGLE, account_name="a", fetched_at=AT)


def test_an_amount_sent_as_a_number_is_refused_at_its_path() -> None:
    document = json.loads(json.dumps({"totalInitialMargin": 0}))
    with pytest.raises(InvalidResponseError) as caught:
        structure(document, FuturesAccount)
    assert caught.value.field == "$.totalInitialMargin"


# -- a loan in Multi-Assets mode (docs/exchanges/binance.md, "A loan in Multi-Assets mode") --
# Binance's example rates ("How to Calculate Margin Ratio in the Multi-Assets Mode?"): USDTUSD
# index 0.99, bid buffer 0.01, ask buffer 0.005: bidRate 0.9801, askRate 0.99495. BTC is held
# at a bidRate of 60800 (index 64000, a 5% haircut), so Binance's USD totals net the loan.
USDT_ASK = {"USDTUSD": Decimal("0.99495")}


def _loan(pnl: str = "0", maint: str = "0", *, usdt: str = "-500", btc: str = "0.01",
          net: str | None = None) -> FuturesAccount:
    """Binance's USD totals: BTC at its bid rate, USDT owed at its ask rate (or ``net``)."""
    wallet = Decimal(btc) * 60800 + Decimal(usdt) * Decimal("0.99495") if net is None else (
        Decimal(net))
    return _account([_row("USDT", usdt, pnl, maint, available="0", withdraw="0"),
                     _row("BTC", btc, available="0", withdraw=btc)], totals_of=None,
                    totalWalletBalance=str(wallet), totalUnrealizedProfit=pnl,
                    totalMarginBalance=str(wallet + Decimal(pnl)), totalMaintMargin=maint)


def test_a_loan_is_valued_at_its_ask_rate_and_the_identity_holds_exactly() -> None:
    account = _loan("-100", "12")  # totalWalletBalance 110.525: 608 held less 497.475 owed
    assert loan_symbols(account, MULTI) == ("USDTUSD",)
    assert loan_symbols(account, SINGLE) == ()
    risk = futures_risk(account, MULTI, account_name="a", fetched_at=AT, rates=USDT_ASK)
    assert (risk.quote_asset, risk.total_value, risk.borrowed_value, risk.interest_value) == (
        "USD", Decimal(608), Decimal("497.475"), None)
    assert risk.equity == Decimal("10.525") == (
        risk.total_value + Decimal(-100) - risk.borrowed_value)
    assert risk.extras["ask_rate_USDTUSD"] == Decimal("0.99495")
    assert risk.leverage == Decimal("57.76722090261282660332541567695962")  # 608 / 10.525
    assert (risk.health.metric, risk.health.state) == (HealthMetric.CUSHION, HealthState.AT_RISK)
    assert risk.health.value == Decimal("0.8770833333333333333333333333333333")  # 10.525 / 12


@pytest.mark.parametrize(("pnl", "state"), [
    ("0", HealthState.OK), ("-98.525", HealthState.AT_RISK), ("-110.525", HealthState.INSOLVENT),
    ("-200", HealthState.INSOLVENT),
])
def test_a_loan_with_positions_is_judged_by_the_cushion(pnl: str, state: HealthState) -> None:
    risk = futures_risk(_loan(pnl, "12"), MULTI, account_name="a", fetched_at=AT,
                        rates=USDT_ASK)
    assert (risk.health.state, risk.debt) == (state, Decimal("497.475"))
    assert (risk.health.value is NOT_APPLICABLE) is (state is HealthState.INSOLVENT)
    assert (risk.leverage is NOT_APPLICABLE) is (state is HealthState.INSOLVENT)


def test_a_loan_without_positions_shows_its_margin_level_unrated() -> None:
    # No maintenance margin, so no cushion; Binance auto-exchanges at an LTV it gives no
    # formula for, so the margin level (held / owed) is shown without a threshold.
    risk = futures_risk(_loan(), MULTI, account_name="a", fetched_at=AT, rates=USDT_ASK)
    assert (risk.health.metric, risk.health.state, risk.health.liquidation_threshold) == (
        HealthMetric.MARGIN_LEVEL, HealthState.UNRATED, None)
    assert risk.health.value == Decimal("1.222171968440625157043067490828685")  # 608 / 497.475
    owing = futures_risk(_loan(btc="0.008"), MULTI, account_name="a", fetched_at=AT,
                         rates=USDT_ASK)  # 486.4 held, 497.475 owed
    assert (owing.health.state, owing.equity) == (HealthState.INSOLVENT, Decimal("-11.075"))


def test_the_net_deficit_binance_reports_is_the_least_owed() -> None:
    # The index moved between the reads: 100 USDT at 0.99495 is 99.495, Binance nets 99.5.
    account = _loan(usdt="-100", btc="0", net="-99.5")
    risk = futures_risk(account, MULTI, account_name="a", fetched_at=AT, rates=USDT_ASK)
    assert (risk.total_value, risk.borrowed_value, risk.equity, risk.health.state) == (
        Decimal(0), Decimal("99.5"), Decimal("-99.5"), HealthState.INSOLVENT)


def test_a_deficit_without_any_negative_wallet_balance_is_refused() -> None:
    account = _account([_row("USDT", "10")], totals_of=None, totalWalletBalance="-1",
                       totalMarginBalance="-1")
    with pytest.raises(InvalidResponseError) as caught:
        futures_risk(account, MULTI, account_name="a", fetched_at=AT)
    assert caught.value.field == "$.totalWalletBalance"


def _index(symbol: str, index: str, ask: str) -> dict[str, Any]:
    return {"symbol": symbol, "time": 1635740268004, "index": index, "bidBuffer": "0.1",
            "askBuffer": "0.1", "bidRate": index, "askRate": ask}


def test_the_documented_asset_index_reads() -> None:
    # The Multi-Assets Mode Asset Index page's example, one symbol and the list.
    documented = {"symbol": "ADAUSD", "time": 1635740268004, "index": "1.92957370",
                  "bidBuffer": "0.10000000", "askBuffer": "0.10000000",
                  "bidRate": "1.73661633", "askRate": "2.12253107",
                  "autoExchangeBidBuffer": "0.05000000", "autoExchangeAskBuffer": "0.05000000",
                  "autoExchangeBidRate": "1.83309501", "autoExchangeAskRate": "2.02605238"}
    assert ask_rates(documented, ["ADAUSD"]) == {"ADAUSD": Decimal("2.12253107")}
    listed = [_index("USDTUSD", "0.99", "0.99495"), documented]
    assert ask_rates(listed, ["ADAUSD", "USDTUSD"]) == {
        "ADAUSD": Decimal("2.12253107"), "USDTUSD": Decimal("0.99495")}


@pytest.mark.parametrize(("payload", "symbols", "field"), [
    (_index("USDCUSD", "1", "1"), ["USDTUSD"], "$.symbol"),  # not the one asked for
    ([_index("USDTUSD", "1", "1")], ["USDTUSD", "USDCUSD"], "$"),  # one owed is missing
    ([_index("USDTUSD", "1", "1"), _index("USDTUSD", "1", "1")], ["USDTUSD", "X"], "$[1].symbol"),
    (_index("USDTUSD", "0.99", "0.98"), ["USDTUSD"], "$.askRate"),  # a debt made cheaper
    (_index("USDTUSD", "0", "0"), ["USDTUSD"], "$.askRate"),
    ({**_index("USDTUSD", "1", "1"), "askRate": 1}, ["USDTUSD"], "$.askRate"),  # a number
    ({"symbol": "USDTUSD", "index": "1"}, ["USDTUSD"], "$.askRate"),  # the rate is missing
])
def test_a_wrong_asset_index_is_refused_at_its_field(
    payload: Any, symbols: list[str], field: str,
) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        ask_rates(payload, symbols)
    assert caught.value.field == field


# -- isolated positions (docs/exchanges/binance.md, "Isolated positions") ---------------------
# Binance: an asset's walletBalance holds its isolated wallets (crossWalletBalance is the rest)
# and its unrealizedProfit the isolated positions' PnL (crossUnPnl is the cross positions').


def _isolated_usdt(wallet: str, cross: str, pnl: str, cross_pnl: str, maint: str,
                   *positions: dict[str, Any], available: str = "0") -> FuturesAccount:
    """A Single-Asset USDT pool holding ``positions``; the totals are its row's."""
    usdt = _row("USDT", wallet, pnl, maint, available=available, withdraw=available,
                cross=cross, cross_pnl=cross_pnl)
    return _account([usdt], positions=positions, totalCrossWalletBalance=cross,
                    totalCrossUnPnl=cross_pnl)


def test_a_cross_pool_at_its_line_beside_a_large_isolated_wallet_is_at_risk() -> None:
    # The whole wallet's cushion would read 2000 / 100 = 20, "ok"; the cross pool holds 50
    # against its position's 50 of maintenance margin: exactly at Binance's line.
    account = _isolated_usdt("2000", "50", "0", "0", "100",
                             _position("BTCUSDT", "6400", "50"),
                             _position("ETHUSDT", "3200", "50", "1950"))
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert (risk.health.state, risk.health.value) == (HealthState.AT_RISK, Decimal(1))
    assert (risk.equity, risk.maintenance_margin, risk.total_value) == (
        Decimal(2000), Decimal(100), Decimal(2000))  # the whole wallet's amounts
    assert {k: risk.extras[k] for k in ("cross_ratio", "isolated_positions",
                                        "weakest_isolated_ratio")} == {
        "cross_ratio": Decimal(1), "isolated_positions": Decimal(1),
        "weakest_isolated_ratio": Decimal(39)}
    (row,) = futures_snapshot(account, SINGLE, account_name="a", fetched_at=AT)
    assert row.total == Decimal(2000)  # the wallet holds the isolated wallet


def test_an_isolated_position_under_water_is_at_risk_while_the_wallet_is_solvent() -> None:
    # The isolated ETHUSDT position has lost 15 of its 10: a margin balance of -5. The wallet's
    # equity (985) is positive, so it is not insolvent, and never ok.
    account = _isolated_usdt("1000", "990", "-15", "0", "7",
                             _position("BTCUSDT", "1000", "5"),
                             _position("ETHUSDT", "200", "2", "10", pnl="-15"))
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert (risk.health.state, risk.health.value, risk.equity) == (
        HealthState.AT_RISK, Decimal("-2.5"), Decimal(985))
    assert (risk.extras["cross_ratio"], risk.extras["weakest_isolated_ratio"]) == (
        Decimal(198), Decimal("-2.5"))


def test_insolvent_keeps_its_meaning_the_whole_wallets_equity() -> None:
    account = _isolated_usdt("100", "90", "-130", "-120", "7",
                             _position("BTCUSDT", "1000", "5", pnl="-120"),
                             _position("ETHUSDT", "200", "2", "10", pnl="-10"))
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert (risk.health.state, risk.health.value, risk.equity) == (
        HealthState.INSOLVENT, NOT_APPLICABLE, Decimal(-30))
    assert risk.extras["cross_ratio"] == Decimal(-6)  # (90 - 120) / 5, shown for the pool


@pytest.mark.parametrize(("pnl", "state", "value"), [
    ("20", HealthState.OK, Decimal(30)), ("-96", HealthState.AT_RISK, Decimal(1)),
])
def test_one_isolated_position_and_a_cross_pool_without_positions(
    pnl: str, state: HealthState, value: Decimal,
) -> None:
    # The cross pool (400) requires nothing: no cross ratio; the position's (100 + pnl) / 4.
    account = _isolated_usdt("500", "400", pnl, "0", "4",
                             _position("BTCUSDT", "800", "4", "100", pnl=pnl))
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert (risk.health.state, risk.health.value) == (state, value)
    assert "cross_ratio" not in risk.extras
    assert risk.extras["weakest_isolated_ratio"] == value


def test_several_isolated_positions_the_weakest_decides() -> None:
    # Hedge mode: BTCUSDT long and short isolated apart, ETHUSDT isolated, SOLUSDT cross; an
    # isolated position without maintenance margin cannot be liquidated and has no ratio.
    account = _isolated_usdt(
        "1400", "1000", "-50", "0", "16",
        _position("SOLUSDT", "500", "5"),  # cross: 1000 / 5 = 200
        _position("BTCUSDT", "2000", "4", "100", pnl="-60", side="LONG"),  # 40 / 4 = 10
        _position("BTCUSDT", "-2000", "4", "100", pnl="20", side="SHORT"),  # 120 / 4 = 30
        _position("ETHUSDT", "900", "3", "150", pnl="-10"),  # 140 / 3
        _position("XRPUSDT", "0", "0", "50"),  # no maintenance margin: skipped
    )
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert (risk.health.state, risk.health.value) == (HealthState.OK, Decimal(10))
    assert (risk.extras["cross_ratio"], risk.extras["isolated_positions"],
            risk.extras["weakest_isolated_ratio"]) == (Decimal(200), Decimal(3), Decimal(10))


def test_an_isolated_position_without_maintenance_margin_has_no_ratio() -> None:
    account = _isolated_usdt("150", "100", "-50", "0", "5", _position("BTCUSDT", "500", "5"),
                             _position("XRPUSDT", "0", "0", "50", pnl="-50"))
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert (risk.health.state, risk.health.value) == (HealthState.OK, Decimal(20))
    assert "weakest_isolated_ratio" not in risk.extras
    assert risk.extras["isolated_positions"] == Decimal(0)  # those requiring margin, as OKX's


def test_an_isolated_position_in_another_assets_pool_reads_that_rows_cross_figures() -> None:
    usdc = _row("USDC", "1000", "-10", "6", available="0", withdraw="0", cross="900",
                cross_pnl="-30")
    account = _account([_row("USDT", "50"), usdc], positions=(
        _position("BTCUSDC", "-800", "4", pnl="-30"),  # cross: (900 - 30) / 4
        _position("ETHUSDC", "300", "2", "100", pnl="20")))  # 120 / 2
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert (risk.quote_asset, risk.equity, risk.maintenance_margin) == (
        "USDC", Decimal(990), Decimal(6))
    assert (risk.health.value, risk.extras["cross_ratio"]) == (Decimal(60), Decimal("217.5"))


def test_isolated_margin_is_its_wallet_plus_its_profit_to_one_unit() -> None:
    # Binance's isolatedMargin rounded on its own: one unit in its last place is accepted.
    account = _isolated_usdt("500", "400", "0.000000004", "0", "4", _position(
        "BTCUSDT", "800", "4", "100", pnl="0.000000004", margin="100.00000001"))
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert risk.health.value == Decimal("25.000000001")  # wallet + profit, not isolatedMargin


@pytest.mark.parametrize(("account", "field"), [
    # isolatedMargin is not isolatedWallet + unrealizedProfit
    (_isolated_usdt("500", "400", "0", "0", "4", _position("BTCUSDT", "800", "4", "100",
                                                           margin="100.00000002")),
     "$.positions[0].isolatedMargin"),
    # the row's isolated wallets (500 - 450) are not the position's (100)
    (_isolated_usdt("500", "450", "0", "0", "4", _position("BTCUSDT", "800", "4", "100")),
     "$.assets[0].crossWalletBalance"),
    # an isolated position whose row holds no isolated wallet at all
    (_isolated_usdt("500", "500", "0", "0", "4", _position("BTCUSDT", "800", "4", "100")),
     "$.assets[0].crossWalletBalance"),
    # the positions' maintenance margin (4 + 4) is not the pool's (4): one is missing or wrong
    (_isolated_usdt("500", "400", "0", "0", "4", _position("BTCUSDT", "800", "4", "100"),
                    _position("ETHUSDT", "800", "4")), "$.totalMaintMargin"),
    (_isolated_usdt("500", "400", "0", "0", "-4", _position("BTCUSDT", "800", "-4", "100")),
     "$.totalMaintMargin"),
    (_isolated_usdt("500", "400", "0", "0", "4", _position("BTCUSDT", "800", "4", "100"),
                    _position("ETHUSDT", "800", "-1"), _position("SOLUSDT", "800", "1")),
     "$.positions[1].maintMargin"),
])
def test_isolated_figures_that_contradict_each_other_are_refused_at_the_field(
    account: FuturesAccount, field: str,
) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert caught.value.field == field


def test_multi_assets_mode_is_cross_margin_only() -> None:
    rows = [_row("USDT", "2000", maint="12.8")]
    held = _account(rows, totals_of=None, positions=(_position("BTCUSDT", "3200", "12.8", "50"),))
    with pytest.raises(InvalidResponseError, match="Multi-Assets") as caught:
        futures_risk(held, MULTI, account_name="a", fetched_at=AT)
    assert caught.value.field == "$.positions[0].isolatedWallet"
    apart = _account([_row("USDT", "2000", maint="12.8", cross="1950")], totals_of=None,
                     positions=(_position("BTCUSDT", "3200", "12.8"),))
    with pytest.raises(InvalidResponseError) as caught:
        futures_risk(apart, MULTI, account_name="a", fetched_at=AT)
    assert caught.value.field == "$.assets[0].crossWalletBalance"


def test_isolated_wallets_in_a_second_asset_are_a_second_pool() -> None:
    # USDT's cross positions and an isolated position margined in USDC: two assets exposed.
    account = _account([_row("USDT", "1000", maint="5"),
                        _row("USDC", "300", available="0", withdraw="0", cross="200")],
                       positions=(_position("BTCUSDT", "800", "5"),
                                  _position("ETHUSDC", "800", "0", "100")))
    with pytest.raises(AccountStateError, match=r"\(USDT, USDC\)"):
        futures_risk(account, SINGLE, account_name="a", fetched_at=AT)


def test_a_cross_only_account_says_so_in_its_extras() -> None:
    account = _account([_row("USDT", "2000", "100", "12.8", available="1780", withdraw="1680")],
                       positions=(_position("BTCUSDT", "3200", "12.8"),))
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert (risk.extras["cross_ratio"], risk.extras["isolated_positions"]) == (
        risk.health.value, Decimal(0))
    assert "weakest_isolated_ratio" not in risk.extras


def test_a_row_without_its_cross_wallet_refuses_the_risk_not_the_balances() -> None:
    row = _row("USDT", "2000", maint="12.8")
    del row["crossWalletBalance"]
    account = _account([row], positions=(_position("BTCUSDT", "3200", "12.8"),))
    assert futures_snapshot(account, SINGLE, account_name="a", fetched_at=AT)
    with pytest.raises(InvalidResponseError) as caught:
        futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert caught.value.field == "$.assets[0].crossWalletBalance"


@pytest.mark.parametrize("cross_pnl", ["0", "200", None])
def test_the_cross_pnl_is_the_rows_less_the_isolated_not_cross_un_pnl(
    cross_pnl: str | None,
) -> None:
    # Binance's V3 crossUnPnl was reported to hold the isolated positions' PnL too, which
    # Binance called a bug (JKorf/Binance.Net issue 1404): "0" as documented, "200" (the
    # isolated profit) as reported, or left out, the cross pool is what it is. Its 50 stand
    # against its position's 50 of maintenance margin, at the line; read as V3 reportedly sends
    # it, crossUnPnl would lift it to (50 + 200) / 50 = 5, "ok".
    usdt = _row("USDT", "150", "200", "60", available="0", withdraw="0", cross="50",
                cross_pnl=cross_pnl)
    if cross_pnl is None:
        del usdt["crossUnPnl"]
    account = _account([usdt], positions=(_position("BTCUSDT", "6400", "50"), _position(
        "ETHUSDT", "3200", "10", "100", pnl="200")), totalCrossWalletBalance="50")
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert (risk.health.state, risk.health.value, risk.equity) == (
        HealthState.AT_RISK, Decimal(1), Decimal(350))
    assert (risk.extras["cross_ratio"], risk.extras["weakest_isolated_ratio"]) == (
        Decimal(1), Decimal(30))


@pytest.mark.parametrize("side", ["BOTH", "LONG"])
def test_a_position_listed_twice_is_refused_not_counted_twice(side: str) -> None:
    # Its notional (and, beside isolated positions, its maintenance margin) would count twice.
    twice = (_position("BTCUSDT", "3200", "6.4", side=side),) * 2
    account = _account([_row("USDT", "2000", maint="12.8")], positions=twice)
    with pytest.raises(InvalidResponseError) as caught:
        futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert caught.value.field == "$.positions[1].symbol"
    hedged = (_position("BTCUSDT", "3200", "6.4", side="LONG"),
              _position("BTCUSDT", "-3200", "6.4", side="SHORT"))  # hedge mode: two sides
    risk = futures_risk(_account([_row("USDT", "2000", maint="12.8")], positions=hedged),
                        SINGLE, account_name="a", fetched_at=AT)
    assert risk.position_notional == Decimal(6400)


def test_single_asset_cross_totals_must_be_the_usdt_rows() -> None:
    account = _account([_row("USDT", "2000", maint="12.8")], totalCrossWalletBalance="1950",
                       positions=(_position("BTCUSDT", "3200", "12.8"),))
    with pytest.raises(InvalidResponseError) as caught:
        futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert caught.value.field == "$.totalCrossWalletBalance"


def test_total_cross_un_pnl_is_reported_as_sent_not_checked() -> None:
    # crossUnPnl is not read (V3's was reported to hold isolated PnL): a total that is not
    # the row's refuses nothing, and the extra is what Binance sent.
    account = _account([_row("USDT", "2000", maint="12.8")], totalCrossUnPnl="1",
                       positions=(_position("BTCUSDT", "3200", "12.8"),))
    risk = futures_risk(account, SINGLE, account_name="a", fetched_at=AT)
    assert (risk.health.value, risk.extras["total_cross_un_pnl"]) == (
        Decimal("156.25"), Decimal(1))


def test_a_position_without_its_isolated_wallet_is_refused_at_its_path() -> None:
    position = _position("BTCUSDT", "3200", "12.8")
    del position["isolatedWallet"]
    with pytest.raises(InvalidResponseError) as caught:
        _account([_row("USDT", "2000", maint="12.8")], positions=(position,))
    assert caught.value.field == "$.positions[0].isolatedWallet"
