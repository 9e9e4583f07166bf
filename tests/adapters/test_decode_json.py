"""decode_json's documented rules (adapters/kit/responses.py), one test per rule.

A garbled body is marked ``garbled`` (re-read by the retry policy); a well-formed but unusable
one (a repeated key, an integer beyond Python's digit limit, nesting too deep) is not.
"""

from __future__ import annotations

import sys
from decimal import Decimal

import pytest

from adapters.kit.responses import decode_json
from framework.errors import InvalidResponseError


def refused(body: bytes, content_type: str | None = "application/json") -> InvalidResponseError:
    with pytest.raises(InvalidResponseError) as caught:
        decode_json(body, content_type=content_type)
    return caught.value


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (b'{"totalBalance":"1","totalBalance":"2"}', "$.totalBalance"),
        (b'{"code":0,"data":[{"asset":"BTC","totalBalance":"1","totalBalance":"2"}]}',
         "$.data[0].totalBalance"),
        (b'{"code":0,"data":[{"asset":"A"},{"asset":"B","x":{"k":1,"k":1}}]}',
         "$.data[1].x.k"),
        (b'{"code":0,"code":0,"data":[]}', "$.code"),
        (b'{"a b":1,"a b":2}', '$["a b"]'),
        (b'[[{"q":1}],[{"q":1,"q":1}]]', "$[1][0].q"),
    ],
)
def test_a_repeated_key_is_refused_with_its_path(body: bytes, path: str) -> None:
    error = refused(body)
    assert error.field == path
    assert path in error.detail
    assert not error.garbled
    assert not error.retryable  # the same well-formed answer again cannot help


def test_equal_keys_in_different_objects_are_fine() -> None:
    body = b'{"data":[{"asset":"BTC","total":"1"},{"asset":"ETH","total":"2"}]}'
    assert decode_json(body) == {
        "data": [{"asset": "BTC", "total": "1"}, {"asset": "ETH", "total": "2"}]
    }


def test_numbers_are_exact_decimals() -> None:
    assert decode_json(b'{"a":0.1,"b":3}') == {"a": Decimal("0.1"), "b": 3}


def test_an_integer_beyond_the_digit_limit_says_so() -> None:
    limit = sys.get_int_max_str_digits()
    error = refused(b'{"code":0,"data":' + b"9" * (limit + 1) + b"}")
    assert f"a JSON integer has more than {limit} digits" in error.detail
    assert "truncated or garbled" not in error.detail
    assert not error.retryable


@pytest.mark.parametrize(
    "body",
    [b'{"code":0,"data":[', b"", b"<html>oops</html>", b"\xff\xfe", b'{"a":NaN}', b"[Infinity]"],
    ids=["cut-short", "empty", "html", "not-utf8", "nan", "infinity"],
)
def test_a_garbled_body_is_marked_for_a_re_read(body: bytes) -> None:
    error = refused(body)
    assert error.garbled
    assert error.retryable
    assert error.field == "$"


def test_a_body_that_is_not_json_by_its_content_type_is_garbled() -> None:
    error = refused(b"<html>maintenance</html>", "text/html; charset=utf-8")
    assert "text/html" in error.detail
    assert error.garbled


def test_nesting_too_deep_is_not_garbled() -> None:
    error = refused(b"[" * 100_000 + b"]" * 100_000)
    assert "too deeply" in error.detail
    assert not error.garbled
