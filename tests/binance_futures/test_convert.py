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
         withdraw: str | None = None) -> dict[str, Any]:
    margin = str(Decimal(wallet) + Decimal(pnl))
    return {"asset": asset, "walletBalance": wallet, "unrealizedProfit": pnl,
            "marginBalance": margin, "maintMargin": maint,
            "availableBalance": available if available is not None else margin,
            "maxWithdrawAmount": withdraw if withdraw is not None else wallet}


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


def _position(symbol: str, notional: str, maint: str, isolated: str = "0") -> dict[str, Any]:
    return {"symbol": symbol, "positionAmt": "1", "notional": notional, "unrealizedProfit": "0",
            "maintMargin": maint, "isolatedWallet": isolated}


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
        "total_cross_un_pnl": Decimal(-10), "max_withdraw_amount": Decimal(1000)}


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


def test_an_isolated_position_refuses_the_risk_but_not_the_balances() -> None:
    # The USDT pool reads a cushion of 2000 / 12.8: "ok". But 1950 of it is the isolated
    # position's wallet, liquidated on its own; the cross pool holds 50 (Binance: ignore the
    # totals "if isolated positions exist"). One figure for both would be a wrong meaning.
    usdt = {**_row("USDT", "2000", maint="12.8", available="50", withdraw="50"),
            "crossWalletBalance": "50"}
    isolated = _account([usdt], positions=(_position("BTCUSDT", "3200", "12.8", "1950"),))
    with pytest.raises(AccountStateError, match=r"isolated margin \(BTCUSDT, USDT wallet\)"):
        futures_risk(isolated, SINGLE, account_name="a", fetched_at=AT)
    (row,) = futures_snapshot(isolated, SINGLE, account_name="a", fetched_at=AT)
    assert (row.total, row.available) == (Decimal(2000), Decimal(50))
    # A cross wallet apart from the wallet alone says the same (the position's row aside).
    alone = _account([usdt], positions=(_position("BTCUSDT", "3200", "12.8"),))
    with pytest.raises(AccountStateError, match=r"\(USDT wallet\)"):
        futures_risk(alone, SINGLE, account_name="a", fetched_at=AT)


def test_a_position_without_its_isolated_wallet_is_refused_at_its_path() -> None:
    position = _position("BTCUSDT", "3200", "12.8")
    del position["isolatedWallet"]
    with pytest.raises(InvalidResponseError) as caught:
        _account([_row("USDT", "2000", maint="12.8")], positions=(position,))
    assert caught.value.field == "$.positions[0].isolatedWallet"
