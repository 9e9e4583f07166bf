"""Reading OKX answers: the net ledger per currency, risk per account mode, refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from adapters.okx.convert import balance_snapshot, margin_risk, one
from adapters.okx.isolated import holds_isolated, weakest_pool
from adapters.okx.simulator.demo import SAMPLE_BALANCE
from adapters.okx.wire import AccountConfig, Balance
from framework.errors import AccountStateError, InvalidResponseError
from framework.models import HealthState, MarginRisk, WalletKind

AT = datetime(2026, 1, 1, tzinfo=UTC)


def _balance(details: list[dict[str, str]], **account: str) -> Balance:
    data = {"totalEq": "0", "adjEq": "", "mmr": "", "mgnRatio": "", "upl": "", **account,
            "details": details}
    return one([json.loads(json.dumps(data))], Balance)  # type: ignore[no-any-return]


def _row(ccy: str, eq: str, **more: str) -> dict[str, str]:
    return {"ccy": ccy, "eq": eq, "availBal": "0", "eqUsd": eq, "upl": "", "liab": "",
            "interest": "", **more}


def _config(level: str) -> AccountConfig:
    return one([{"acctLv": level}], AccountConfig)  # type: ignore[no-any-return]


def _usdt_risk_refusal(**account: str) -> str | None:
    """The field named in refusing the risk of 1000 USDT in multi-currency margin mode."""
    with pytest.raises(InvalidResponseError) as caught:
        margin_risk(_config("3"), _balance([_row("USDT", "1000")], **account),
                    account_name="a", fetched_at=AT)
    return caught.value.field


def test_the_documented_sample_reads_digit_for_digit() -> None:
    data = json.loads(SAMPLE_BALANCE, parse_float=Decimal)["data"]
    snapshot = balance_snapshot(one(data, Balance), account_name="a", fetched_at=AT)
    usdt = snapshot["USDT"]
    assert usdt.unrealized_pnl == Decimal("-7.545600000000006")
    assert usdt.equity == Decimal("4992.890093622894")  # OKX's eq, exactly
    assert usdt.total == Decimal("5000.435693622894006")  # eq - upl (+ liab 0)
    assert usdt.available == Decimal("4834.317093622894")
    assert usdt.borrowed == usdt.interest == 0
    assert usdt.locked >= 0
    risk = margin_risk(_config("3"), one(data, Balance), account_name="a", fetched_at=AT)
    assert risk.health.state is HealthState.NOT_APPLICABLE  # mmr 0, mgnRatio ""
    assert (risk.quote_asset, risk.wallet) == ("USD", WalletKind.CASH)
    assert risk.equity == Decimal("55837.43556134779")


def test_an_owed_currency_is_debt_not_a_negative_holding() -> None:
    row = _row("USDT", "-1500.35", liab="1500.35", interest="0.35", eqUsd="-1500.35")
    asset = balance_snapshot(_balance([row]), account_name="a", fetched_at=AT)["USDT"]
    assert asset.total == 0
    assert (asset.borrowed, asset.interest) == (Decimal(1500), Decimal("0.35"))
    assert asset.equity == Decimal("-1500.35")


def test_futures_mode_one_pool_is_reported_in_its_currency() -> None:
    rows = [_row("USDT", "1000", upl="-20", mmr="10", mgnRatio="88.8", availBal="900"),
            _row("BTC", "1", mmr="")]
    risk = margin_risk(_config("2"), _balance(rows), account_name="a", fetched_at=AT)
    assert risk.quote_asset == "USDT"
    assert (risk.equity, risk.total_value) == (Decimal(1000), Decimal(1020))
    assert risk.unrealized_pnl == -20
    assert risk.health.state is HealthState.OK
    assert risk.maintenance_margin == 10


def test_futures_mode_several_pools_is_refused() -> None:
    rows = [_row("USDT", "1000", mmr="10", mgnRatio="88"), _row("BTC", "1", mmr="0.01",
                                                              mgnRatio="50")]
    with pytest.raises(AccountStateError, match=r"Futures mode.*USDT, BTC"):
        margin_risk(_config("2"), _balance(rows), account_name="a", fetched_at=AT)


@pytest.mark.parametrize("level", ["0", "5", "", "3 "])
def test_an_unknown_mode_is_refused(level: str) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        margin_risk(_config(level), _balance([]), account_name="a", fetched_at=AT)
    assert caught.value.field == "$.data[0].acctLv"


def test_positions_without_debt_are_exposed() -> None:
    account: dict[str, Any] = {"totalEq": "1000", "adjEq": "1000", "mmr": "100",
                               "mgnRatio": "8.88", "upl": "5"}
    risk = margin_risk(_config("3"), _balance([_row("USDT", "1000")], **account),
                       account_name="a", fetched_at=AT)
    assert risk.health.state is HealthState.OK
    assert risk.equity == risk.total_value + 5


def test_a_ratio_safer_than_adjeq_over_mmr_is_refused() -> None:
    account = {"totalEq": "1000", "adjEq": "1000", "mmr": "100", "mgnRatio": "10.1"}
    assert _usdt_risk_refusal(**account) == "$.data[0].mgnRatio"


def test_available_above_the_holding_beyond_noise_is_refused() -> None:
    with pytest.raises(InvalidResponseError) as caught:
        balance_snapshot(_balance([_row("BTC", "1", availBal="1.0001")]), account_name="a",
                         fetched_at=AT)
    assert caught.value.field == "$.data[0].details[0].availBal"
    noisy = _row("BTC", "1", availBal="1.000000000000001")
    asset = balance_snapshot(_balance([noisy]), account_name="a", fetched_at=AT)["BTC"]
    assert asset.available == asset.total == 1


@pytest.mark.parametrize("field", ["eq", "eqUsd"])
def test_a_blank_where_okx_always_fills_in_is_refused(field: str) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        _balance([{**_row("BTC", "1"), field: ""}])
    assert field in str(caught.value.field)


def test_a_blank_availbal_reads_availeq_as_okx_futures_and_mcm_answers_send_it() -> None:
    # The shape of OKX's own Futures-mode sample: availBal "", availEq filled, liab "".
    rows = [_row("USDT", "211.149391717101", availBal="", availEq="200.196998228728",
                 upl="0.005", frozenBal="10.952393488373"),
            _row("BTC", "1", availBal="", availEq="-0.2"),  # below zero: nothing free
            _row("ETH", "2", availBal="", availEq="")]
    with pytest.raises(InvalidResponseError) as caught:
        balance_snapshot(_balance(rows), account_name="a", fetched_at=AT)
    assert caught.value.field == "$.data[0].details[2].availBal"  # neither: refused
    snapshot = balance_snapshot(_balance(rows[:2]), account_name="a", fetched_at=AT)
    assert snapshot["USDT"].available == Decimal("200.196998228728")
    assert snapshot["USDT"].equity == Decimal("211.149391717101")
    assert snapshot["BTC"].available == 0
    over = _row("BTC", "1", availBal="", availEq="1.5")
    with pytest.raises(InvalidResponseError) as caught:
        balance_snapshot(_balance([over]), account_name="a", fetched_at=AT)
    assert caught.value.field == "$.data[0].details[0].availEq"


def test_a_negative_adjusted_equity_reads_as_insolvent_whatever_the_ratio() -> None:
    account = {"totalEq": "-360", "adjEq": "-360", "mmr": "50", "mgnRatio": "-6.4"}
    rows = [_row("BTC", "0.01", eqUsd="640"), _row("USDT", "-1000", liab="1000")]
    risk = margin_risk(_config("3"), _balance(rows, **account), account_name="a", fetched_at=AT)
    assert risk.health.state is HealthState.INSOLVENT


@pytest.mark.parametrize("mmr", ["", "0"])
def test_a_ratio_without_maintenance_margin_is_refused(mmr: str) -> None:
    # mgnRatio is over mmr: "0.95" (liquidating) must not read as "nothing to liquidate"
    account = {"totalEq": "1000", "adjEq": "1000", "mmr": mmr, "mgnRatio": "0.95"}
    assert _usdt_risk_refusal(**account) == "$.data[0].mgnRatio"


def test_a_safe_ratio_over_a_negative_adjusted_equity_is_refused() -> None:
    # totalEq above zero, adjEq below: mgnRatio can only be <= 0, never "ok"
    account = {"totalEq": "1000", "adjEq": "-1", "mmr": "100", "mgnRatio": "1000"}
    assert _usdt_risk_refusal(**account) == "$.data[0].mgnRatio"


def test_a_negative_position_notional_is_a_typed_refusal() -> None:
    account = {"totalEq": "1000", "adjEq": "1000", "mmr": "100", "mgnRatio": "8",
               "notionalUsd": "-5"}
    assert _usdt_risk_refusal(**account) == "$.data[0].notionalUsd"


def test_futures_mode_a_debt_in_another_currency_is_a_second_pool() -> None:
    rows = [_row("USDT", "1000", mmr="10", mgnRatio="88"), _row("BTC", "-0.1", eqUsd="-6400")]
    with pytest.raises(AccountStateError, match=r"USDT, BTC"):
        margin_risk(_config("2"), _balance(rows), account_name="a", fetched_at=AT)


def test_futures_mode_a_lone_negative_currency_is_insolvent_in_it() -> None:
    rows = [_row("USDT", "1000"), _row("BTC", "-0.1", eqUsd="-6400")]
    risk = margin_risk(_config("2"), _balance(rows, totalEq="-5400"), account_name="a",
                       fetched_at=AT)
    assert (risk.quote_asset, risk.health.state) == ("BTC", HealthState.INSOLVENT)
    assert (risk.equity, risk.borrowed_value) == (Decimal("-0.1"), Decimal("0.1"))


@pytest.mark.parametrize(("mmr", "ratio", "field"), [
    ("", "0.9", "mgnRatio"),  # a currency's ratio without its margin: not "no position"
    ("10", "101", "mgnRatio"),  # above eq / mmr = 100: safer than the currency's figures
])
def test_futures_mode_a_currency_ratio_that_contradicts_its_figures_is_refused(
    mmr: str, ratio: str, field: str,
) -> None:
    rows = [_row("USDT", "1000", mmr=mmr, mgnRatio=ratio)]
    with pytest.raises(InvalidResponseError) as caught:
        margin_risk(_config("2"), _balance(rows), account_name="a", fetched_at=AT)
    assert caught.value.field == f"$.data[0].details[0].{field}"


# -- isolated positions: the weakest pool decides (docs/host-api.md) --------------------------

CROSS_OK = {"totalEq": "1000", "adjEq": "1000", "mmr": "10", "mgnRatio": "88", "upl": "5",
            "isoEq": "35"}
"""Multi-currency margin: a healthy cross pool (ratio 88) and 35 USD of isolated equity."""
USDT_ISO = _row("USDT", "1000", isoEq="35")


def _pos(ccy: str = "USDT", mmr: str = "35", margin: str = "40", upl: str = "-5",
         ratio: str = "", **more: str) -> dict[str, str]:
    return {"posId": f"p-{ccy}-{mmr}-{ratio}", "instId": f"{ccy}-X-SWAP", "mgnMode": "isolated",
            "ccy": ccy, "mmr": mmr, "mgnRatio": ratio, "margin": margin, "upl": upl, **more}


def _weakest(level: str, balance: Balance, *rows: dict[str, str]) -> MarginRisk:
    """The risk read as the protocol reads it: the balance's cross pool, then the positions."""
    assert holds_isolated(balance)
    risk = margin_risk(_config(level), balance, account_name="a", fetched_at=AT)
    return weakest_pool(risk, balance, json.loads(json.dumps(list(rows))))


def _refused_at(level: str, balance: Balance, *rows: dict[str, str]) -> str | None:
    with pytest.raises(InvalidResponseError) as caught:
        _weakest(level, balance, *rows)
    return caught.value.field


def test_a_balance_without_isolated_equity_needs_no_positions() -> None:
    for iso in ("0", ""):
        assert not holds_isolated(_balance([_row("USDT", "1000", isoEq=iso)], isoEq=iso))
    assert holds_isolated(_balance([_row("USDT", "1000", isoEq="0.1")], isoEq=""))  # Futures
    assert holds_isolated(_balance([_row("USDT", "1000")], isoEq="35"))


@pytest.mark.parametrize("level", ["3", "4"])
@pytest.mark.parametrize("ratio", ["1", "0.9", "-0.2"])
def test_an_isolated_position_at_its_liquidation_line_is_at_risk_with_a_healthy_cross_pool(
    level: str, ratio: str,
) -> None:
    # Before: refused (AccountStateError); read from the cross figures alone it was "ok".
    risk = _weakest(level, _balance([USDT_ISO], **CROSS_OK), _pos(ratio=ratio))
    assert risk.health.state is HealthState.AT_RISK
    assert risk.health.value == Decimal(ratio)
    assert risk.extras["cross_ratio"] == 88
    assert risk.extras["weakest_isolated_ratio"] == Decimal(ratio)
    assert risk.extras["isolated_positions"] == 1
    assert risk.maintenance_margin == 45  # cross 10 + isolated 35, USDT valued at eqUsd / eq
    assert risk.unrealized_pnl == 0  # cross 5 + isolated -5
    assert risk.equity == 1000
    assert risk.total_value + risk.unrealized_pnl - risk.debt == risk.equity


def test_a_healthy_isolated_position_does_not_hide_a_cross_pool_at_risk() -> None:
    account = {**CROSS_OK, "mmr": "1000", "mgnRatio": "0.95"}  # adjEq 1000 / mmr 1000 >= 0.95
    risk = _weakest("3", _balance([USDT_ISO], **account), _pos(mmr="5", ratio="6"))
    assert (risk.health.state, risk.health.value) == (HealthState.AT_RISK, Decimal("0.95"))
    assert (risk.extras["cross_ratio"], risk.extras["weakest_isolated_ratio"]) == (
        Decimal("0.95"), Decimal(6))
    assert risk.maintenance_margin == 1005


def test_isolated_positions_alone_are_exposed_in_usd_at_the_balance_price() -> None:
    # No cross position (mmr 0, mgnRatio ""): the cross figures alone read "not_applicable".
    btc = _row("BTC", "0.5", eqUsd="32000", isoEq="0.105", upl="0.005")
    account = {"totalEq": "32000", "adjEq": "32000", "mmr": "0", "upl": "0", "isoEq": "6720"}
    risk = _weakest("3", _balance([btc], **account),
                    _pos("BTC", mmr="0.01", margin="0.1", upl="0.005", ratio="9"))
    assert (risk.health.state, risk.health.value) == (HealthState.OK, Decimal(9))
    assert "cross_ratio" not in risk.extras
    assert risk.maintenance_margin == 640  # 0.01 BTC at 64000 USD (eqUsd / eq)
    assert risk.unrealized_pnl == 320
    assert risk.total_value == 32000 - 320


def test_several_positions_the_weakest_decides_and_the_margins_add_up() -> None:
    rows = [_row("USDT", "1000", isoEq="120"), _row("BTC", "0.5", eqUsd="32000", isoEq="0.1")]
    cross_position = {**_pos(mmr="999", ratio="0.1"), "mgnMode": "cross", "posId": "c"}
    risk = _weakest("3", _balance(rows, **{**CROSS_OK, "isoEq": "6520"}),
                    _pos(mmr="10", margin="60", upl="0", ratio="5"),
                    _pos(mmr="20", margin="60", upl="0", ratio="2.5"),
                    _pos("BTC", mmr="0.01", margin="0.1", upl="0", ratio="8"),
                    _pos(mmr="0", margin="5", upl="0"),  # margin moved in, no position yet
                    cross_position)  # counted in the cross figures: never twice
    assert (risk.health.state, risk.health.value) == (HealthState.OK, Decimal("2.5"))
    assert risk.extras["isolated_positions"] == 3
    assert risk.extras["weakest_isolated_ratio"] == Decimal("2.5")
    assert risk.maintenance_margin == 10 + 10 + 20 + 640


def test_futures_mode_isolated_positions_join_their_currency_pool() -> None:
    rows = [_row("USDT", "1000", upl="-20", mmr="10", mgnRatio="50", isoEq="100"),
            _row("BTC", "0.1", eqUsd="6400")]
    risk = _weakest("2", _balance(rows, isoEq="100"),
                    _pos(mmr="20", margin="110", upl="-10", ratio="0.99"))
    assert (risk.quote_asset, risk.health.state) == ("USDT", HealthState.AT_RISK)
    assert (risk.health.value, risk.extras["cross_ratio"]) == (Decimal("0.99"), Decimal(50))
    assert risk.maintenance_margin == 30
    assert risk.unrealized_pnl == -20  # the currency's upl counts every position already
    # An isolated position alone: before, "not_applicable" (mmr and mgnRatio "")
    alone = [_row("USDT", "1000", isoEq="120", mmr="", mgnRatio="")]
    risk = _weakest("2", _balance(alone, isoEq=""), _pos(mmr="30", margin="120", upl="0",
                                                         ratio="3.5"))
    assert (risk.quote_asset, risk.health.value, risk.maintenance_margin) == (
        "USDT", Decimal("3.5"), Decimal(30))


def test_futures_mode_an_isolated_position_in_another_currency_is_another_pool() -> None:
    rows = [_row("USDT", "1000", mmr="10", mgnRatio="50"),
            _row("BTC", "0.1", eqUsd="6400", isoEq="0.01")]
    with pytest.raises(AccountStateError, match=r"USDT, BTC"):
        margin_risk(_config("2"), _balance(rows), account_name="a", fetched_at=AT)


def test_the_whole_wallet_insolvent_stays_insolvent() -> None:
    account = {"totalEq": "-360", "adjEq": "-360", "mmr": "50", "mgnRatio": "-6.4", "upl": "0",
               "isoEq": "640"}
    rows = [_row("BTC", "0.01", eqUsd="640", isoEq="0.01"), _row("USDT", "-1000", liab="1000")]
    risk = _weakest("3", _balance(rows, **account),
                    _pos("BTC", mmr="0.001", margin="0.01", upl="0", ratio="9"))
    assert risk.health.state is HealthState.INSOLVENT


@pytest.mark.parametrize("positions", [
    pytest.param([], id="none"),
    pytest.param([{**_pos(ratio="9"), "mgnMode": "cross"}], id="cross only"),
    pytest.param([_pos("BTC", ratio="0.5")], id="another currency"),
])
def test_positions_that_contradict_the_isolated_equity_are_refused(
    positions: list[dict[str, str]],
) -> None:
    balance = _balance([USDT_ISO, _row("BTC", "1", eqUsd="64000")], **CROSS_OK)
    field = _refused_at("3", balance, *positions)
    assert field == ("$.data[0].ccy" if positions and positions[0]["ccy"] == "BTC" else "$.data")


@pytest.mark.parametrize(("change", "field"), [
    ({"mgnRatio": ""}, "mgnRatio"),  # requires margin, no ratio: how near liquidation?
    ({"margin": ""}, "margin"),
    ({"upl": ""}, "upl"),
    ({"mmr": "-1"}, "mmr"),
    ({"mmr": "0", "mgnRatio": "0.5"}, "mgnRatio"),  # a ratio over no maintenance margin
    ({"mmr": "", "mgnRatio": "0.5"}, "mgnRatio"),
    ({"mgnRatio": "1.2"}, "mgnRatio"),  # above (margin + upl) / mmr = 35 / 35
    ({"upl": "-50", "mgnRatio": "0.1"}, "mgnRatio"),  # margin + upl below zero: ratio <= 0
    ({"mgnMode": "portfolio"}, "mgnMode"),
    ({"mgnRatio": "NaN"}, "mgnRatio"),
    ({"mmr": 35}, "mmr"),  # a JSON number
])
def test_a_malformed_or_self_contradicting_position_is_refused_at_its_field(
    change: dict[str, Any], field: str,
) -> None:
    balance = _balance([USDT_ISO], **CROSS_OK)
    assert _refused_at("3", balance, {**_pos(ratio="0.9"), **change}) == f"$.data[0].{field}"


@pytest.mark.parametrize("key", ["mmr", "mgnRatio", "posId", "mgnMode", "ccy"])
def test_a_position_without_a_key_it_must_carry_is_refused(key: str) -> None:
    row = {k: v for k, v in _pos(ratio="0.9").items() if k != key}
    assert _refused_at("3", _balance([USDT_ISO], **CROSS_OK), row) == f"$.data[0].{key}"


def test_a_position_listed_twice_is_refused() -> None:
    row = _pos(ratio="0.9")
    assert _refused_at("3", _balance([USDT_ISO], **CROSS_OK), row, row) == "$.data[1].posId"
