"""Fan-out results and per-asset totals: exact sums that say which accounts they miss."""

from __future__ import annotations

from decimal import Decimal

import pytest

from framework.errors import RequestTimeoutError
from framework.models import AssetBalance, BalanceSnapshot
from framework.results import AccountResult, AmountField, FanOut, total_by_asset
from tests.framework.helpers import row, snapshot


def _ok(name: str, *rows: AssetBalance) -> AccountResult[BalanceSnapshot]:
    return AccountResult(name, "alpha", value=snapshot(name, rows))


def _failed(name: str) -> AccountResult[BalanceSnapshot]:
    return AccountResult(name, "alpha", error=RequestTimeoutError("no answer in 10s"))


@pytest.fixture
def fan_out() -> FanOut[BalanceSnapshot]:
    return FanOut([
        _ok("b", row("USDT", "0.1", "0.1"), row("BTC", "2.5", "1", borrowed="1", interest="0.01")),
        _failed("slow"),
        _ok("a", row("USDT", "0.2", "0.05")),
    ])


def test_a_result_holds_exactly_one_of_value_and_error() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        AccountResult("a", "alpha")
    with pytest.raises(ValueError, match="exactly one"):
        AccountResult("a", "alpha", value=1, error=RequestTimeoutError("late"))


def test_unwrap_gives_the_value_or_raises_the_error() -> None:
    assert _ok("a").unwrap().account == "a"
    failed = _failed("slow")
    assert not failed.ok
    with pytest.raises(RequestTimeoutError) as caught:
        failed.unwrap()
    assert caught.value is failed.error


def test_a_fan_out_keeps_order_and_splits_values_from_errors(
    fan_out: FanOut[BalanceSnapshot],
) -> None:
    assert [r.account for r in fan_out] == ["b", "slow", "a"]
    assert len(fan_out) == 3
    assert not fan_out.ok
    assert list(fan_out.values) == ["b", "a"]
    assert list(fan_out.errors) == ["slow"]
    assert fan_out["a"].value is not None
    with pytest.raises(KeyError):
        fan_out["nobody"]
    assert FanOut([_ok("a")]).ok


@pytest.mark.parametrize(
    ("field", "usdt", "btc"),
    [
        ("total", "0.3", "2.5"),
        ("available", "0.15", "1"),
        ("locked", "0.15", "1.5"),
        ("borrowed", "0", "1"),
        ("interest", "0", "0.01"),
        ("net", "0.3", "1.49"),
    ],
)
def test_totals_are_exact_per_field(
    fan_out: FanOut[BalanceSnapshot], field: AmountField, usdt: str, btc: str
) -> None:
    totals = total_by_asset(fan_out, field)
    assert totals.field == field
    assert list(totals.totals) == ["BTC", "USDT"]  # by name, whatever the exchanges' order
    assert totals.totals["USDT"] == Decimal(usdt)  # 0.1 + 0.2 is 0.3 exactly
    assert totals.totals["BTC"] == Decimal(btc)
    assert totals.included == ("b", "a")
    assert totals.missing == ("slow",)
    assert not totals.complete


def test_totals_of_plain_results_without_failures_are_complete() -> None:
    totals = total_by_asset([_ok("a", row("ETH", "0.6")), _ok("b")])
    assert totals.complete
    assert dict(totals.totals) == {"ETH": Decimal("0.6")}
    assert totals.included == ("a", "b")
