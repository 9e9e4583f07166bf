"""Read one Binance answer: HTTP status, JSON body, error code, or the payload itself.

Binance has no success envelope: a successful answer (HTTP 200) *is* the payload. A failure is
``{"code": -1021, "msg": "..."}`` with a 4xx status (400 for bad requests and timestamps, 401
for keys), and a few statuses speak for themselves (General API Information, "HTTP Return
Codes"):

* **429**: the IP went over a request-weight limit; ``Retry-After`` says how long to back off.
* **418**: the IP kept sending after 429s and is banned, from 2 minutes up to 3 days;
  ``Retry-After`` says until when. Both are :class:`~framework.errors.RateLimitedError`.
* **403**: the web application firewall refused the request; **401** without a JSON body: the
  key was refused. Statuses without a Binance error body are mapped by the table shared with
  AscendEX (:func:`adapters.kit.responses.unreadable_status_error`).
* **3xx**: a redirect, never followed: it would carry the signed query elsewhere
  (:func:`adapters.kit.responses.redirect_error`).
* **5xx**: a problem on Binance's side; the execution status is unknown, so it is always
  :class:`~framework.errors.ExchangeUnavailableError` (with the code if the body has one).

Checks happen in the order that keeps the diagnosis honest: a 429 whose body is an HTML page is
throttling, not "invalid JSON"; a ``-2015`` is a key problem, not a schema error. A 200 whose
body cannot be read at all is marked ``garbled`` and re-read by the retry policy.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from adapters.binance.errors import ERROR_CODES, advice, error_class
from adapters.binance.wire import ErrorBody
from adapters.kit.responses import (
    decode_json,
    parse_retry_after,
    redirect_error,
    unreadable_status_error,
)
from framework.errors import (
    BannedError,
    ExchangeError,
    ExchangeUnavailableError,
    InvalidResponseError,
    RateLimitedError,
)

__all__ = ["read_payload"]

def _error_body(payload: Any, structure: Callable[..., Any]) -> ErrorBody | None:
    """The payload as an error body, if it is one (``code`` and ``msg``, nothing of a success)."""
    if isinstance(payload, dict) and "code" in payload and "msg" in payload:
        body: ErrorBody = structure(payload, ErrorBody, path="$")
        return body
    return None


def _coded(body: ErrorBody, status: int) -> ExchangeError:
    known = ERROR_CODES.get(body.code)
    name = known[1] if known is not None else None
    words = body.msg or name or "no message"
    detail = f"{words} (code {body.code}, {name})" if name else (
        f"unrecognised error code: {words} (code {body.code})"
    )
    tip = advice(body.code)
    if tip is not None:
        detail = f"{detail}: {tip}"
    return error_class(body.code)(
        detail, code=body.code, reason=name, exchange_message=body.msg, status=status
    )


def _throttled(
    status: int, headers: Mapping[str, str], body: ErrorBody | None, now: Callable[[], float]
) -> RateLimitedError:
    retry_after = parse_retry_after(headers.get("retry-after"), now)
    kind: type[RateLimitedError]
    if status == 418:
        kind = BannedError  # never retried: an early request lengthens the ban
        what = "the IP address is banned for going on after HTTP 429 (HTTP 418)"
    else:
        kind = RateLimitedError
        what = "rate limited: the IP address went over a request-weight limit (HTTP 429)"
    advice_text = f"; retry after {retry_after:g} s" if retry_after is not None else ""
    said = f": {body.msg}" if body is not None and body.msg else ""
    return kind(
        f"{what}{advice_text}{said}",
        retry_after=retry_after,
        status=status,
        code=body.code if body is not None else None,
        exchange_message=body.msg if body is not None else None,
    )


def read_payload(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    structure: Callable[..., Any],
    now: Callable[[], float] = time.time,
) -> Any:
    """The JSON payload of a successful answer, or the typed error it stands for.

    ``headers`` must be case-insensitive (or use lower-case keys); ``structure`` is the
    adapter's strict reader (used for the error body).
    """
    payload: Any = None
    failure: InvalidResponseError | None = None
    try:
        payload = decode_json(body, content_type=headers.get("content-type"))
    except InvalidResponseError as unreadable:
        failure = unreadable
    coded = _error_body(payload, structure)
    redirect = redirect_error(status)
    if redirect is not None:
        raise redirect
    if status in (418, 429):
        raise _throttled(status, headers, coded, now)
    if status >= 500:
        said = f": {coded.msg} (code {coded.code})" if coded is not None else ""
        raise ExchangeUnavailableError(
            f"the exchange is unavailable (HTTP {status}){said}",
            status=status,
            code=coded.code if coded is not None else None,
            exchange_message=coded.msg if coded is not None else None,
        )
    if coded is not None:
        raise _coded(coded, status)
    if status != 200:
        # An edge's page (the WAF's 403) or no error body: the status says what happened.
        detail = failure.detail if failure is not None else "not a Binance error body"
        error = unreadable_status_error(status, detail)
        if type(error) is InvalidResponseError:
            msg = f"HTTP {status} without a Binance error body"
            raise InvalidResponseError(msg, field="$", status=status)
        raise error
    if failure is not None:
        failure.status = status
        raise failure
    return payload
