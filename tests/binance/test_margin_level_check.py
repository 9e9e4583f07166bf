"""A Cross Margin Classic level that the BTC totals contradict is refused, not believed.

Classic's ``marginLevel`` is ``totalAssetOfBtc / totalLiabilityOfBtc`` (docs/exchanges/binance.md,
"Margin level"). Binance computes it from unrounded values, so it is compared with the range the
8-decimal totals allow, not with their quotient. The ``"999"`` sentinel with debt passes only
where the totals allow a level that high; Cross Margin Pro's level is another ratio and is not
compared.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from adapters.binance.convert import margin_risk, structure
from adapters.binance.wire import MarginAccount
from framework.errors import InvalidResponseError
from framework.models import HealthState, MarginRisk

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def read(document: dict[str, Any], **changes: str) -> MarginRisk:
    wire: MarginAccount = structure({**document, **changes}, MarginAccount)
    return margin_risk(wire, account_name="m", fetched_at=NOW)


def totals(
    asset: str, liability: str, level: str, account_type: str = "MARGIN_1"
) -> dict[str, str]:
    net = Decimal(asset) - Decimal(liability)
    return {"totalAssetOfBtc": asset, "totalLiabilityOfBtc": liability,
            "totalNetAssetOfBtc": str(net), "marginLevel": level, "accountType": account_type}


def refused(document: dict[str, Any], **changes: str) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        read(document, **changes)
    assert caught.value.field == "$.marginLevel"
    assert caught.value.exchange == "binance"


def test_the_documentation_sample_level_is_within_its_totals(
    margin_document: dict[str, Any],
) -> None:
    # 6.82728457 / 0.58633215 = 11.644056308...; Binance sent 11.64405625 (unrounded inputs).
    assert read(margin_document).health.value == Decimal("11.64405625")


@pytest.mark.parametrize("level", ["11.64405725", "11.64395625", "0.00000000", "2"])
def test_a_level_off_the_totals_is_refused(margin_document: dict[str, Any], level: str) -> None:
    refused(margin_document, marginLevel=level)


def test_the_sentinel_with_debt_near_the_call_level_is_refused(
    margin_document: dict[str, Any],
) -> None:
    # 1.05 / 1.00 is below the 1.1 liquidation level: "999" would read as far from it (ok).
    refused(margin_document, **totals("1.05000000", "1.00000000", "999.00000000"))


def test_the_sentinel_with_a_tiny_debt_is_a_cap(margin_document: dict[str, Any]) -> None:
    # 10 / 0.001 = 10,000: a level of 999 understates it but says the same thing (ok).
    risk = read(margin_document, **totals("10.00000000", "0.00100000", "999.00000000"))
    assert (risk.health.state, risk.health.value) == (HealthState.OK, Decimal(999))


def test_a_debt_of_one_unit_bounds_the_level_from_below_only(
    margin_document: dict[str, Any],
) -> None:
    # 0.5 / 0.00000001 could be anything from 25,000,000 up once rounding is allowed for.
    risk = read(margin_document, **totals("0.50000000", "0.00000001", "123456789.00000000"))
    assert risk.health.state is HealthState.OK
    refused(margin_document, **totals("0.50000000", "0.00000001", "1000.00000000"))


@pytest.mark.parametrize(
    ("asset", "liability", "level", "state"),
    [
        ("1.10000001", "1.00000000", "1.10000001", HealthState.OK),
        ("1.10000000", "1.00000000", "1.10000000", HealthState.AT_RISK),
        ("1.10000000", "1.00000000", "1.09999999", HealthState.AT_RISK),  # rounding allowed
    ],
)
def test_levels_at_the_call_level_follow_the_totals(
    margin_document: dict[str, Any], asset: str, liability: str, level: str,
    state: HealthState,
) -> None:
    assert read(margin_document, **totals(asset, liability, level)).health.state is state


def test_an_answer_without_account_type_is_classic_and_checked(
    margin_document: dict[str, Any],
) -> None:
    document = {key: value for key, value in margin_document.items() if key != "accountType"}
    refused(document, marginLevel="999.00000000")


@pytest.mark.parametrize("account_type", ["MARGIN_2", "MARGIN_9"])
def test_other_account_types_are_not_compared(
    margin_document: dict[str, Any], account_type: str
) -> None:
    # Pro's level is (net collateral - open order loss) / maintenance margin: not the totals'.
    risk = read(margin_document, accountType=account_type, marginLevel="2.50000000")
    assert risk.health.value == Decimal("2.5")


# -- rules the mutation run found unpinned ----------------------------------------------------


def test_a_zero_pro_level_with_debt_is_at_risk(margin_document: dict[str, Any]) -> None:
    # Zero is not negative: it is read, and it is at (below) the liquidation level.
    risk = read(margin_document, accountType="MARGIN_2", marginLevel="0.00000000")
    assert (risk.health.state, risk.health.value) == (HealthState.AT_RISK, Decimal(0))


@pytest.mark.parametrize("equity", ["1", "0.5", "0.00000001"])
def test_any_positive_equity_has_a_leverage(margin_document: dict[str, Any], equity: str) -> None:
    # 2 BTC held against 2 - equity owed: leverage 2 / equity, however small equity is.
    liability = Decimal(2) - Decimal(equity)
    document = {**margin_document, "accountType": "MARGIN_2", "marginLevel": "5",
                "totalAssetOfBtc": "2", "totalLiabilityOfBtc": str(liability),
                "totalNetAssetOfBtc": equity}
    assert read(document).leverage == (2 / Decimal(equity)).quantize(Decimal("1E-8"))


def test_totals_in_tens_allow_one_unit_not_ten(margin_document: dict[str, Any]) -> None:
    # Totals written with exponents: the allowance is one unit (1), never one ten.
    document = {**margin_document, "accountType": "MARGIN_2", "totalAssetOfBtc": "1E+2",
                "totalLiabilityOfBtc": "1E+1"}
    assert read(document, totalNetAssetOfBtc="9E+1").equity == 90
    with pytest.raises(InvalidResponseError) as caught:
        read(document, totalNetAssetOfBtc="8E+1")
    assert caught.value.field == "$.totalNetAssetOfBtc"


@pytest.mark.parametrize(
    ("level", "accepted"),
    [
        # (2 - 1e-8) / (1 + 1e-8) - 1e-8 = 1.99999996000000029...
        ("1.99999997", True), ("1.99999996", False),
        # (2 + 1e-8) / (1 - 1e-8) + 1e-8 = 2.00000004000000030...
        ("2.00000004", True), ("2.00000005", False),
    ],
)
def test_the_range_is_the_rounded_totals_and_one_unit_of_the_level(
    margin_document: dict[str, Any], level: str, accepted: bool
) -> None:
    document = {**margin_document, **totals("2.00000000", "1.00000000", level)}
    if accepted:
        assert read(document).health.value == Decimal(level)
    else:
        refused(document)


@pytest.mark.parametrize("level", ["1.4", "4.1"])
def test_the_ends_of_the_range_are_inside_it(margin_document: dict[str, Any], level: str) -> None:
    # Whole-BTC totals 7 / 3: the range is 6/4 - 0.1 = 1.4 to 8/2 + 0.1 = 4.1, both ends in.
    assert read(margin_document, **totals("7", "3", level)).health.value == Decimal(level)


def test_a_classic_level_without_debt_is_not_compared(margin_document: dict[str, Any]) -> None:
    # Nothing owed: whatever the level, there is nothing to liquidate (not_applicable).
    risk = read(margin_document, **totals("1.00000000", "0.00000000", "1.00000000"))
    assert risk.health.state is HealthState.NOT_APPLICABLE


def test_a_classic_level_at_zero_equity_is_not_compared(margin_document: dict[str, Any]) -> None:
    # Insolvent is decided from the amounts; the level is not shown, so it is not judged.
    risk = read(margin_document, **totals("0.60000000", "0.60000000", "5.00000000"))
    assert risk.health.state is HealthState.INSOLVENT
