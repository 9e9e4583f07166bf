"""Domain models: frozen, slotted, exact Decimals, derived amounts, UTC, explicit N/A."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest

from framework.models import (
    NOT_APPLICABLE,
    AssetBalance,
    BalanceSnapshot,
    Capability,
    HealthMetric,
    HealthState,
    MarginHealth,
    WalletKind,
)
from tests.framework.helpers import FETCHED_AT, margin_risk, row, snapshot

MODELS = [
    pytest.param(row("BTC", "1"), id="AssetBalance"),
    pytest.param(snapshot(), id="BalanceSnapshot"),
    pytest.param(
        MarginHealth(HealthMetric.CUSHION, HealthState.OK, Decimal("1.5"), Decimal(1)),
        id="MarginHealth",
    ),
    pytest.param(margin_risk(), id="MarginRisk"),
]


@pytest.mark.parametrize("model", MODELS)
def test_models_are_frozen_and_slotted(model: Any) -> None:
    assert attrs.has(type(model))
    assert "__slots__" in type(model).__dict__
    assert not hasattr(model, "__dict__")
    name = attrs.fields(type(model))[0].name
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(model, name, getattr(model, name))


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        pytest.param(1.5, TypeError, "total must be a Decimal, got float", id="float"),
        pytest.param(2, TypeError, "got int", id="int"),
        pytest.param(True, TypeError, "got bool", id="bool"),
        pytest.param("1.5", TypeError, "got str", id="str"),
        pytest.param(Decimal("NaN"), ValueError, "finite", id="nan"),
        pytest.param(Decimal("-Infinity"), ValueError, "finite", id="infinity"),
    ],
)
def test_amounts_must_be_finite_decimals(
    value: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        AssetBalance("BTC", total=value, available=Decimal(1))  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["total_value", "equity", "leverage", "max_leverage"])
def test_margin_risk_refuses_floats(field: str) -> None:
    changes: dict[str, Any] = {field: 1.0}
    with pytest.raises(TypeError, match=f"{field} must be a Decimal, got float"):
        attrs.evolve(margin_risk(), **changes)


def test_margin_risk_extras_are_decimals_and_read_only() -> None:
    extras = {"points_balance": Decimal(0)}
    risk = attrs.evolve(margin_risk(), extras=extras)
    extras["sneaked_in"] = Decimal(1)
    assert dict(risk.extras) == {"points_balance": Decimal(0)}
    with pytest.raises(TypeError):
        risk.extras["points_balance"] = Decimal(2)  # type: ignore[index]
    with pytest.raises(TypeError, match=r"extras\['points_balance'\] must be a finite Decimal"):
        attrs.evolve(margin_risk(), extras={"points_balance": 0.5})  # type: ignore[dict-item]


def test_health_threshold_is_optional_but_exact() -> None:
    unrated = MarginHealth(HealthMetric.MARGIN_LEVEL, HealthState.UNRATED, Decimal("1.1"))
    assert unrated.liquidation_threshold is None
    with pytest.raises(TypeError, match="liquidation_threshold"):
        MarginHealth(
            HealthMetric.MARGIN_LEVEL, HealthState.OK, Decimal(2), 1.1  # type: ignore[arg-type]
        )


def test_locked_and_net_are_derived_exactly() -> None:
    balance = row("BTC", "22.1308675", "16.1308675", borrowed="0.1", interest="0.0000001")
    assert balance.locked == Decimal("6.0000000")
    assert str(balance.locked) == "6.0000000"
    assert balance.net == Decimal("22.0308674")
    plain = row("ETH", "0.6")
    assert (plain.borrowed, plain.interest, plain.locked, plain.net) == (
        Decimal(0), Decimal(0), Decimal(0), Decimal("0.6")
    )


def test_a_snapshot_finds_assets_by_code() -> None:
    btc, usdt = row("BTC", "1"), row("USDT", "2")
    taken = snapshot(rows=[usdt, btc])
    assert taken.balances == (usdt, btc)  # a list is stored as a tuple, in exchange order
    assert taken.assets == ("USDT", "BTC")
    assert taken["BTC"] is btc
    assert taken.get("BTC") is btc
    assert taken.get("ETH") is None
    with pytest.raises(KeyError, match="ETH"):
        taken["ETH"]
    assert len(taken) == 2
    assert list(taken) == [usdt, btc]


def test_a_snapshot_lists_each_asset_once() -> None:
    with pytest.raises(ValueError, match="asset 'BTC' appears more than once"):
        snapshot(rows=[row("BTC", "1"), row("BTC", "2")])


@pytest.mark.parametrize(
    "moment",
    [
        pytest.param(datetime(2024, 5, 1, 12, 30), id="naive"),
        pytest.param(FETCHED_AT.astimezone(timezone(timedelta(hours=2))), id="utc+2"),
    ],
)
def test_fetch_times_must_be_aware_utc(moment: datetime) -> None:
    with pytest.raises(ValueError, match="fetched_at must be an aware UTC datetime"):
        BalanceSnapshot("alpha", "main", WalletKind.CASH, (), moment)
    with pytest.raises(ValueError, match="fetched_at must be an aware UTC datetime"):
        attrs.evolve(margin_risk(), fetched_at=moment)


def test_any_zero_offset_zone_is_utc() -> None:
    moment = FETCHED_AT.astimezone(timezone(timedelta(0), "Z"))
    assert moment.tzinfo is not UTC
    assert BalanceSnapshot("alpha", "main", WalletKind.CASH, (), moment).fetched_at == FETCHED_AT


def test_ratios_that_do_not_apply_are_named_not_numbers() -> None:
    risk = margin_risk()
    assert risk.leverage is NOT_APPLICABLE
    assert risk.health.value is NOT_APPLICABLE
    assert not risk.health.applicable
    assert repr(NOT_APPLICABLE) == "NOT_APPLICABLE"
    assert margin_risk(cushion=Decimal("1.2")).health.applicable
    with pytest.raises(TypeError, match="total_value must be a Decimal"):  # only ratios are N/A
        attrs.evolve(risk, total_value=NOT_APPLICABLE)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("wallet", "capability"),
    [
        (WalletKind.CASH, Capability.CASH_BALANCE),
        (WalletKind.MARGIN, Capability.MARGIN_BALANCE),
        (WalletKind.FUTURES, Capability.FUTURES_BALANCE),
    ],
)
def test_each_wallet_needs_its_own_capability(wallet: WalletKind, capability: Capability) -> None:
    assert Capability.for_wallet(wallet) is capability

