"""The example plugin reads answers into exact amounts, or an error naming the field."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from folio_paperex.convert import read_balances

from framework.errors import (
    AuthenticationError,
    ExchangeError,
    ExchangeUnavailableError,
    InvalidRequestError,
    InvalidResponseError,
    RateLimitedError,
)


def answer(body: bytes, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=body, headers=headers)


def test_amounts_keep_every_digit() -> None:
    (row,) = read_balances(answer(b'{"balances": [{"asset": "BTC", "total": "1.50000000",'
                                  b' "available": "1.25"}]}'))
    assert row.total.as_tuple() == Decimal("1.50000000").as_tuple()
    assert row.locked == Decimal("0.25000000")


@pytest.mark.parametrize("amount", ['1.5', '" 5 "', '"1_000"', '"-1"', '"1E+999999"', '"NaN"',
                                    '""', "null", "true", '"\uff11"'])
def test_anything_but_a_decimal_string_of_a_holding_is_refused(amount: str) -> None:
    body = f'{{"balances": [{{"asset": "BTC", "total": {amount}, "available": "0"}}]}}'
    with pytest.raises(InvalidResponseError) as caught:
        read_balances(answer(body.encode()))
    assert caught.value.field == "$.balances[0].total"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"balances": [{"asset": "BTC", "total": "1", "available": "2"}]}',
         "$.balances[0].available"),
        (b'{"balances": [{"asset": "BTC", "total": "1", "available": "-0.1"}]}',
         "$.balances[0].available"),
        (b'{"balances": [{"asset": "BTC", "total": "1", "available": "1"},'
         b' {"asset": "BTC", "total": "2", "available": "2"}]}', "$.balances[1].asset"),
        (b'{"balances": [{"asset": "BTC", "total": "1", "available": "1"},'
         b' {"asset": "btc", "total": "2", "available": "2"}]}', "$.balances[1].asset"),
        (b'{"balances": [{"asset": "BTC", "total": "1"}]}', "$.balances[0].available"),
        (b'{"balances": {}}', "$.balances"),
        (b'{"balances": [], "balances": []}', "$.balances"),
        (b"[" * 100_000, "$"),
        (b"<html>oops</html>", "$"),
    ],
)
def test_inconsistent_or_garbled_answers_name_the_field(body: bytes, field: str) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        read_balances(answer(body))
    assert caught.value.field == field


def test_a_body_that_is_not_json_is_garbled_and_a_wrong_shape_is_not() -> None:
    with pytest.raises(InvalidResponseError) as garbled:
        read_balances(answer(b'{"balances": [{"asset"'))
    with pytest.raises(InvalidResponseError) as wrong:
        read_balances(answer(b'{"balances": "none"}'))
    assert (garbled.value.garbled, wrong.value.garbled) == (True, False)


def test_statuses_are_typed() -> None:
    with pytest.raises(AuthenticationError):
        read_balances(answer(b'{"error": "bad key"}', 401))
    with pytest.raises(RateLimitedError) as caught:
        read_balances(answer(b"{}", 429, **{"Retry-After": "3"}))
    assert caught.value.retry_after == 3.0
    with pytest.raises(ExchangeUnavailableError):
        read_balances(answer(b"<html>down</html>", 503))
    with pytest.raises(InvalidRequestError):  # never followed: the request is signed
        read_balances(answer(b"", 302, Location="https://elsewhere.invalid/"))
    with pytest.raises(ExchangeError) as other:
        read_balances(answer(b'{"balances": []}', 418))
    assert type(other.value) is ExchangeError
    assert other.value.status == 418
