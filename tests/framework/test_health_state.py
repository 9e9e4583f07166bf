"""The margin health state: decided from the amounts, never "safe" for an insolvent account.

The audit found AscendEX's ``cushion = "-1"`` read as "nothing borrowed" for an account whose
net value was negative. These tests pin every rule of :meth:`MarginHealth.assess` and the
consistency checks of :class:`MarginHealth` and :class:`MarginRisk`, so a plugin cannot build a
health that contradicts its own figures.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest

from framework import HealthMetric, HealthState, MarginHealth, MarginRisk
from framework.models import NOT_APPLICABLE
from framework.render import health_text, risk_table
from framework.results import AccountResult, FanOut
from framework.serialize import dumps, to_jsonable
from tests.framework.helpers import FETCHED_AT

D = Decimal
ONE = D(1)


def assess(ratio: str | None, *, equity: str, debt: str, threshold: Decimal | None = ONE) -> Any:
    return MarginHealth.assess(
        metric=HealthMetric.CUSHION,
        ratio=None if ratio is None else D(ratio),
        liquidation_threshold=threshold,
        equity=D(equity),
        debt=D(debt),
    )


@pytest.mark.parametrize(
    ("ratio", "equity", "debt", "threshold", "state", "value"),
    [
        pytest.param(None, "100", "0", ONE, HealthState.NOT_APPLICABLE, NOT_APPLICABLE,
                     id="nothing-borrowed"),
        pytest.param("5", "100", "0", ONE, HealthState.NOT_APPLICABLE, NOT_APPLICABLE,
                     id="nothing-borrowed-ratio-dropped"),
        pytest.param(None, "-51.5", "151.5", ONE, HealthState.INSOLVENT, NOT_APPLICABLE,
                     id="insolvent-sentinel"),
        pytest.param(None, "0", "10", ONE, HealthState.INSOLVENT, NOT_APPLICABLE,
                     id="insolvent-at-zero-equity"),
        pytest.param("0.66", "-5", "15", D("1.1"), HealthState.INSOLVENT, NOT_APPLICABLE,
                     id="insolvent-whatever-the-ratio"),
        pytest.param("1.0000001", "1", "1", ONE, HealthState.OK, D("1.0000001"),
                     id="just-above-threshold"),
        pytest.param("1", "1", "1", ONE, HealthState.AT_RISK, ONE, id="at-threshold"),
        pytest.param("0.7", "1", "1", ONE, HealthState.AT_RISK, D("0.7"), id="below-threshold"),
        pytest.param("3", "1", "0.00000001", None, HealthState.UNRATED, D(3),
                     id="threshold-unknown"),
    ],
)
def test_assess_decides_the_state_from_the_amounts(
    ratio: str | None, equity: str, debt: str, threshold: Decimal | None,
    state: HealthState, value: object,
) -> None:
    health = assess(ratio, equity=equity, debt=debt, threshold=threshold)
    assert health.state is state
    assert health.value == value
    assert health.liquidation_threshold == threshold
    assert health.applicable is (state is not HealthState.NOT_APPLICABLE)


def test_assess_refuses_a_missing_ratio_for_a_solvent_debtor() -> None:
    with pytest.raises(ValueError, match=r"no cushion for an exposed account \(debt 10"):
        assess(None, equity="5", debt="10")


def test_assess_refuses_negative_debt() -> None:
    with pytest.raises(ValueError, match="debt must not be negative"):
        assess("2", equity="5", debt="-1")


@pytest.mark.parametrize(
    ("state", "value", "threshold", "message"),
    [
        pytest.param(HealthState.INSOLVENT, D(2), ONE, "carries no ratio", id="insolvent-ratio"),
        pytest.param(HealthState.NOT_APPLICABLE, D(2), ONE, "carries no ratio", id="na-ratio"),
        pytest.param(HealthState.OK, NOT_APPLICABLE, ONE, "needs its ratio", id="ok-no-ratio"),
        pytest.param(HealthState.OK, D("0.9"), ONE, "contradicts", id="ok-below"),
        pytest.param(HealthState.OK, ONE, ONE, "contradicts", id="ok-at-threshold"),
        pytest.param(HealthState.AT_RISK, D(2), ONE, "contradicts", id="at-risk-above"),
        pytest.param(HealthState.OK, D(2), None, "needs the liquidation threshold",
                     id="ok-unjudged"),
        pytest.param(HealthState.UNRATED, D(2), ONE, "no known liquidation threshold",
                     id="unrated-with-threshold"),
    ],
)
def test_a_health_that_contradicts_itself_is_refused(
    state: HealthState, value: Any, threshold: Decimal | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        MarginHealth(HealthMetric.CUSHION, state, value, threshold)


def risk(equity: str, borrowed: str, interest: str | None, health: MarginHealth) -> MarginRisk:
    return MarginRisk(
        exchange="alpha",
        account="main",
        quote_asset="USDT",
        total_value=D(100),
        available_value=None,
        borrowed_value=D(borrowed),
        interest_value=None if interest is None else D(interest),
        equity=D(equity),
        leverage=NOT_APPLICABLE,
        max_leverage=None,
        health=health,
        fetched_at=FETCHED_AT,
    )


def test_margin_risk_refuses_a_safe_looking_insolvent_account() -> None:
    not_applicable = assess(None, equity="100", debt="0")
    with pytest.raises(ValueError, match=r"not_applicable contradicts a debt of 151\.5"):
        risk("-51.5", "150", "1.5", not_applicable)


def test_margin_risk_refuses_insolvent_without_debt_or_with_equity() -> None:
    insolvent = assess(None, equity="-1", debt="1")
    with pytest.raises(ValueError, match="contradicts a debt of 0"):
        risk("-1", "0", "0", insolvent)
    with pytest.raises(ValueError, match="insolvent contradicts equity 5"):
        risk("5", "1", None, insolvent)


def test_margin_risk_refuses_ok_for_non_positive_equity() -> None:
    ok = assess("2", equity="1", debt="1")
    with pytest.raises(ValueError, match="ok contradicts equity 0"):
        risk("0", "1", "0", ok)


@pytest.mark.parametrize("field", ["total_value", "borrowed_value", "interest_value"])
def test_margin_risk_refuses_negative_holdings_and_debts(field: str) -> None:
    healthy = risk("50", "10", "0", assess("2", equity="50", debt="10"))
    changes: dict[str, Any] = {field: D(-1)}
    with pytest.raises(ValueError, match=f"{field} must not be negative"):
        attrs.evolve(healthy, **changes)


def test_debt_counts_interest_when_reported_apart() -> None:
    assert risk("-51.5", "150", "1.5", assess(None, equity="-51.5", debt="151.5")).debt == D(
        "151.5"
    )
    assert risk("50", "10", None, assess("2", equity="50", debt="10")).debt == D(10)


def test_json_carries_the_state_and_no_ratio_for_insolvent() -> None:
    insolvent = risk("-51.5", "150", "1.5", assess(None, equity="-51.5", debt="151.5"))
    data = to_jsonable(insolvent)
    assert data["health"] == {
        "metric": "cushion",
        "state": "insolvent",
        "value": None,
        "liquidation_threshold": "1",
        "higher_is_safer": True,
    }
    ok = to_jsonable(risk("50", "10", "0", assess("2.5", equity="50", debt="10")))
    assert ok["health"]["state"] == "ok"
    assert ok["health"]["value"] == "2.5"
    assert '"state": "insolvent"' in dumps(insolvent)


@pytest.mark.parametrize(
    ("health", "equity", "borrowed", "text"),
    [
        pytest.param(assess(None, equity="-51.5", debt="151.5"), "-51.5", "150",
                     "INSOLVENT: net value -51.5 USDT, debt 151.5 USDT", id="insolvent"),
        pytest.param(assess(None, equity="100", debt="0"), "100", "0",
                     "n/a: nothing borrowed", id="not-applicable"),
        pytest.param(assess("0.98", equity="1", debt="1.5"), "1", "1.5",
                     "AT RISK: cushion 0.98, liquidation at 1", id="at-risk"),
        pytest.param(assess("3.2", equity="1", debt="1.5"), "1", "1.5",
                     "ok: cushion 3.2 (liquidation at 1)", id="ok"),
        pytest.param(assess("3.2", equity="1", debt="1.5", threshold=None), "1", "1.5",
                     "unrated: cushion 3.2, liquidation level unknown", id="unrated"),
    ],
)
def test_the_table_says_the_state_in_words(
    health: MarginHealth, equity: str, borrowed: str, text: str
) -> None:
    interest = "1.5" if health.state is HealthState.INSOLVENT else "0"
    profile = risk(equity, borrowed, interest, health)
    assert health_text(profile) == text
    table = risk_table(FanOut([AccountResult("main", "alpha", value=profile)]))
    assert text in table
