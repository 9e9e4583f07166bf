"""The checks of AssetBalance and BalanceSnapshot, made cheap, are still every field's checks.

``AssetBalance`` checks its four amounts in one validator call and ``BalanceSnapshot`` its
asset codes with one set in the common case (framework/models.py; why: docs/performance.md,
"Conversion"). These tests pin that each amount is still checked and named on its own, that
the common case really is the cheap one, and that a repeated code is named.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

import pytest

from framework import models
from framework.models import AssetBalance, BalanceSnapshot, WalletKind

NOW: Final = datetime(2026, 11, 25, tzinfo=UTC)
AMOUNTS: Final = ("total", "available", "borrowed", "interest")


@pytest.mark.parametrize("field", AMOUNTS)
@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [(1.5, TypeError, "must be a Decimal, got float"),
     ("1", TypeError, "must be a Decimal, got str"),
     (Decimal("NaN"), ValueError, "must be a finite Decimal")],
)
def test_each_amount_is_checked_and_named(
    field: str, bad: object, error: type[Exception], words: str
) -> None:
    amounts: dict[str, Any] = dict.fromkeys(AMOUNTS, Decimal(1))
    amounts[field] = bad
    with pytest.raises(error, match=rf"^{field} {words}"):
        AssetBalance("BTC", **amounts)


def test_the_first_bad_amount_is_the_one_named() -> None:
    with pytest.raises(TypeError, match=r"^available must be a Decimal, got int"):
        AssetBalance("BTC", Decimal(1), 2, 3.0, 4.0)  # type: ignore[arg-type]


def test_good_amounts_pass_without_the_field_by_field_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def field_by_field(*_args: object) -> None:
        raise AssertionError("the common case took the slow check")

    monkeypatch.setattr(models, "_is_exact_decimal", field_by_field)
    balance = AssetBalance("BTC", Decimal("1.5"), Decimal("-0"), Decimal(2), Decimal("0.1"))
    assert (balance.total, balance.interest) == (Decimal("1.5"), Decimal("0.1"))
    with pytest.raises(AssertionError):
        AssetBalance("BTC", Decimal(1), Decimal(1), Decimal(1), 1.0)  # type: ignore[arg-type]


def test_a_repeated_asset_is_named() -> None:
    rows = [AssetBalance(code, Decimal(1), Decimal(1)) for code in ("ETH", "BTC", "USDT", "BTC")]
    with pytest.raises(ValueError, match=r"^asset 'BTC' appears more than once"):
        BalanceSnapshot("x", "main", WalletKind.CASH, rows, NOW)
    snapshot = BalanceSnapshot("x", "main", WalletKind.CASH, rows[:3], NOW)
    assert snapshot.assets == ("ETH", "BTC", "USDT")
