"""Reading OKX answers: the net ledger per currency, risk per account mode, refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from adapters.okx.convert import balance_snapshot, margin_risk, one
from adapters.okx.simulator.demo import SAMPLE_BALANCE
from adapters.okx.wire import AccountConfig, Balance
from framework.errors import AccountStateError, InvalidResponseError
from framework.models import HealthState, WalletKind

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


@pytest.mark.parametrize("level", ["1", "3", "4"])
def test_isolated_positions_refuse_the_account_level_risk(level: str) -> None:
    # mmr and mgnRatio cover cross positions only: the isolated one may be liquidating while
    # the cross figures read "ok" (here) or "not_applicable" (no cross position).
    cross = {"totalEq": "1000", "adjEq": "1000", "mmr": "10", "mgnRatio": "88"}
    for account in (cross, {"totalEq": "1000", "mmr": "0"}):
        with pytest.raises(AccountStateError, match=r"isolated.*isoEq 35 USD.*USDT"):
            margin_risk(_config(level), _balance([_row("USDT", "1000", isoEq="35")],
                                                 isoEq="35", **account),
                        account_name="a", fetched_at=AT)
    risk = margin_risk(_config(level), _balance([_row("USDT", "1000", isoEq="0")], isoEq="0",
                                                **cross), account_name="a", fetched_at=AT)
    assert risk.health.state is HealthState.OK


def test_futures_mode_an_isolated_position_alone_is_not_nothing_to_liquidate() -> None:
    # Futures mode: mmr and mgnRatio "" for a currency whose only position is isolated; read
    # as the account-level figures this was "not_applicable".
    rows = [_row("USDT", "1000", isoEq="120", mmr="", mgnRatio="")]
    with pytest.raises(AccountStateError, match="isolated"):
        margin_risk(_config("2"), _balance(rows, isoEq=""), account_name="a", fetched_at=AT)


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
