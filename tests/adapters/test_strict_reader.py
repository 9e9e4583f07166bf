"""WireReader: renamed keys hold inside top-level lists, and errors name JSON paths."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from adapters.kit.strict import WireReader
from framework.errors import InvalidResponseError


@attrs.frozen
class Row:
    asset: str
    total_balance: Decimal
    usd_value: Decimal = attrs.field(metadata={"json": "valueInUSD"})


READER = WireReader("x", (Row,), top_level=(list[Row],))


def test_a_top_level_list_uses_the_rows_json_keys() -> None:
    rows = READER.structure(
        [{"asset": "BTC", "totalBalance": "1.50", "valueInUSD": "90000.00"}], list[Row]
    )
    assert rows == [Row("BTC", Decimal("1.50"), Decimal("90000.00"))]


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ([{"asset": "BTC", "totalBalance": 1.5, "valueInUSD": "1"}], "$[0].totalBalance",
         "expected a decimal string, got a number"),
        ([{"asset": "BTC", "totalBalance": "1"}], "$[0].valueInUSD", "required field missing"),
        ({"asset": "BTC"}, "$", "expected a list, got an object"),
    ],
)
def test_problems_are_named_by_json_path(payload: object, field: str, words: str) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        READER.structure(payload, list[Row])
    assert caught.value.field == field
    assert words in str(caught.value)
