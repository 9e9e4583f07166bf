"""AscendEX's cushion sentinel read as a state: the audit's insolvent-reads-as-safe defect.

``cushion = "-1"`` means "undefined": nothing borrowed, or a net asset value that is not
positive (docs/exchanges/ascendex.md). Which of the two is decided from the amounts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from adapters.ascendex.convert import margin_risk, structure
from adapters.ascendex.wire import MarginRiskData
from framework.errors import InvalidResponseError
from framework.models import NOT_APPLICABLE, HealthState, MarginRisk

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def risk(
    *, total: str, borrowed: str, interest: str, net: str, cushion: str, leverage: str = "-1"
) -> MarginRisk:
    data = {
        "accountMaxLeverage": "10", "availableBalanceInUSDT": "0", "currentLeverage": leverage,
        "cushion": cushion, "netBalanceInUSDT": net, "pointsBalance": "0",
        "totalBalanceInUSDT": total, "totalBorrowedInUSDT": borrowed,
        "totalInterestInUSDT": interest,
    }
    return margin_risk(structure(data, MarginRiskData), account="m", fetched_at=NOW)


def test_sentinel_with_debt_and_negative_net_is_insolvent() -> None:
    read = risk(total="100", borrowed="150", interest="1.5", net="-51.5", cushion="-1")
    assert read.health.state is HealthState.INSOLVENT
    assert read.health.value is NOT_APPLICABLE
    assert read.health.applicable  # something is borrowed
    assert read.debt == Decimal("151.5")


def test_sentinel_with_interest_only_and_zero_net_is_insolvent() -> None:
    # Interest alone is a debt; a net value of exactly zero is not positive.
    read = risk(total="2", borrowed="0", interest="2", net="0", cushion="-1")
    assert read.health.state is HealthState.INSOLVENT


def test_sentinel_without_debt_is_not_applicable() -> None:
    read = risk(total="100", borrowed="0", interest="0", net="100", cushion="-1", leverage="1")
    assert read.health.state is HealthState.NOT_APPLICABLE
    assert read.health.value is NOT_APPLICABLE
    assert not read.health.applicable


@pytest.mark.parametrize(
    ("cushion", "state"),
    [("90", HealthState.OK), ("1.0001", HealthState.OK), ("1", HealthState.AT_RISK),
     ("0.7", HealthState.AT_RISK)],
)
def test_a_defined_cushion_is_judged_against_one(cushion: str, state: HealthState) -> None:
    read = risk(total="1000", borrowed="100", interest="0", net="900", cushion=cushion,
                leverage="1.1111")
    assert read.health.state is state
    assert read.health.value == Decimal(cushion)


def test_sentinel_for_a_solvent_debtor_is_refused_at_the_cushion() -> None:
    with pytest.raises(InvalidResponseError, match="contradicts itself") as caught:
        risk(total="1000", borrowed="100", interest="0", net="900", cushion="-1")
    assert caught.value.field == "$.data.cushion"


def test_a_cushion_for_a_non_positive_net_value_is_refused() -> None:
    with pytest.raises(InvalidResponseError, match="only for a positive net value") as caught:
        risk(total="100", borrowed="150", interest="0", net="-50", cushion="0.5")
    assert caught.value.field == "$.data.cushion"


@pytest.mark.parametrize(
    ("field", "key"),
    [("total", "totalBalanceInUSDT"), ("borrowed", "totalBorrowedInUSDT"),
     ("interest", "totalInterestInUSDT")],
)
def test_negative_totals_and_debts_are_refused_at_their_field(field: str, key: str) -> None:
    amounts = {"total": "100", "borrowed": "0", "interest": "0", field: "-1"}
    with pytest.raises(InvalidResponseError, match="negative amount") as caught:
        risk(**amounts, net="100", cushion="-1")
    assert caught.value.field == f"$.data.{key}"


def test_borrowed_and_interest_are_read_from_their_own_fields() -> None:
    read = risk(total="1000", borrowed="590", interest="10", net="400", cushion="1.7",
                leverage="2.5")
    assert (read.borrowed_value, read.interest_value) == (Decimal(590), Decimal(10))
