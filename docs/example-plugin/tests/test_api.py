"""The example plugin reads answers into exact amounts, or an error naming the field."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from folio_paperex.api import _rows

from framework.errors import AuthenticationError, InvalidResponseError, RateLimitedError


def answer(body: bytes, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=body, headers=headers)


def test_amounts_keep_every_digit() -> None:
    (row,) = _rows(answer(b'{"balances": [{"asset": "BTC", "total": "1.50000000",'
                          b' "available": "1.25"}]}'))
    assert row.total.as_tuple() == Decimal("1.50000000").as_tuple()
    assert row.locked == Decimal("0.25000000")


@pytest.mark.parametrize("amount", ['1.5', '" 5 "', '"1_000"', '"-1"', '"1E+999999"', '"NaN"',
                                    '""', "null"])
def test_anything_but_a_plain_decimal_string_is_refused(amount: str) -> None:
    body = f'{{"balances": [{{"asset": "BTC", "total": {amount}, "available": "0"}}]}}'
    with pytest.raises(InvalidResponseError) as caught:
        _rows(answer(body.encode()))
    assert caught.value.field == "$.balances[0].total"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"balances": [{"asset": "BTC", "total": "1", "available": "2"}]}',
         "$.balances[0].available"),
        (b'{"balances": [{"asset": "BTC", "total": "1", "available": "1"},'
         b' {"asset": "BTC", "total": "2", "available": "2"}]}', "$.balances[1].asset"),
        (b'{"balances": {}}', "$.balances"),
        (b"[" * 100_000, "$"),
        (b"<html>oops</html>", "$"),
    ],
)
def test_inconsistent_or_garbled_answers_name_the_field(body: bytes, field: str) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        _rows(answer(body))
    assert caught.value.field == field


def test_statuses_are_typed() -> None:
    with pytest.raises(AuthenticationError):
        _rows(answer(b'{"error": "bad key"}', 401))
    with pytest.raises(RateLimitedError) as caught:
        _rows(answer(b"{}", 429, **{"Retry-After": "3"}))
    assert caught.value.retry_after == 3.0
