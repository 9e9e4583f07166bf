"""One margin answer, one verdict: rows refused as a wallet are refused as a risk profile too.

``GET /sapi/v1/margin/account`` carries both the cross-margin rows and the BTC totals. The
reviewer found a ``BTC``/``btc`` pair, or a negative ``borrowed``, refused by ``folio balances
--wallet margin`` but read as a healthy profile by ``folio risk``.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.binance.convert import margin_risk, margin_snapshot, structure
from adapters.binance.wire import MarginAccount
from framework.errors import InvalidResponseError

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def both_refuse(document: dict[str, Any]) -> tuple[str | None, str | None]:
    wire: MarginAccount = structure(document, MarginAccount)
    with pytest.raises(InvalidResponseError) as as_wallet:
        margin_snapshot(wire, account_name="m", fetched_at=NOW)
    with pytest.raises(InvalidResponseError) as as_risk:
        margin_risk(wire, account_name="m", fetched_at=NOW)
    return as_wallet.value.field, as_risk.value.field


def test_codes_differing_in_case_are_refused_by_both(margin_document: dict[str, Any]) -> None:
    document = copy.deepcopy(margin_document)
    twin = {**document["userAssets"][0], "asset": document["userAssets"][0]["asset"].lower()}
    document["userAssets"].append(twin)
    wallet, risk = both_refuse(document)
    assert wallet == risk == f"$.userAssets[{len(document['userAssets']) - 1}].asset"


@pytest.mark.parametrize("key", ["free", "locked", "borrowed", "interest"])
def test_a_negative_row_amount_is_refused_by_both(
    margin_document: dict[str, Any], key: str
) -> None:
    document = copy.deepcopy(margin_document)
    document["userAssets"][0][key] = "-1.00000000"
    wallet, risk = both_refuse(document)
    assert wallet == risk == f"$.userAssets[0].{key}"


def test_a_net_asset_that_contradicts_its_row_is_refused_by_both(
    margin_document: dict[str, Any],
) -> None:
    document = copy.deepcopy(margin_document)
    document["userAssets"][0]["netAsset"] = "123.00000000"
    wallet, risk = both_refuse(document)
    assert wallet == risk == "$.userAssets[0].netAsset"
