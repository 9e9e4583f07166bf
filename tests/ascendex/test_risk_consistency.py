"""AscendEX risk answers whose figures contradict each other are refused, not half-believed.

``netBalanceInUSDT`` decides whether an account with debt is insolvent, so it must be what
AscendEX defines it as, ``total - borrowed - interest`` (within rounding); ``currentLeverage``
is ``-1`` exactly when that net value is not positive; what is available is part of what is
held. docs/exchanges/ascendex.md, "Margin risk", lists each rule.
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


def read(**changes: str) -> MarginRisk:
    """A consistent borrowing account (total 1000, debt 600, net 400), with ``changes``."""
    data = {
        "accountMaxLeverage": "10", "availableBalanceInUSDT": "100", "currentLeverage": "2.5",
        "cushion": "1.7", "netBalanceInUSDT": "400", "pointsBalance": "3",
        "totalBalanceInUSDT": "1000", "totalBorrowedInUSDT": "590", "totalInterestInUSDT": "10",
    }
    data.update(changes)
    return margin_risk(structure(data, MarginRiskData), account="m", fetched_at=NOW)


def refused_at(**changes: str) -> str:
    with pytest.raises(InvalidResponseError) as caught:
        read(**changes)
    assert caught.value.exchange == "ascendex"
    field = caught.value.field
    assert field is not None
    return field


def test_the_consistent_answer_reads() -> None:
    risk = read()
    assert (risk.equity, risk.health.state) == (Decimal(400), HealthState.OK)


def test_a_cushion_for_a_net_value_of_exactly_zero_is_refused() -> None:
    # A cushion is defined only for a positive net value; zero is not positive.
    assert refused_at(totalBalanceInUSDT="600", netBalanceInUSDT="0",
                      currentLeverage="-1") == "$.data.cushion"


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        pytest.param({"netBalanceInUSDT": "-0", "cushion": "-1", "currentLeverage": "-1",
                      "totalBalanceInUSDT": "100", "totalBorrowedInUSDT": "0",
                      "totalInterestInUSDT": "1E-90"}, "insolvent-but-holds-100",
                     id="dust-interest-zero-net"),
        pytest.param({"netBalanceInUSDT": "900"}, "ok-but-net-is-400", id="net-too-high"),
        pytest.param({"netBalanceInUSDT": "50", "totalBorrowedInUSDT": "1100",
                      "cushion": "1.7"}, "solvent-but-debt-exceeds-total",
                     id="positive-net-for-an-underwater-account"),
        pytest.param({"netBalanceInUSDT": "-0.5", "totalBalanceInUSDT": "0",
                      "totalBorrowedInUSDT": "0", "totalInterestInUSDT": "0", "cushion": "-1",
                      "currentLeverage": "-1", "availableBalanceInUSDT": "0"},
                     "negative-net-without-debt", id="negative-net-empty-account"),
        pytest.param({"netBalanceInUSDT": "-5", "totalBorrowedInUSDT": "0",
                      "totalInterestInUSDT": "0", "cushion": "-1", "currentLeverage": "-1"},
                     "negative-net-without-debt", id="negative-net-nothing-owed"),
    ],
)
def test_a_net_value_that_is_not_total_minus_debt_is_refused(
    changes: dict[str, str], why: str
) -> None:
    assert refused_at(**changes) == "$.data.netBalanceInUSDT", why


@pytest.mark.parametrize(
    ("changes", "equity"),
    [
        # Each figure rounded on its own: one unit in each one's last digit is allowed.
        pytest.param({"netBalanceInUSDT": "400.0001"}, "400.0001", id="net-one-unit-high"),
        pytest.param({"totalBalanceInUSDT": "1000.12", "netBalanceInUSDT": "400.13"},
                     "400.13", id="mixed-precision"),
        pytest.param({"totalBalanceInUSDT": "1E+3", "netBalanceInUSDT": "4E+2"}, "400",
                     id="exponent-spellings"),
    ],
)
def test_rounding_of_each_figure_is_allowed(changes: dict[str, str], equity: str) -> None:
    assert read(**changes).equity == Decimal(equity)


def test_a_net_value_off_by_more_than_rounding_is_refused() -> None:
    # Allowance: 1 (total) + 1 (borrowed) + 1 (interest) + 0.0001 (net) = 3.0001.
    assert read(netBalanceInUSDT="402.9999").equity == Decimal("402.9999")
    assert refused_at(netBalanceInUSDT="403.0002") == "$.data.netBalanceInUSDT"


def test_wide_amounts_are_compared_exactly() -> None:
    # 60-digit totals: the ambient 28-digit context would round the check away.
    big = "1" + "0" * 59
    risk = read(totalBalanceInUSDT=big, netBalanceInUSDT=str(int(big) - 600),
                currentLeverage="1", cushion="99")
    assert risk.equity == Decimal(int(big) - 600)
    assert refused_at(totalBalanceInUSDT=big, netBalanceInUSDT=str(int(big) - 610),
                      currentLeverage="1", cushion="99") == "$.data.netBalanceInUSDT"


def test_leverage_sentinel_for_a_positive_net_value_is_refused() -> None:
    assert refused_at(currentLeverage="-1") == "$.data.currentLeverage"


def test_a_leverage_for_a_non_positive_net_value_is_refused() -> None:
    underwater = {"totalBalanceInUSDT": "100", "totalBorrowedInUSDT": "150",
                  "totalInterestInUSDT": "1.5", "netBalanceInUSDT": "-51.5", "cushion": "-1"}
    assert read(**underwater, currentLeverage="-1").leverage is NOT_APPLICABLE
    assert refused_at(**underwater, currentLeverage="3") == "$.data.currentLeverage"


@pytest.mark.parametrize("available", ["-0.01", "1001.02"])
def test_available_value_outside_the_holdings_is_refused(available: str) -> None:
    assert refused_at(availableBalanceInUSDT=available) == "$.data.availableBalanceInUSDT"


@pytest.mark.parametrize("available", ["0", "-0", "1000", "1001.01"])
def test_available_value_within_the_holdings_reads(available: str) -> None:
    # 1001.01: "1000" and "1001.01" may each be rounded by up to a unit in their last digit.
    assert read(availableBalanceInUSDT=available).available_value == Decimal(available)


def test_a_max_leverage_sentinel_is_not_applicable() -> None:
    assert read(accountMaxLeverage="-1").max_leverage is NOT_APPLICABLE
    assert refused_at(accountMaxLeverage="-2") == "$.data.accountMaxLeverage"


# -- boundaries the mutation run found unpinned ----------------------------------------------


@pytest.mark.parametrize("net", ["1", "0.5", "0.0001"])
def test_a_small_positive_net_value_has_a_cushion_and_a_leverage(net: str) -> None:
    total = str(Decimal(600) + Decimal(net))
    risk = read(totalBalanceInUSDT=total, netBalanceInUSDT=net, currentLeverage="601",
                cushion="1.2")
    assert (risk.health.state, risk.leverage) == (HealthState.OK, Decimal(601))


def test_a_gap_of_exactly_the_allowance_reads() -> None:
    # Allowance 1 + 1 + 1 + 0.0001: a gap of exactly 3.0001 is still rounding.
    assert read(netBalanceInUSDT="403.0001").equity == Decimal("403.0001")
    assert read(netBalanceInUSDT="396.9999").equity == Decimal("396.9999")


def test_figures_in_tens_are_allowed_one_unit_not_ten() -> None:
    # "5.1E+2" is written to the ten, but a unit is never more than 1: a gap of 10 is refused.
    tens = {"totalBalanceInUSDT": "1E+3", "totalBorrowedInUSDT": "5E+2",
            "totalInterestInUSDT": "0E+1", "availableBalanceInUSDT": "1E+2"}
    assert read(**tens, netBalanceInUSDT="5E+2").equity == 500
    assert refused_at(**tens, netBalanceInUSDT="5.1E+2") == "$.data.netBalanceInUSDT"
