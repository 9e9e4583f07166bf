"""Exchange-neutral reading of HTTP answers: JSON bodies, throttling and server errors.

Every adapter needs the same first steps before its own envelope rules apply: refuse a body
that is not JSON (a Cloudflare HTML page, a truncated stream), read JSON numbers as ``Decimal``
so no amount ever passes through a float, refuse ``NaN``/``Infinity`` (valid in Python's
``json`` module, invalid JSON), and turn 429 and 5xx answers into the retryable error classes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any, Final

from framework.errors import (
    ExchangeError,
    ExchangeUnavailableError,
    InvalidRequestError,
    InvalidResponseError,
    RateLimitedError,
)

__all__ = ["MAX_RETRY_AFTER", "decode_json", "parse_retry_after", "status_error"]

MAX_RETRY_AFTER: Final = 7 * 24 * 3600.0
"""Bound on an exchange's ``Retry-After`` advice as read (a week): the advice is kept as sent so
a host learns how long a ban lasts, and a typo cannot claim more. Whether folio waits that long
is the retry policy's decision (``max_retry_after``), not the parser's."""


def _refuse_constant(name: str) -> Any:
    msg = f"{name} is not valid JSON"
    raise ValueError(msg)


def decode_json(body: bytes, *, content_type: str | None = None) -> Any:
    """Parse a JSON body with exact decimals, or raise :class:`InvalidResponseError`."""
    if content_type and "json" not in content_type.lower():
        kind = content_type.split(";", 1)[0].strip()
        msg = f"expected a JSON body, got {kind or 'an unknown content type'} ({len(body)} bytes)"
        raise InvalidResponseError(msg, field="$")
    try:
        return json.loads(body, parse_float=Decimal, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        where = f" at byte {exc.pos}" if isinstance(exc, json.JSONDecodeError) else ""
        msg = f"body is not valid JSON{where} ({len(body)} bytes; truncated or garbled)"
        raise InvalidResponseError(msg, field="$") from None
    except RecursionError:
        # ``[[[[...`` a thousand deep exhausts the parser's stack: garbage, not a crash.
        msg = f"body nests JSON too deeply to read ({len(body)} bytes)"
        raise InvalidResponseError(msg, field="$") from None


def parse_retry_after(
    value: str | None, now: Callable[[], float] = time.time, cap: float = MAX_RETRY_AFTER
) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), capped.

    Garbage, negative or missing values give ``None`` (no advice); a date in the past gives 0.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():  # isdigit() alone accepts superscripts too
        return min(float(text), cap)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return min(max(when.timestamp() - now(), 0.0), cap)


def status_error(
    status: int, headers: Mapping[str, str], *, now: Callable[[], float] = time.time
) -> ExchangeError | None:
    """The error an HTTP status means before the body is read, or ``None`` to read the body.

    429 is throttling (AscendEX's edge answers it with an HTML page, no JSON); 5xx is the
    exchange or its CDN failing. Other statuses are left to the adapter, whose bodies are
    usually JSON envelopes worth reading (AscendEX's 404 is one).
    """
    if status == 429:
        retry_after = parse_retry_after(headers.get("retry-after"), now)
        advice = f"; retry after {retry_after:g} s" if retry_after is not None else ""
        return RateLimitedError(
            f"rate limited by the exchange (HTTP 429){advice}",
            retry_after=retry_after,
            status=status,
        )
    if status >= 500:
        return ExchangeUnavailableError(
            f"the exchange is unavailable (HTTP {status})", status=status
        )
    if status in {400, 405, 414}:
        reason = {400: "bad request", 405: "method not allowed", 414: "URI too long"}[status]
        return InvalidRequestError(f"the exchange refused the request: {reason}", status=status)
    return None
