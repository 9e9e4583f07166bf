"""Exposure without debt: derivatives are liquidated though nothing is borrowed (issue #12).

Before issue #12 "applicable" meant "something is borrowed", so a futures account with open
positions and no loan read ``not_applicable``: nothing to worry about, the dangerous reading
the health state exists to prevent. These tests pin the rules that replaced it, the
lower-is-safer maintenance margin rate (Bybit), and the unrealized profit a balance and a risk
profile now carry as their own field (never folded into ``net``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from framework import AssetBalance, HealthMetric, HealthState, MarginHealth, MarginRisk, WalletKind
from framework.models import NOT_APPLICABLE
from tests.framework.helpers import FETCHED_AT

D = Decimal


def futures_risk(**changes: Any) -> MarginRisk:
    """A futures account with one position and no debt: margin 1000, 40 required."""
    fields: dict[str, Any] = {
        "exchange": "binance", "account": "f", "quote_asset": "USDT",
        "total_value": D("1000"), "available_value": D("900"), "borrowed_value": D(0),
        "interest_value": None, "equity": D("1050"), "leverage": D("1000") / D("1050"),
        "max_leverage": None, "fetched_at": FETCHED_AT, "wallet": WalletKind.FUTURES,
        "maintenance_margin": D("40"), "unrealized_pnl": D("50"),
        "position_notional": D("2100"),
    }
    fields.update(changes)
    if "health" not in fields:
        fields["health"] = MarginHealth.assess(
            metric=HealthMetric.CUSHION, ratio=fields["equity"] / D(40),
            liquidation_threshold=D(1), equity=fields["equity"], debt=D(0),
            maintenance_margin=fields["maintenance_margin"],
        )
    return MarginRisk(**fields)


@pytest.mark.parametrize(
    ("ratio", "equity", "margin", "state"),
    [
        ("26.25", "1050", "40", HealthState.OK),
        ("1", "40", "40", HealthState.AT_RISK),
        ("0.5", "20", "40", HealthState.AT_RISK),
        (None, "0", "40", HealthState.INSOLVENT),
        (None, "-5", "40", HealthState.INSOLVENT),
        (None, "1050", "0", HealthState.NOT_APPLICABLE),
        (None, "1050", None, HealthState.NOT_APPLICABLE),
    ],
)
def test_positions_without_debt_are_exposed(
    ratio: str | None, equity: str, margin: str | None, state: HealthState
) -> None:
    health = MarginHealth.assess(
        metric=HealthMetric.CUSHION, ratio=None if ratio is None else D(ratio),
        liquidation_threshold=D(1), equity=D(equity), debt=D(0),
        maintenance_margin=None if margin is None else D(margin),
    )
    assert health.state is state


def test_a_negative_equity_without_debt_or_position_is_refused() -> None:
    with pytest.raises(ValueError, match="without any debt or position"):
        MarginHealth.assess(metric=HealthMetric.CUSHION, ratio=None, liquidation_threshold=D(1),
                            equity=D(-1), debt=D(0), maintenance_margin=D(0))


def test_a_negative_maintenance_margin_is_refused() -> None:
    with pytest.raises(ValueError, match="maintenance margin must not be negative"):
        MarginHealth.assess(metric=HealthMetric.CUSHION, ratio=D(2), liquidation_threshold=D(1),
                            equity=D(1), debt=D(0), maintenance_margin=D(-1))


@pytest.mark.parametrize(
    ("rate", "state"),
    [("0", HealthState.OK), ("0.9999", HealthState.OK), ("1", HealthState.AT_RISK),
     ("1.2", HealthState.AT_RISK)],
)
def test_a_maintenance_margin_rate_is_safer_when_lower(rate: str, state: HealthState) -> None:
    metric = HealthMetric.MAINTENANCE_MARGIN_RATE
    assert not metric.higher_is_safer
    health = MarginHealth.assess(metric=metric, ratio=D(rate), liquidation_threshold=D(1),
                                 equity=D(100), debt=D(0), maintenance_margin=D(10))
    assert health.state is state
    other = HealthState.AT_RISK if state is HealthState.OK else HealthState.OK
    with pytest.raises(ValueError, match="contradicts"):  # the other way round is refused
        MarginHealth(metric, other, D(rate), D(1))


def test_a_futures_risk_profile_with_positions_is_judged_not_waved_through() -> None:
    risk = futures_risk()
    assert risk.health.state is HealthState.OK
    assert risk.debt == 0
    assert risk.equity == risk.total_value + D(50)
    assert risk.notional_leverage == D(2)
    assert futures_risk(position_notional=None).notional_leverage is None


def test_a_risk_profile_cannot_call_an_exposed_account_not_applicable() -> None:
    waved = MarginHealth(HealthMetric.CUSHION, HealthState.NOT_APPLICABLE, NOT_APPLICABLE, D(1))
    with pytest.raises(ValueError, match="maintenance margin of 40"):
        futures_risk(health=waved)


def test_a_futures_account_whose_losses_ate_its_margin_is_insolvent() -> None:
    risk = futures_risk(equity=D("-10"), unrealized_pnl=D("-1010"), leverage=NOT_APPLICABLE)
    assert risk.health.state is HealthState.INSOLVENT
    assert risk.notional_leverage is NOT_APPLICABLE
    ok = MarginHealth(HealthMetric.CUSHION, HealthState.OK, D(2), D(1))
    with pytest.raises(ValueError, match="contradicts equity -10"):
        futures_risk(equity=D("-10"), unrealized_pnl=D("-1010"), leverage=NOT_APPLICABLE,
                     health=ok)


def test_unrealized_profit_is_its_own_field_not_part_of_net() -> None:
    row = AssetBalance("USDT", D("1000"), D("1010"), unrealized_pnl=D("50"))
    assert row.net == D("1000")  # the ledger: settled amounts only
    assert row.equity == D("1050")  # with positions marked
    assert row.locked == D("40")  # margin held by the position: 1000 + 50 - 1010
    loss = AssetBalance("USDT", D("1000"), D("900"), unrealized_pnl=D("-60"))
    assert (loss.net, loss.equity, loss.locked) == (D("1000"), D("940"), D("40"))
    carried = AssetBalance("BTC", D("0.1"), D("0"), unrealized_pnl=D("-0.3"))
    assert (carried.equity, carried.locked) == (D("-0.2"), D("0"))  # the loss is carried
    plain = AssetBalance("BTC", D("2"), D("1.5"), D("0.5"), D("0.01"))
    assert (plain.net, plain.equity, plain.locked) == (D("1.49"), D("1.49"), D("0.5"))


def test_unrealized_profit_must_be_an_exact_decimal() -> None:
    with pytest.raises(TypeError, match="unrealized_pnl must be a Decimal"):
        AssetBalance("USDT", D(1), D(1), unrealized_pnl=1.5)  # type: ignore[arg-type]
