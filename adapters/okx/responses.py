"""Read one OKX answer: HTTP status, the ``{"code","msg","data"}`` envelope, then ``data``.

Success is ``"code": "0"`` (a string) with ``data`` a list, always with HTTP 200. A failure
carries its code in the same envelope, with HTTP 200 for most business errors, 401 for the
authentication codes (501xx), 400 for parameter errors, 429 for ``50011``/``50013`` and 503
for ``50001`` (docs/exchanges/okx.md, "Errors"). So the body is read first and the code
decides: a 401 with ``50102`` is a clock skew the sender can correct, not just "HTTP 401".
Statuses that speak for themselves come first all the same: a redirect is never followed,
a 429 is throttling and a 5xx unavailability whatever the body says, and a non-200 whose body
is not OKX's (an edge's HTML page) is named by its status (adapters/kit/responses.py). A 200
whose body cannot be read at all is marked ``garbled`` and re-read by the retry policy.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from adapters.kit.responses import (
    decode_json,
    parse_retry_after,
    redirect_error,
    status_error,
    unreadable_status_error,
)
from adapters.okx.errors import ADVICE, ERROR_CODES
from framework.errors import (
    ExchangeError,
    ExchangeUnavailableError,
    InvalidResponseError,
    RateLimitedError,
)

__all__ = ["read_data"]


def _coded(code: str, msg: str | None, status: int, headers: Mapping[str, str],
           now: Callable[[], float]) -> ExchangeError:
    number = int(code) if code.isascii() and code.isdigit() and len(code) < 10 else None
    known = number in ERROR_CODES
    said = msg or "no message"
    detail = f"{said} (code {code})" if known else f"unrecognised error code: {said} (code {code})"
    tip = ADVICE.get(number) if number is not None else None
    if tip is not None:
        detail = f"{detail}: {tip}"
    kind = ERROR_CODES.get(number, ExchangeError) if number is not None else ExchangeError
    if status == 429 or kind is RateLimitedError:
        retry_after = parse_retry_after(headers.get("retry-after"), now)
        return RateLimitedError(detail, retry_after=retry_after, code=code,
                                exchange_message=msg, status=status)
    if status >= 500:
        kind = ExchangeUnavailableError
    return kind(detail, code=code, exchange_message=msg, status=status)


def _not_okx(status: int, headers: Mapping[str, str], detail: str,
             now: Callable[[], float]) -> ExchangeError:
    """A non-200 answer without OKX's envelope: its status says what happened."""
    early = status_error(status, headers, now=now) if status == 429 or status >= 500 else None
    return early or unreadable_status_error(status, detail)


def read_data(status: int, headers: Mapping[str, str], body: bytes, *,
              now: Callable[[], float] = time.time) -> list[Any]:
    """The envelope's ``data`` of a successful answer, or the typed error it stands for.

    ``headers`` must be case-insensitive (or use lower-case keys).
    """
    redirect = redirect_error(status)
    if redirect is not None:
        raise redirect
    try:
        payload = decode_json(body, content_type=headers.get("content-type"))
    except InvalidResponseError as exc:
        if status != 200:
            raise _not_okx(status, headers, exc.detail, now) from None
        exc.status = status
        raise
    code = payload.get("code") if isinstance(payload, dict) else None
    if type(code) is not str:
        if status != 200:
            raise _not_okx(status, headers, "not an OKX envelope", now)
        msg = "response is not an OKX envelope (no string 'code')"
        raise InvalidResponseError(msg, field="$.code", status=status)
    if code != "0":
        said = payload.get("msg")
        raise _coded(code[:40], said if isinstance(said, str) else None, status, headers, now)
    if status != 200:
        msg = f"HTTP {status} with a success envelope"
        raise InvalidResponseError(msg, field="$", status=status)
    data = payload.get("data")
    if not isinstance(data, list):
        msg = "success envelope without a 'data' list"
        raise InvalidResponseError(msg, field="$.data", status=status)
    return data
