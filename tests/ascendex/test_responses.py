"""Reading AscendEX answers: envelopes, every error code, HTTP-level failures."""

from __future__ import annotations

import json

import pytest

from adapters.ascendex.errors import ERROR_CODES
from adapters.ascendex.responses import read_data
from framework.errors import (
    AccountStateError,
    AuthenticationError,
    ClockSkewError,
    ExchangeError,
    ExchangeUnavailableError,
    InvalidRequestError,
    InvalidResponseError,
    PermissionDeniedError,
    RateLimitedError,
    TransientError,
)

JSON = {"content-type": "application/json"}


def _error(code: int, message: str = "m", reason: str | None = "R") -> bytes:
    body: dict[str, object] = {"code": code, "message": message}
    if reason is not None:
        body["reason"] = reason
    return json.dumps(body).encode()


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_every_documented_code_maps_to_its_class(code: int) -> None:
    cls, reason = ERROR_CODES[code]
    with pytest.raises(ExchangeError) as caught:
        read_data(200, JSON, _error(code, "said by exchange", reason))
    error = caught.value
    assert type(error) is cls
    assert (error.code, error.reason, error.exchange_message) == (code, reason, "said by exchange")
    assert error.exchange == "ascendex"
    assert "said by exchange" in str(error)


# What a caller must be able to rely on, stated independently of the table above.
EXPECTED_BRANCH = [
    (200001, AuthenticationError),    # signature mismatch / expired key
    (100009, AuthenticationError),    # headers missing
    (100011, ClockSkewError),         # timestamp outside the window
    (200015, PermissionDeniedError),  # key lacks permission
    (200014, PermissionDeniedError),  # restricted account
    (200006, AccountStateError),      # wrong account group
    (100004, InvalidRequestError),    # bad parameter, e.g. showAll=maybe
    (510001, ExchangeUnavailableError),
    (100014, RateLimitedError),
    (2100, AuthenticationError),      # legacy ApiKeyFailure
    (6010, InvalidRequestError),      # legacy not enough balance
    (404, InvalidRequestError),
]


@pytest.mark.parametrize(("code", "cls"), EXPECTED_BRANCH)
def test_caller_facing_branches(code: int, cls: type[ExchangeError]) -> None:
    with pytest.raises(cls):
        read_data(200, JSON, _error(code))


def test_transient_codes_are_retryable_and_permanent_ones_are_not() -> None:
    with pytest.raises(ExchangeError) as transient:
        read_data(200, JSON, _error(510001))
    with pytest.raises(ExchangeError) as permanent:
        read_data(200, JSON, _error(200001))
    assert transient.value.retryable
    assert not permanent.value.retryable


def test_unknown_code_keeps_code_message_and_reason() -> None:
    with pytest.raises(ExchangeError) as caught:
        read_data(200, JSON, _error(777777, "Something new", "NEW_REASON"))
    error = caught.value
    assert type(error) is ExchangeError
    assert (error.code, error.reason, error.exchange_message) == (
        777777, "NEW_REASON", "Something new"
    )
    assert "unrecognised" in str(error)


def test_legacy_error_without_reason() -> None:
    with pytest.raises(AuthenticationError) as caught:
        read_data(200, JSON, b'{"code":2100,"message":"ApiKeyFailure"}')
    assert caught.value.reason == "API_KEY_FAILURE"


def test_404_json_route_error() -> None:
    body = (
        b'{"code":404,"message":"URL requested was not found",'
        b'"reason":"/8/api/pro/v1/cashbalance"}'
    )
    with pytest.raises(InvalidRequestError) as caught:
        read_data(404, JSON, body)
    assert caught.value.status == 404
    assert "URL requested was not found" in str(caught.value)


def test_429_cloudflare_html_is_rate_limiting_not_bad_json() -> None:
    html = b"<html><title>Access denied | ascendex.com used Cloudflare</title></html>"
    with pytest.raises(RateLimitedError) as caught:
        read_data(429, {"content-type": "text/html"}, html)
    assert caught.value.retry_after is None
    assert isinstance(caught.value, TransientError)


def test_429_retry_after_seconds() -> None:
    with pytest.raises(RateLimitedError) as caught:
        read_data(429, {"content-type": "text/html", "retry-after": "7"}, b"<html/>")
    assert caught.value.retry_after == 7.0


@pytest.mark.parametrize("advice", ["\u00b2", "\u0661", "7s", "-3", ""])
def test_429_with_unreadable_retry_after_is_still_rate_limiting(advice: str) -> None:
    # '²' is what httpx makes of the latin-1 byte 0xB2; str.isdigit() accepts it, float() not
    with pytest.raises(RateLimitedError) as caught:
        read_data(429, {"content-type": "text/html", "retry-after": advice}, b"<html/>")
    assert caught.value.retry_after is None


@pytest.mark.parametrize("status", [500, 502, 521, 524])
def test_5xx_html_is_exchange_unavailable(status: int) -> None:
    with pytest.raises(ExchangeUnavailableError) as caught:
        read_data(status, {"content-type": "text/html"}, b"<html>Bad gateway</html>")
    assert caught.value.status == status


@pytest.mark.parametrize(("status", "words"), [(400, "bad request"), (405, "not allowed"),
                                               (414, "too long")])
def test_edge_refusals(status: int, words: str) -> None:
    with pytest.raises(InvalidRequestError, match=words):
        read_data(status, {"content-type": "text/plain"}, b"Illegal request-target")


BAD_BODIES = [
    (b'{"code":0,"data":[{"asset":"BTC"', "not valid JSON"),   # truncated
    (b"\x00\xffgarbage", "not valid JSON"),
    (b"", "not valid JSON"),
    (b'{"code":0,"data":NaN}', "not valid JSON"),
    (b'[1,2,3]', "no 'code'"),
    (b'{"data":[]}', "no 'code'"),
    (b'{"code":0}', "without 'data'"),
    (b'{"code":"0","data":[]}', "code"),
]


@pytest.mark.parametrize(("body", "words"), BAD_BODIES)
def test_bad_bodies_are_invalid_responses(body: bytes, words: str) -> None:
    with pytest.raises(InvalidResponseError, match=words) as caught:
        read_data(200, JSON, body)
    assert caught.value.exchange == "ascendex"


def test_html_with_200_is_refused_by_content_type() -> None:
    with pytest.raises(InvalidResponseError, match="text/html"):
        read_data(200, {"content-type": "text/html; charset=utf-8"}, b"<html>maintenance</html>")


def test_success_code_on_error_status_is_not_trusted() -> None:
    with pytest.raises(InvalidResponseError, match="HTTP 403"):
        read_data(403, JSON, b'{"code":0,"data":[]}')
