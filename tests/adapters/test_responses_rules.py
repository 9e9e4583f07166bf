"""The exchange-neutral answer rules of adapters/kit/responses.py, one test per documented rule.

Status mapping (docs/reliability.md, "What is retried" and the hostile-server table): a 3xx is
an ``InvalidRequestError`` never followed; 429 a ``RateLimitedError`` with its advice; 5xx an
``ExchangeUnavailableError``; 400, 405 and 414 the origin's own refusals; an error status with
an unreadable body is named by its status. ``Retry-After`` is read as seconds or an HTTP date
and capped at a week as read. Found by the mutation run (docs/testing.md).
"""

from __future__ import annotations

import pytest

from adapters.kit.responses import (
    MAX_RETRY_AFTER,
    parse_retry_after,
    redirect_error,
    status_error,
    unreadable_status_error,
)
from framework.errors import (
    AuthenticationError,
    ExchangeError,
    ExchangeUnavailableError,
    InvalidRequestError,
    InvalidResponseError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
)

NOW = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC


def _now() -> float:
    return NOW


def test_retry_after_is_capped_at_a_week_as_read() -> None:
    week = 7 * 24 * 3600.0
    assert week == MAX_RETRY_AFTER
    assert parse_retry_after("604800", _now) == week
    assert parse_retry_after("604801", _now) == week
    assert parse_retry_after("99999999999", _now) == week
    assert parse_retry_after("Tue, 14 Nov 2123 22:13:20 GMT", _now) == week  # a century ahead


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("0", 0.0), ("120", 120.0), (" 7 ", 7.0),
        ("Tue, 14 Nov 2023 22:13:50 GMT", 30.0),  # a date 30 s ahead
        ("Tue, 14 Nov 2023 22:00:00 GMT", 0.0),  # a date in the past: now
        (None, None), ("", None), ("   ", None), ("-5", None), ("1.5", None), ("soon", None),
        ("\u00b2", None),  # a superscript two: isdigit() but not a number of seconds
        ("Tue, 14 Nov 2023 22:13:50", None),  # a date without a zone is no advice
    ],
)
def test_retry_after_is_seconds_or_an_http_date(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, _now) == seconds


@pytest.mark.parametrize("status", [300, 301, 302, 303, 307, 308, 399])
def test_a_redirect_is_an_invalid_request_never_followed(status: int) -> None:
    for error in (status_error(status, {"location": "https://attacker.example/?signature=abc"}),
                  redirect_error(status)):
        assert isinstance(error, InvalidRequestError)
        assert error.status == status
        assert not error.retryable
        assert f"redirect (HTTP {status})" in error.detail
        assert "base_url" in error.detail
        assert "attacker" not in error.detail  # the Location is never quoted


@pytest.mark.parametrize("status", [200, 299, 400, 404])
def test_other_statuses_are_no_redirect(status: int) -> None:
    assert redirect_error(status) is None


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, InvalidRequestError), (405, InvalidRequestError), (414, InvalidRequestError),
        (429, RateLimitedError),
        (500, ExchangeUnavailableError), (502, ExchangeUnavailableError),
        (503, ExchangeUnavailableError), (599, ExchangeUnavailableError),
    ],
)
def test_statuses_that_mean_an_error_before_the_body(
    status: int, kind: type[ExchangeError]
) -> None:
    error = status_error(status, {})
    assert type(error) is kind
    assert error.status == status
    assert error.retryable is (status == 429 or status >= 500)


@pytest.mark.parametrize("status", [200, 401, 403, 404, 406, 408, 413, 415, 418, 451, 499])
def test_other_statuses_leave_the_body_to_the_adapter(status: int) -> None:
    assert status_error(status, {}) is None


def test_a_429_carries_its_retry_after() -> None:
    error = status_error(429, {"retry-after": "3"}, now=_now)
    assert isinstance(error, RateLimitedError)
    assert (error.retry_after, error.status) == (3.0, 429)
    assert "retry after 3 s" in error.detail
    assert status_error(429, {}, now=_now).retry_after is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, AuthenticationError), (403, PermissionDeniedError), (451, PermissionDeniedError),
        (404, InvalidRequestError), (405, InvalidRequestError), (414, InvalidRequestError),
        (408, RequestTimeoutError),
    ],
)
def test_an_unreadable_error_page_is_named_by_its_status(
    status: int, kind: type[ExchangeError]
) -> None:
    error = unreadable_status_error(status, "body is not valid JSON")
    assert type(error) is kind
    assert error.status == status
    assert f"HTTP {status}" in error.detail
    assert "not valid JSON" not in error.detail


@pytest.mark.parametrize("status", [402, 406, 409, 415, 452, 418])
def test_an_unreadable_body_under_another_status_is_an_unusable_answer(status: int) -> None:
    error = unreadable_status_error(status, "body is not valid JSON")
    assert type(error) is InvalidResponseError
    assert (error.status, error.field) == (status, "$")
    assert not error.retryable  # the status already says the read was not served
    assert f"HTTP {status} with an unreadable body: body is not valid JSON" in error.detail
