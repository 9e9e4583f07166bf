"""Wire -> domain conversion: the documentation's samples exactly, and every malformed variant.

The expected numbers are written out from Binance's documentation samples, not read back from
the fixture files, so the converter is checked against the document.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from adapters.binance.convert import (
    CLASSIC_LIQUIDATION_LEVEL,
    PRO_LIQUIDATION_LEVEL,
    margin_risk,
    margin_snapshot,
    spot_snapshot,
    structure,
)
from adapters.binance.wire import MarginAccount, ServerTime, SpotAccount
from framework.errors import InvalidResponseError
from framework.models import NOT_APPLICABLE, HealthMetric, HealthState, MarginRisk, WalletKind

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _text(amount: Decimal) -> str:
    """Every digit, in plain notation (``0.00000000``, not ``0E-8``)."""
    return format(amount, "f")


def _spot(payload: Any) -> SpotAccount:
    wire: SpotAccount = structure(payload, SpotAccount)
    return wire


def _margin(payload: Any) -> MarginAccount:
    wire: MarginAccount = structure(payload, MarginAccount)
    return wire


def _risk(document: dict[str, Any]) -> MarginRisk:
    return margin_risk(_margin(document), account_name="main", fetched_at=NOW)


# -- the samples ---------------------------------------------------------------------------------


def test_spot_sample(spot_sample: bytes) -> None:
    wire = _spot(json.loads(spot_sample))
    assert (wire.account_type, wire.uid, wire.permissions) == ("SPOT", 354937868, ("SPOT",))
    assert wire.commission_rates is not None
    assert str(wire.commission_rates.maker) == "0.00150000"  # parsed once, digits kept
    snapshot = spot_snapshot(wire, account_name="main", fetched_at=NOW)
    assert (snapshot.exchange, snapshot.account, snapshot.wallet) == ("binance", "main",
                                                                      WalletKind.CASH)
    rows = [(b.asset, _text(b.total), _text(b.available), _text(b.locked)) for b in snapshot]
    assert rows == [
        ("BTC", "4723846.89208129", "4723846.89208129", "0.00000000"),
        ("LTC", "4763368.68006011", "4763368.68006011", "0.00000000"),
    ]
    assert all(b.borrowed == b.interest == 0 for b in snapshot)


def test_margin_sample_keeps_every_non_empty_asset(margin_sample: bytes) -> None:
    wire = _margin(json.loads(margin_sample))
    snapshot = margin_snapshot(wire, account_name="main", fetched_at=NOW)
    assert snapshot.wallet is WalletKind.MARGIN
    rows = [(b.asset, _text(b.total), _text(b.available), _text(b.borrowed),
             _text(b.interest), _text(b.net)) for b in snapshot]
    assert rows == [
        ("BTC", "0.00499500", "0.00499500", "0.00000000", "0.00000000", "0.00499500"),
        ("BNB", "2346.50000000", "2346.50000000", "201.66666672", "0.00000000",
         "2144.83333328"),
    ]


def test_margin_sample_with_every_row(margin_sample: bytes) -> None:
    wire = _margin(json.loads(margin_sample))
    snapshot = margin_snapshot(wire, account_name="main", fetched_at=NOW, omit_zero=False)
    assert snapshot.assets == ("BTC", "BNB", "ETH", "USDT")
    assert snapshot["USDT"].total == 0


def test_margin_risk_sample(margin_sample: bytes) -> None:
    risk = _risk(json.loads(margin_sample))
    assert (risk.exchange, risk.account, risk.quote_asset) == ("binance", "main", "BTC")
    assert risk.total_value == Decimal("6.82728457")
    assert risk.borrowed_value == Decimal("0.58633215")  # liability: borrowed plus interest
    assert risk.interest_value is None  # not reported: inside the liability
    assert str(risk.equity) == "6.24095242"
    assert risk.equity == risk.total_value - risk.borrowed_value
    assert risk.available_value is None  # Binance values no free part in BTC
    assert risk.leverage == Decimal("1.09394915")  # 6.82728457 / 6.24095242, 8 places
    assert risk.max_leverage is None  # not reported
    assert risk.health.metric is HealthMetric.MARGIN_LEVEL
    assert str(risk.health.value) == "11.64405625"
    assert risk.health.liquidation_threshold == CLASSIC_LIQUIDATION_LEVEL == Decimal("1.1")
    assert dict(risk.extras) == {
        "collateral_margin_level": Decimal("3.2"),
        "total_collateral_value_usdt": Decimal("5.82728457"),
        "total_open_order_loss_usdt": Decimal("582.728457"),
    }


def test_server_time() -> None:
    wire: ServerTime = structure({"serverTime": 1499827319559}, ServerTime)
    assert wire.server_time == 1499827319559


# -- meanings ------------------------------------------------------------------------------------


def _no_debt(document: dict[str, Any]) -> dict[str, Any]:
    return {**document, "marginLevel": "999.00000000", "totalLiabilityOfBtc": "0.00000000",
            "totalNetAssetOfBtc": document["totalAssetOfBtc"]}


def test_margin_level_without_debt_is_not_applicable(margin_document: dict[str, Any]) -> None:
    risk = _risk(_no_debt(margin_document))
    assert risk.health.value is NOT_APPLICABLE
    assert not risk.health.applicable
    assert risk.leverage == 1


@pytest.mark.parametrize(
    ("account_type", "metric", "threshold"),
    [
        ("MARGIN_1", HealthMetric.MARGIN_LEVEL, CLASSIC_LIQUIDATION_LEVEL),
        ("MARGIN_2", HealthMetric.CUSHION, PRO_LIQUIDATION_LEVEL),
        (None, HealthMetric.MARGIN_LEVEL, CLASSIC_LIQUIDATION_LEVEL),
        ("MARGIN_9", HealthMetric.MARGIN_LEVEL, None),
    ],
    ids=["classic", "pro", "no-account-type", "unknown-account-type"],
)
def test_health_follows_the_account_type(
    margin_document: dict[str, Any],
    account_type: str | None,
    metric: HealthMetric,
    threshold: Decimal | None,
) -> None:
    document = dict(margin_document)
    if account_type is None:
        del document["accountType"]
    else:
        document["accountType"] = account_type
    health = _risk(document).health
    assert (health.metric, health.liquidation_threshold) == (metric, threshold)
    assert health.value == Decimal("11.64405625")


def test_no_equity_means_no_leverage(margin_document: dict[str, Any]) -> None:
    underwater = {**margin_document, "totalAssetOfBtc": "0.50000000",
                  "totalLiabilityOfBtc": "0.60000000", "totalNetAssetOfBtc": "-0.10000000",
                  "marginLevel": "0.83333333"}
    risk = _risk(underwater)
    assert risk.equity == Decimal("-0.1")
    assert risk.leverage is NOT_APPLICABLE
    # Debt above the holdings: insolvent, whatever the (still positive) margin level says.
    assert risk.health.state is HealthState.INSOLVENT
    assert risk.health.value is NOT_APPLICABLE


def test_zero_equity_is_insolvent_with_no_leverage(margin_document: dict[str, Any]) -> None:
    # total / equity would divide by zero: leverage is undefined, not an untyped error.
    even = {**margin_document, "totalAssetOfBtc": "0.60000000",
            "totalLiabilityOfBtc": "0.60000000", "totalNetAssetOfBtc": "0.00000000",
            "marginLevel": "1.00000000"}
    risk = _risk(even)
    assert risk.equity == 0
    assert risk.leverage is NOT_APPLICABLE
    assert risk.health.state is HealthState.INSOLVENT


@pytest.mark.parametrize(
    ("account_type", "level", "state"),
    [
        pytest.param("MARGIN_1", "1.10000001", HealthState.OK, id="classic-above"),
        pytest.param("MARGIN_1", "1.10000000", HealthState.AT_RISK, id="classic-at-call"),
        pytest.param("MARGIN_2", "1.00000001", HealthState.OK, id="pro-above"),
        pytest.param("MARGIN_2", "1.00000000", HealthState.AT_RISK, id="pro-at-call"),
        pytest.param("MARGIN_9", "50.00000000", HealthState.UNRATED, id="unknown-type"),
    ],
)
def test_margin_level_states_follow_the_account_type(
    margin_document: dict[str, Any], account_type: str, level: str, state: HealthState
) -> None:
    document = {**margin_document, "accountType": account_type, "marginLevel": level}
    if account_type == "MARGIN_1":  # a Classic level is checked against the totals
        document.update(totalAssetOfBtc=level, totalLiabilityOfBtc="1.00000000",
                        totalNetAssetOfBtc=_text(Decimal(level) - 1))
    risk = _risk(document)
    assert risk.health.state is state
    assert risk.health.value == Decimal(level)


def test_no_debt_is_not_applicable_whatever_the_sentinel(margin_document: dict[str, Any]) -> None:
    free = {**margin_document, "totalAssetOfBtc": "1.00000000", "totalLiabilityOfBtc": "0",
            "totalNetAssetOfBtc": "1.00000000", "marginLevel": "999.00000000"}
    risk = _risk(free)
    assert risk.health.state is HealthState.NOT_APPLICABLE
    assert risk.health.value is NOT_APPLICABLE


@pytest.mark.parametrize("stated", ["6.24095244", "6.24095240", "6.2409524"])
def test_total_net_asset_more_than_one_digit_off_is_refused(
    margin_document: dict[str, Any], stated: str
) -> None:
    # equity is 6.24095242: two units in the last digit (or one in a coarser digit) is too far.
    with pytest.raises(InvalidResponseError) as caught:
        _risk({**margin_document, "totalNetAssetOfBtc": stated})
    assert caught.value.field == "$.totalNetAssetOfBtc"


def test_total_net_asset_may_differ_by_its_last_digit(margin_document: dict[str, Any]) -> None:
    # Each BTC total is rounded on its own, so the stated net may be one unit off.
    risk = _risk({**margin_document, "totalNetAssetOfBtc": "6.24095243"})
    assert risk.equity == Decimal("6.24095242")


def test_older_answer_without_optional_fields_reads(margin_document: dict[str, Any]) -> None:
    minimal = {key: margin_document[key] for key in (
        "marginLevel", "totalAssetOfBtc", "totalLiabilityOfBtc", "totalNetAssetOfBtc",
        "userAssets")}
    minimal["transferEnabled"] = True
    risk = _risk(minimal)
    assert dict(risk.extras) == {}
    assert risk.health.metric is HealthMetric.MARGIN_LEVEL


def test_unknown_keys_are_ignored(spot_sample: bytes) -> None:
    document = {**json.loads(spot_sample), "newField": {"nested": [1, 2]}}
    assert _spot(document).balances[0].asset == "BTC"


# -- malformed answers ---------------------------------------------------------------------------


def _error_of(payload: Any, wire_type: Any) -> InvalidResponseError:
    with pytest.raises(InvalidResponseError) as caught:
        structure(payload, wire_type)
    assert caught.value.exchange == "binance"
    return caught.value


def _spot_with(sample: bytes, **row: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(sample)
    document["balances"][1] = {**document["balances"][1], **row}
    return document


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"free": 4763368.68006011}, "$.balances[1].free", "decimal string, got a number"),
        ({"free": True}, "$.balances[1].free", "got a boolean"),
        ({"free": ""}, "$.balances[1].free", "expected a decimal string"),
        ({"free": "NaN"}, "$.balances[1].free", "expected a decimal string"),
        ({"free": "1e999999999"}, "$.balances[1].free", "at most 100 digits"),
        ({"free": "\uff11"}, "$.balances[1].free", "expected a decimal string"),
        ({"locked": None}, "$.balances[1].locked", "got null"),
        ({"asset": 7}, "$.balances[1].asset", "expected a string, got an integer"),
    ],
    ids=["float", "bool", "empty", "nan", "huge", "fullwidth", "null", "numeric-asset"],
)
def test_bad_spot_amounts_are_named(
    spot_sample: bytes, change: dict[str, Any], field: str, says: str
) -> None:
    error = _error_of(_spot_with(spot_sample, **change), SpotAccount)
    assert error.field == field
    assert says in error.detail


def test_a_missing_field_is_named(spot_sample: bytes) -> None:
    document = json.loads(spot_sample)
    del document["balances"][0]["locked"]
    error = _error_of(document, SpotAccount)
    assert error.field == "$.balances[0].locked"
    assert "required field missing" in error.detail


def test_every_problem_is_listed(margin_document: dict[str, Any]) -> None:
    broken = {**margin_document, "marginLevel": 11.6, "totalAssetOfBtc": None}
    broken["userAssets"] = [{**margin_document["userAssets"][0], "netAsset": 1}]
    error = _error_of(broken, MarginAccount)
    for path in ("$.marginLevel", "$.totalAssetOfBtc", "$.userAssets[0].netAsset"):
        assert path in error.detail
    assert error.field == "$.marginLevel"


@pytest.mark.parametrize(
    ("payload", "field", "says"),
    [
        ([], "$", "expected an object, got a list"),
        ({"balances": {"asset": "BTC"}}, "$.balances", "expected a list, got an object"),
        ({"balances": ["BTC"]}, "$.balances[0]", "expected an object, got a string"),
        ({"balances": [], "uid": "354937868"}, "$.uid", "expected an integer"),
        ({"balances": [], "canTrade": 1}, "$.canTrade", "expected true or false"),
    ],
    ids=["list-for-object", "object-for-list", "string-row", "string-uid", "int-flag"],
)
def test_wrong_shapes_are_named(payload: Any, field: str, says: str) -> None:
    error = _error_of(payload, SpotAccount)
    assert error.field == field
    assert says in error.detail


def test_the_capitalised_key_is_read_and_named(margin_document: dict[str, Any]) -> None:
    error = _error_of({**margin_document, "TotalCollateralValueInUSDT": 5.8}, MarginAccount)
    assert error.field == "$.TotalCollateralValueInUSDT"


@pytest.mark.parametrize(
    ("asset", "says"),
    [("BTC", "listed twice"), ("", "empty or holds whitespace"), (" LTC", "holds whitespace")],
    ids=["duplicate", "empty", "padded"],
)
def test_bad_asset_codes_are_refused(spot_sample: bytes, asset: str, says: str) -> None:
    wire = _spot(_spot_with(spot_sample, asset=asset))
    with pytest.raises(InvalidResponseError) as caught:
        spot_snapshot(wire, account_name="main", fetched_at=NOW)
    assert caught.value.field == "$.balances[1].asset"
    assert says in caught.value.detail


def test_a_net_asset_that_contradicts_the_row_is_refused(
    margin_document: dict[str, Any],
) -> None:
    rows = [dict(row) for row in margin_document["userAssets"]]
    rows[1]["netAsset"] = "2346.50000000"  # forgets the 201.66666672 borrowed
    wire = _margin({**margin_document, "userAssets": rows})
    with pytest.raises(InvalidResponseError) as caught:
        margin_snapshot(wire, account_name="main", fetched_at=NOW)
    assert caught.value.field == "$.userAssets[1].netAsset"
    assert "2144.83333328" in caught.value.detail


def test_a_total_net_asset_off_by_more_than_a_digit_is_refused(
    margin_document: dict[str, Any],
) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        _risk({**margin_document, "totalNetAssetOfBtc": "6.82728457"})
    assert caught.value.field == "$.totalNetAssetOfBtc"


def test_a_negative_margin_level_is_refused(margin_document: dict[str, Any]) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        _risk({**margin_document, "marginLevel": "-1"})
    assert caught.value.field == "$.marginLevel"


def test_sums_are_exact_beyond_the_default_precision() -> None:
    # 30 significant digits: the default context (28) would round this sum silently.
    wire = _spot({"balances": [{"asset": "BTC", "free": "12345678901234.1234567890123456",
                                "locked": "0.0000000000000001"}]})
    (row,) = spot_snapshot(wire, account_name="main", fetched_at=NOW).balances
    assert str(row.total) == "12345678901234.1234567890123457"


@pytest.mark.parametrize(
    ("kind", "field"),
    [("spot", "free"), ("spot", "locked"), ("margin", "free"), ("margin", "locked"),
     ("margin", "borrowed"), ("margin", "interest")],
)
def test_a_negative_holding_or_debt_is_refused_at_its_field(
    spot_sample: bytes, margin_sample: bytes, kind: str, field: str
) -> None:
    document = json.loads(spot_sample if kind == "spot" else margin_sample)
    key = "balances" if kind == "spot" else "userAssets"
    document[key][0][field] = "-0.5"
    read = spot_snapshot if kind == "spot" else margin_snapshot
    wire = _spot(document) if kind == "spot" else _margin(document)
    with pytest.raises(InvalidResponseError) as caught:
        read(wire, account_name="main", fetched_at=NOW)  # type: ignore[arg-type]
    assert caught.value.field == f"$.{key}[0].{field}"
    assert "negative" in str(caught.value)


@pytest.mark.parametrize("field", ["totalAssetOfBtc", "totalLiabilityOfBtc"])
def test_a_negative_btc_total_is_refused(margin_sample: bytes, field: str) -> None:
    document = json.loads(margin_sample)
    document[field] = "-" + document[field]
    with pytest.raises(InvalidResponseError) as caught:
        _risk(document)
    assert caught.value.field == f"$.{field}"
