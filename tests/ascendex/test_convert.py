"""Wire -> domain conversion: the seed samples exactly, malformed variants as typed errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from adapters.ascendex.convert import balance_snapshot, margin_risk, structure
from adapters.ascendex.responses import read_data
from adapters.ascendex.wire import CashBalanceRow, MarginBalanceRow, MarginRiskData
from framework.errors import InvalidResponseError
from framework.models import NOT_APPLICABLE, BalanceSnapshot, HealthMetric, WalletKind

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
JSON = {"content-type": "application/json"}


def _cash(body: bytes) -> BalanceSnapshot:
    rows = structure(read_data(200, JSON, body), list[CashBalanceRow])
    return balance_snapshot(rows, wallet=WalletKind.CASH, account="main", fetched_at=NOW)


def _margin(body: bytes) -> BalanceSnapshot:
    rows = structure(read_data(200, JSON, body), list[MarginBalanceRow])
    return balance_snapshot(rows, wallet=WalletKind.MARGIN, account="main", fetched_at=NOW)


def test_seed_cash_sample(seed_cash: bytes) -> None:
    snapshot = _cash(seed_cash)
    assert snapshot.assets == ("USDT", "BTC", "ETH")
    btc = snapshot.get("BTC")
    assert btc is not None
    assert (btc.total, btc.available, btc.locked) == (
        Decimal("22.1308675"), Decimal("16.1308675"), Decimal("6.0000000"),
    )
    usdt = snapshot.get("USDT")
    assert usdt is not None
    assert str(usdt.total) == "1285.366663467"  # every digit, no float on the way
    assert str(snapshot["ETH"].available) == "0.6"


def test_seed_margin_sample_mixes_both_spellings(seed_margin: bytes) -> None:
    snapshot = _margin(seed_margin)
    usdt, eth = snapshot.get("USDT"), snapshot.get("ETH")
    assert usdt is not None
    assert eth is not None
    assert (usdt.total, usdt.available, usdt.borrowed, usdt.interest) == (
        Decimal(11200), Decimal(11200), Decimal(0), Decimal(0),
    )
    assert (eth.total, eth.net) == (Decimal(20), Decimal(20))


def test_seed_risk_sample(seed_risk: bytes) -> None:
    risk = margin_risk(
        structure(read_data(200, JSON, seed_risk), MarginRiskData), account="main", fetched_at=NOW
    )
    assert risk.total_value == risk.available_value == risk.equity == Decimal("17715.8175")
    assert (risk.borrowed_value, risk.interest_value) == (Decimal(0), Decimal(0))
    assert risk.leverage == Decimal(1)
    assert risk.max_leverage == Decimal(10)
    assert risk.health.metric is HealthMetric.CUSHION
    assert risk.health.value is NOT_APPLICABLE  # "-1": nothing borrowed, not "below 1"
    assert not risk.health.applicable
    assert risk.health.liquidation_threshold == Decimal(1)
    assert risk.extras == {"points_balance": Decimal(0)}
    assert risk.quote_asset == "USDT"


def test_live_spelling_wins_over_draft_spelling() -> None:
    body = json.dumps({"code": 0, "data": [
        {"asset": "BTC", "totalBalance": "2", "totalABalance": "999", "availableBalance": "1"},
    ]}).encode()
    assert _cash(body)["BTC"].total == Decimal(2)


def test_net_is_total_minus_borrowed_minus_interest() -> None:
    body = json.dumps({"code": 0, "data": [{
        "asset": "BTC", "totalBalance": "3.5", "availableBalance": "0",
        "borrowed": "1.25", "interest": "0.0001",
    }]}).encode()
    btc = _margin(body).get("BTC")
    assert btc is not None
    assert btc.net == Decimal("2.2499")


def test_unknown_extra_keys_are_tolerated() -> None:
    body = json.dumps({"code": 0, "accountId": "cshX", "data": [{
        "asset": "BTC", "totalBalance": "1", "availableBalance": "1", "newField": [1, 2],
    }]}).encode()
    assert _cash(body).assets == ("BTC",)


def test_empty_balance_list_is_an_empty_snapshot() -> None:
    assert len(_cash(b'{"code":0,"data":[]}')) == 0


def test_defined_cushion_and_leverage_are_kept() -> None:
    data = {
        "accountMaxLeverage": "10", "availableBalanceInUSDT": "100", "currentLeverage": "2.5",
        "cushion": "1.7", "netBalanceInUSDT": "400", "pointsBalance": "3",
        "totalBalanceInUSDT": "1000", "totalBorrowedInUSDT": "590", "totalInterestInUSDT": "10",
    }
    risk = margin_risk(structure(data, MarginRiskData), account="m", fetched_at=NOW)
    assert risk.leverage == Decimal("2.5")
    assert risk.health.value == Decimal("1.7")
    assert risk.health.applicable


MALFORMED_ROWS = [
    # (rows, JSON path named by the error, words expected in the message)
    ([{"asset": "BTC", "availableBalance": "1"}], "$.data[0].totalBalance", "missing"),
    ([{"asset": "BTC", "totalBalance": 1.5, "availableBalance": "1"}],
     "$.data[0].totalBalance", "got a number"),
    ([{"asset": "BTC", "totalBalance": "abc", "availableBalance": "1"}],
     "$.data[0].totalBalance", "decimal string"),
    ([{"asset": "BTC", "totalBalance": "", "availableBalance": "1"}],
     "$.data[0].totalBalance", "decimal string"),
    ([{"asset": "BTC", "totalBalance": "NaN", "availableBalance": "1"}],
     "$.data[0].totalBalance", "decimal string"),
    ([{"asset": "BTC", "totalBalance": "Infinity", "availableBalance": "1"}],
     "$.data[0].totalBalance", "decimal string"),
    ([{"asset": "BTC", "totalBalance": "1_000", "availableBalance": "1"}],
     "$.data[0].totalBalance", "decimal string"),
    ([{"asset": "BTC", "totalBalance": True, "availableBalance": "1"}],
     "$.data[0].totalBalance", "boolean"),
    ([{"asset": "BTC", "totalBalance": None, "availableBalance": "1"}],
     "$.data[0].totalBalance", "null"),
    ([{"asset": 7, "totalBalance": "1", "availableBalance": "1"}], "$.data[0].asset", "integer"),
    ([{"asset": "A", "totalBalance": "1", "availableBalance": "1"}, "oops"],
     "$.data[1]", "expected an object"),
    ({"asset": "BTC"}, "$.data", "expected a list"),
]


@pytest.mark.parametrize(("rows", "path", "words"), MALFORMED_ROWS)
def test_malformed_cash_rows_name_the_field(rows: Any, path: str, words: str) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        structure(rows, list[CashBalanceRow])
    assert caught.value.field == path
    assert words in str(caught.value)
    assert path in str(caught.value)


def test_every_problem_is_listed_not_just_the_first() -> None:
    rows = [{"asset": "A", "totalBalance": 1, "availableBalance": "x"}]
    with pytest.raises(InvalidResponseError) as caught:
        structure(rows, list[CashBalanceRow])
    assert "$.data[0].totalBalance" in str(caught.value)
    assert "$.data[0].availableBalance" in str(caught.value)


def test_missing_risk_field_is_named(seed_risk: bytes) -> None:
    data = json.loads(seed_risk)["data"]
    del data["netBalanceInUSDT"]
    with pytest.raises(InvalidResponseError) as caught:
        structure(data, MarginRiskData)
    assert caught.value.field == "$.data.netBalanceInUSDT"


def test_negative_ratio_other_than_sentinel_is_refused(seed_risk: bytes) -> None:
    data = json.loads(seed_risk)["data"]
    data["cushion"] = "-0.5"
    with pytest.raises(InvalidResponseError) as caught:
        margin_risk(structure(data, MarginRiskData), account="m", fetched_at=NOW)
    assert caught.value.field == "$.data.cushion"


def test_duplicate_asset_is_refused_not_merged() -> None:
    body = json.dumps({"code": 0, "data": [
        {"asset": "BTC", "totalBalance": "1", "availableBalance": "1"},
        {"asset": "BTC", "totalBalance": "2", "availableBalance": "2"},
    ]}).encode()
    with pytest.raises(InvalidResponseError) as caught:
        _cash(body)
    assert caught.value.field == "$.data[1].asset"


def test_json_number_amounts_never_become_floats() -> None:
    # A stray JSON number is parsed as Decimal (never float) and then refused as non-string.
    data = read_data(200, JSON, b'{"code":0,"data":[{"asset":"A","totalBalance":0.1,'
                     b'"availableBalance":"0.1"}]}')
    assert isinstance(data[0]["totalBalance"], Decimal)
    with pytest.raises(InvalidResponseError, match="got a number"):
        structure(data, list[CashBalanceRow])
