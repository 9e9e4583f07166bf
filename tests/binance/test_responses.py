"""Reading one answer: every error code, every status Binance documents, and garbage."""

from __future__ import annotations

import json
from decimal import Decimal
from email.utils import formatdate
from typing import Any

import httpx
import pytest

from adapters.binance.convert import structure
from adapters.binance.errors import ERROR_CODES, advice, error_class
from adapters.binance.responses import read_payload
from framework.errors import (
    AuthenticationError,
    BannedError,
    ClockSkewError,
    ExchangeError,
    ExchangeUnavailableError,
    InvalidRequestError,
    InvalidResponseError,
    PermissionDeniedError,
    RateLimitedError,
)
from framework.retry import RetryPolicy, decide

JSON = {"content-type": "application/json;charset=UTF-8"}
HTML = {"content-type": "text/html"}
NOW = 1_700_000_000.0


def _read(status: int, body: Any, headers: dict[str, str] | None = None) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return read_payload(
        status, httpx.Headers(headers or JSON), raw, structure=structure, now=lambda: NOW
    )


def _error(status: int, body: Any, headers: dict[str, str] | None = None) -> ExchangeError:
    with pytest.raises(ExchangeError) as caught:
        _read(status, body, headers)
    return caught.value


def test_a_success_is_the_payload_itself_with_exact_decimals() -> None:
    assert _read(200, b'{"serverTime": 1499827319559, "x": 0.1}') == {
        "serverTime": 1499827319559, "x": Decimal("0.1")
    }


@pytest.mark.parametrize(("code", "entry"), sorted(ERROR_CODES.items()),
                         ids=[str(code) for code in sorted(ERROR_CODES)])
def test_every_documented_code_maps_to_its_class(
    code: int, entry: tuple[type[ExchangeError], str]
) -> None:
    cls, name = entry
    error = _error(400, {"code": code, "msg": "the exchange's words"})
    assert type(error) is cls
    assert (error.code, error.reason, error.exchange_message, error.status) == (
        code, name, "the exchange's words", 400
    )
    assert f"(code {code}, {name})" in error.detail
    assert error_class(code) is cls


@pytest.mark.parametrize(
    ("code", "status", "cls", "says"),
    [
        (-1021, 400, ClockSkewError, "outside what Binance accepts"),
        (-1022, 400, AuthenticationError, "check the API secret"),
        (-2014, 401, AuthenticationError, "not in Binance's format"),
        (-2015, 401, PermissionDeniedError, "IP allow-list and that it has 'Enable Reading'"),
        (-1003, 400, RateLimitedError, "Too much request weight used"),
    ],
    ids=["timestamp", "signature", "key-format", "key-ip-or-permission", "weight"],
)
def test_the_codes_a_reader_meets_say_what_to_do(
    code: int, status: int, cls: type[ExchangeError], says: str
) -> None:
    msg = "Too much request weight used; current limit is 6000 request weight per 1 MINUTE."
    error = _error(status, {"code": code, "msg": msg})
    assert type(error) is cls
    assert says in error.detail
    assert (advice(code) is None) == (code == -1003)


def test_an_unknown_code_keeps_code_and_message() -> None:
    error = _error(400, {"code": -9999, "msg": "Something new."})
    assert type(error) is ExchangeError
    assert (error.code, error.exchange_message, error.reason) == (-9999, "Something new.", None)
    assert error.detail == "unrecognised error code: Something new. (code -9999)"


def test_an_error_body_with_http_200_is_still_an_error() -> None:
    error = _error(200, {"code": -1022, "msg": "Signature for this request is not valid."})
    assert isinstance(error, AuthenticationError)
    assert error.status == 200


def test_a_malformed_error_body_names_the_field() -> None:
    error = _error(400, {"code": "-1021", "msg": "x"})
    assert isinstance(error, InvalidResponseError)
    assert error.field == "$.code"


# -- statuses that speak for themselves ---------------------------------------------------------


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [("3", 3.0), (formatdate(NOW + 42, usegmt=True), 42.0), (None, None), ("soon", None)],
    ids=["seconds", "http-date", "absent", "garbage"],
)
def test_429_is_rate_limited_with_the_advice(
    retry_after: str | None, expected: float | None
) -> None:
    headers = {**JSON, **({"retry-after": retry_after} if retry_after else {})}
    error = _error(429, {"code": -1003, "msg": "Too much request weight used"}, headers)
    assert isinstance(error, RateLimitedError)
    assert (error.retry_after, error.status, error.code) == (expected, 429, -1003)
    assert error.retryable
    assert "Too much request weight used" in error.detail


def test_429_without_a_json_body_is_still_rate_limited() -> None:
    error = _error(429, b"<html>slow down</html>", {**HTML, "retry-after": "1"})
    assert isinstance(error, RateLimitedError)
    assert (error.retry_after, error.code) == (1.0, None)


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [("7200", 7200.0), (str(3 * 24 * 3600), 3 * 24 * 3600.0), ("", None)],
    ids=["two-hours", "three-days-kept-whole", "no-advice"],
)
def test_418_is_a_ban_whose_length_is_kept(retry_after: str, expected: float | None) -> None:
    body = {"code": -1003, "msg": "Way too much request weight used; IP banned until 1."}
    error = _error(418, body, {**JSON, "retry-after": retry_after})
    assert isinstance(error, BannedError)  # never retried, with or without advice
    assert (error.retry_after, error.status) == (expected, 418)
    assert "banned" in error.detail


def test_a_ban_is_never_retried() -> None:
    body = {"code": -1003, "msg": "IP banned until 1."}
    error = _error(418, body, JSON)
    decision = decide(RetryPolicy(max_attempts=10), error, attempt=1, elapsed=0, jitter=0)
    assert not decision.retry
    assert "banned" in decision.reason


@pytest.mark.parametrize(
    ("status", "body", "headers", "code"),
    [
        (500, {"code": -1001, "msg": "Internal error; unable to process your request."}, JSON,
         -1001),
        (503, {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}, JSON,
         -2015),
        (502, b"<html>502 Bad Gateway</html>", HTML, None),
        (504, b"", JSON, None),
    ],
    ids=["500-json", "503-even-with-a-key-code", "502-html", "504-empty"],
)
def test_5xx_is_always_unavailable(
    status: int, body: Any, headers: dict[str, str], code: int | None
) -> None:
    error = _error(status, body, headers)
    assert type(error) is ExchangeUnavailableError
    assert (error.status, error.code) == (status, code)
    assert f"HTTP {status}" in error.detail


@pytest.mark.parametrize(
    ("status", "cls", "says"),
    [
        (403, PermissionDeniedError, "firewall"),
        (401, AuthenticationError, "refused the API key"),
        (404, InvalidRequestError, "check the base URL"),
        (405, InvalidRequestError, "method not allowed"),
        (414, InvalidRequestError, "URI too long"),
    ],
)
def test_bodyless_statuses(status: int, cls: type[ExchangeError], says: str) -> None:
    error = _error(status, b"<html>nope</html>", HTML)
    assert type(error) is cls
    assert error.status == status
    assert says in error.detail


@pytest.mark.parametrize(
    ("status", "body", "headers", "says"),
    [
        (400, b"not json", JSON, "HTTP 400 without a Binance error body"),
        (200, b'{"balances": [', JSON, "not valid JSON"),
        (200, b"<html></html>", HTML, "expected a JSON body, got text/html"),
    ],
    ids=["400-garbage", "200-truncated", "200-html"],
)
def test_unreadable_answers_are_invalid_responses(
    status: int, body: bytes, headers: dict[str, str], says: str
) -> None:
    error = _error(status, body, headers)
    assert type(error) is InvalidResponseError
    assert (error.field, error.status) == ("$", status)
    assert says in error.detail
