"""What folio reports must not be readable with a wrong meaning: models, tables and JSON.

Each test pins one rule that an independent implementation would check: a negative net value
is never "nothing borrowed", a leverage is never shown for an account without positive equity,
what is available is never negative, a zero is never written ``-0``, no amount or threshold is
ever written in exponent notation, and the JSON of every model names the state and writes
``null`` where a value is not reported or not defined.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from framework.models import (
    NOT_APPLICABLE,
    AssetBalance,
    HealthMetric,
    HealthState,
    MarginHealth,
    MarginRisk,
    Ratio,
    WalletKind,
)
from framework.render import balances_table, health_text, risk_table, totals_table
from framework.results import AccountResult, FanOut, total_by_asset
from framework.serialize import amount_text, dumps, to_jsonable
from tests.framework.helpers import FETCHED_AT, snapshot

D = Decimal
ONE = D(1)


def health(
    ratio: str | None, *, equity: str, debt: str, threshold: Decimal | None = ONE
) -> MarginHealth:
    return MarginHealth.assess(
        metric=HealthMetric.CUSHION, ratio=None if ratio is None else D(ratio),
        liquidation_threshold=threshold, equity=D(equity), debt=D(debt),
    )


def profile(
    *, total: str, borrowed: str, equity: str, assessed: MarginHealth,
    leverage: Ratio = NOT_APPLICABLE, available: str | None = None,
    interest: str | None = "0",
) -> MarginRisk:
    return MarginRisk(
        exchange="alpha", account="main", quote_asset="USDT", total_value=D(total),
        available_value=None if available is None else D(available),
        borrowed_value=D(borrowed), interest_value=None if interest is None else D(interest),
        equity=D(equity), leverage=leverage, max_leverage=None, health=assessed,
        fetched_at=FETCHED_AT,
    )


# -- models ----------------------------------------------------------------------------------


def test_a_negative_net_value_without_debt_is_not_nothing_borrowed() -> None:
    # Nothing owed means the net value is what is held, never below zero.
    with pytest.raises(ValueError, match=r"net value -0\.5 without any debt"):
        health(None, equity="-0.5", debt="0")


def test_margin_risk_refuses_a_negative_equity_without_debt() -> None:
    not_applicable = health(None, equity="0", debt="0")
    assert profile(total="0", borrowed="0", equity="-0", assessed=not_applicable).debt == 0
    with pytest.raises(ValueError, match=r"equity -0\.5 without any debt"):
        profile(total="0", borrowed="0", equity="-0.5", assessed=not_applicable)


@pytest.mark.parametrize("equity", ["0", "-51.5"])
def test_no_leverage_is_shown_without_positive_equity(equity: str) -> None:
    insolvent = health(None, equity=equity, debt="151.5")
    assert profile(total="100", borrowed="151.5", equity=equity,
                   assessed=insolvent).leverage is NOT_APPLICABLE
    with pytest.raises(ValueError, match="leverage 2 for an equity of"):
        profile(total="100", borrowed="151.5", equity=equity, assessed=insolvent,
                leverage=D(2))


@pytest.mark.parametrize("equity", ["1", "0.5", "1E-90"])
def test_any_positive_equity_may_carry_a_leverage(equity: str) -> None:
    ok = health("2", equity=equity, debt="100")
    read = profile(total="100", borrowed="100", equity=equity, assessed=ok, leverage=D(100))
    assert read.leverage == 100


def test_a_negative_available_value_is_refused() -> None:
    ok = health("2", equity="50", debt="50")
    assert profile(total="100", borrowed="50", equity="50", assessed=ok,
                   available="0").available_value == 0
    with pytest.raises(ValueError, match="available_value must not be negative"):
        profile(total="100", borrowed="50", equity="50", assessed=ok, available="-1")


# -- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "text"),
    [("-0", "0"), ("-0.00", "0.00"), ("-0E-8", "0.00000000"), ("-0E+3", "0"),
     ("1E+99", "1" + "0" * 99), ("1E-99", "0." + "0" * 98 + "1"), ("-1E-8", "-0.00000001")],
)
def test_amounts_have_no_negative_zero_and_no_exponent(amount: str, text: str) -> None:
    assert amount_text(D(amount)) == text


def test_a_negative_zero_balance_is_written_as_zero_everywhere() -> None:
    taken = snapshot(rows=[AssetBalance("BTC", D("-0"), D("0"), D("-0"), D("-0"))])
    row = to_jsonable(taken)["balances"][0]
    assert row == {"asset": "BTC", "total": "0", "available": "0", "locked": "0",
                   "borrowed": "0", "interest": "0", "net": "0", "unrealized_pnl": "0",
                   "equity": "0"}
    table = balances_table(FanOut([AccountResult("main", "alpha", value=taken)]))
    assert "-0" not in table


def test_thresholds_in_the_table_are_written_out() -> None:
    # A plugin may build its threshold as Decimal("1E+1"); the table says 10, not 1E+1.
    ten = D("1E+1")
    ok = profile(total="100", borrowed="50", equity="50",
                 assessed=health("2E+1", equity="50", debt="50", threshold=ten))
    at_risk = profile(total="100", borrowed="50", equity="50",
                      assessed=health("5", equity="50", debt="50", threshold=ten))
    assert health_text(ok) == "ok: cushion 20 (liquidation at 10)"
    assert health_text(at_risk) == "AT RISK: cushion 5, liquidation at 10"


def test_huge_and_tiny_risk_figures_are_written_out() -> None:
    big = "9" * 90
    read = profile(total=big, borrowed="1E-9", equity="9" * 89 + "8",
                   assessed=health("1E+3", equity=big, debt="1E-9"), leverage=D("1.0"),
                   interest=None)
    table = risk_table(FanOut([AccountResult("main", "alpha", value=read)]))
    assert big in table
    assert "0.000000001" in table
    assert "E+" not in table
    assert "E-" not in table


# -- JSON ------------------------------------------------------------------------------------


def test_json_of_an_account_that_borrows_nothing() -> None:
    read = profile(total="100", borrowed="0", equity="100", interest=None,
                   assessed=health(None, equity="100", debt="0"))
    data = to_jsonable(read)
    assert data["health"] == {"metric": "cushion", "state": "not_applicable", "value": None,
                              "liquidation_threshold": "1", "higher_is_safer": True}
    assert data["available_value"] is None
    assert data["interest_value"] is None
    assert data["max_leverage"] is None
    assert data["leverage"] is None
    assert data["extras"] == {}
    assert to_jsonable(read.health) == data["health"]


def test_json_of_an_unrated_account_has_a_null_threshold() -> None:
    read = profile(total="100", borrowed="50", equity="50", leverage=D(2),
                   assessed=health("3", equity="50", debt="50", threshold=None))
    assert to_jsonable(read)["health"] == {"metric": "cushion", "state": "unrated",
                                           "value": "3", "liquidation_threshold": None,
                                           "higher_is_safer": True}
    assert '"leverage": "2"' in dumps(read)


# -- totals ----------------------------------------------------------------------------------


def test_totals_over_cash_and_margin_wallets() -> None:
    cash = snapshot(rows=[AssetBalance("BTC", D("1.5"), D("1"))])
    margin = snapshot(rows=[AssetBalance("BTC", D("2"), D("2"), D("0.5"), D("0.01"))],
                      wallet=WalletKind.MARGIN)
    both = [AccountResult("main", "alpha", value=cash),
            AccountResult("main", "alpha", value=margin)]
    expected = {"total": "3.5", "available": "3", "locked": "0.5", "borrowed": "0.5",
                "interest": "0.01", "net": "2.99"}
    for field, amount in expected.items():
        totals = total_by_asset(both, field)  # type: ignore[arg-type]
        assert dict(totals.totals) == {"BTC": D(amount)}, field
        assert totals.included == ("main",)
    text = totals_table(total_by_asset(both, "net"))
    assert text.splitlines()[0].split() == ["ASSET", "NET"]
    assert "2.99" in text


@pytest.mark.parametrize("field", ["asset", "value", "TOTAL", ""])
def test_totals_of_an_unknown_field_are_refused(field: Any) -> None:
    cash = snapshot(rows=[AssetBalance("BTC", D("1.5"), D("1"))])
    with pytest.raises(ValueError, match="cannot total"):
        total_by_asset([AccountResult("main", "alpha", value=cash)], field)


def test_states_cover_the_health_states() -> None:
    # Every state the model knows is one the JSON and the table can say.
    assert {state.value for state in HealthState} == {
        "ok", "at_risk", "insolvent", "not_applicable", "unrated"}
