"""The Binance balance rules that keep an ambiguous or impossible answer from becoming a total.

Binance sends ``free`` and ``locked`` (each refused when negative), so ``available = free`` is
never above ``total = free + locked``; the rules pinned here are those of
docs/exchanges/binance.md ("Validation").
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

import pytest

from adapters.binance.convert import margin_snapshot, spot_snapshot, structure
from adapters.binance.wire import MarginAccount, SpotAccount
from framework.errors import InvalidResponseError
from framework.models import BalanceSnapshot

NOW: Final = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def spot(*rows: dict[str, str]) -> BalanceSnapshot:
    wire = structure({"balances": list(rows)}, SpotAccount)
    return spot_snapshot(wire, account_name="main", fetched_at=NOW)


def margin(*rows: dict[str, str], omit_zero: bool = True) -> BalanceSnapshot:
    document: dict[str, Any] = {
        "marginLevel": "999", "totalAssetOfBtc": "0", "totalLiabilityOfBtc": "0",
        "totalNetAssetOfBtc": "0", "userAssets": list(rows),
    }
    wire = structure(document, MarginAccount)
    return margin_snapshot(wire, account_name="main", fetched_at=NOW, omit_zero=omit_zero)


def spot_row(asset: str, free: str = "1", locked: str = "0") -> dict[str, str]:
    return {"asset": asset, "free": free, "locked": locked}


def margin_row(asset: str, free: str = "1", locked: str = "0", borrowed: str = "0",
               interest: str = "0", net: str | None = None) -> dict[str, str]:
    if net is None:
        net = str(Decimal(free) + Decimal(locked) - Decimal(borrowed) - Decimal(interest))
    return {"asset": asset, "free": free, "locked": locked, "borrowed": borrowed,
            "interest": interest, "netAsset": net}


@pytest.mark.parametrize(("first", "second"), [("BTC", "btc"), ("bnb", "BNB"), ("Eth", "ETH")])
def test_spot_codes_that_differ_only_in_case_are_refused(first: str, second: str) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        spot(spot_row("LTC"), spot_row(first), spot_row(second, "2"))
    assert caught.value.field == "$.balances[2].asset"
    assert "differ only in case" in caught.value.detail


@pytest.mark.parametrize(("first", "second"), [("BTC", "btc"), ("usdt", "USDT")])
def test_margin_codes_that_differ_only_in_case_are_refused(first: str, second: str) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        margin(margin_row(first), margin_row(second, "2"))
    assert caught.value.field == "$.userAssets[1].asset"
    assert "differ only in case" in caught.value.detail


def test_codes_differing_only_in_case_are_refused_even_in_empty_margin_rows() -> None:
    # An all-zero row is left out of the snapshot, but the answer is still ambiguous.
    with pytest.raises(InvalidResponseError) as caught:
        margin(margin_row("BTC"), margin_row("btc", "0"))
    assert caught.value.field == "$.userAssets[1].asset"


def test_spot_fields_each_land_in_their_own_place() -> None:
    (row,) = spot(spot_row("BTC", free="0.25", locked="1.5")).balances
    assert (row.total, row.available, row.locked) == (Decimal("1.75"), Decimal("0.25"),
                                                      Decimal("1.5"))
    assert row.borrowed == row.interest == 0


def test_margin_fields_each_land_in_their_own_place() -> None:
    (row,) = margin(margin_row("BTC", free="0.25", locked="1.5", borrowed="0.5",
                               interest="0.125")).balances
    assert (row.total, row.available, row.locked) == (Decimal("1.75"), Decimal("0.25"),
                                                      Decimal("1.5"))
    assert (row.borrowed, row.interest, row.net) == (Decimal("0.5"), Decimal("0.125"),
                                                     Decimal("1.125"))


@pytest.mark.parametrize(("free", "locked"), [("0", "0"), ("1", "0"), ("0", "1"), ("-0", "0")])
def test_available_never_exceeds_total(free: str, locked: str) -> None:
    for snapshot in (spot(spot_row("BTC", free, locked)),
                     margin(margin_row("BTC", free, locked), omit_zero=False)):
        (row,) = snapshot.balances
        assert 0 <= row.available <= row.total
        assert row.locked == Decimal(locked)


@pytest.mark.parametrize("key", ["free", "locked"])
def test_a_negative_spot_amount_makes_no_negative_locked(key: str) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        spot(spot_row("BTC", **{key: "-0.00000001"}))
    assert caught.value.field == f"$.balances[0].{key}"


def test_an_all_zero_margin_row_is_left_out_and_any_amount_keeps_it() -> None:
    zero = margin_row("ETH", "0")
    assert margin(zero).assets == ()
    assert margin(zero, omit_zero=False).assets == ("ETH",)
    for key in ("free", "locked", "borrowed", "interest"):
        amounts = {"free": "0", "locked": "0", "borrowed": "0", "interest": "0", key: "1"}
        net = "1" if key in {"free", "locked"} else "-1"
        assert margin(margin_row("ETH", **amounts, net=net)).assets == ("ETH",), key
