"""Exchange-neutral reading of HTTP answers: JSON bodies, throttling and server errors.

Every adapter needs the same first steps before its own envelope rules apply: refuse a body
that is not JSON (a Cloudflare HTML page, a truncated stream), read JSON numbers as ``Decimal``
so no amount ever passes through a float, refuse ``NaN``/``Infinity`` (valid in Python's
``json`` module, invalid JSON), refuse an object that repeats a key (``json`` keeps the last
value: which one the exchange meant is unknown), and turn 429 and 5xx answers into the
retryable error classes.

Two kinds of unusable answer are told apart, because only one is worth reading again
(docs/reliability.md, "What is retried"):

* A *garbled* answer (``InvalidResponseError.garbled``): the body could not be read at all
  (not JSON, cut short). Reads are idempotent GETs and a re-read is validated again, so the
  error is ``retryable`` and folio re-reads it within the retry policy before reporting it.
* Any other :class:`~framework.errors.InvalidResponseError`: a well-formed answer that is wrong
  (schema mismatch, repeated key, an integer beyond Python's digit limit) or too large. Reading
  the same answer again cannot help, so it is reported at once.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any, Final

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

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "MAX_RETRY_AFTER",
    "decode_json",
    "parse_retry_after",
    "redirect_error",
    "status_error",
    "unreadable_status_error",
]

DEFAULT_MAX_BODY_BYTES: Final = 8 * 1024 * 1024
"""Default bound on one answer's body (``HttpSettings.max_body_bytes``): 8 MiB. The largest
real answers folio reads (a balance list of every asset an exchange lists, about 2,000 rows of
~100 bytes) are a few hundred KiB, so this leaves more than ten times their size as room."""


class _RepeatedKeyError(Exception):
    """Raised from inside the parser (not a ValueError: ``json`` must not take it as garbage)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Called once per JSON object; building the dict and comparing sizes is the cheap check.
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _RepeatedKeyError
    return obj


class _Pairs(list[tuple[str, Any]]):
    """A JSON object as parsed, repeated keys kept (only to find where a key repeats)."""


def _member(path: str, key: str) -> str:
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{json.dumps(key)}]"


def _repeated_key(node: Any, path: str) -> str | None:
    """The JSON path of the first repeated key under ``node``, in document order."""
    if isinstance(node, _Pairs):
        seen: set[str] = set()
        for key, _ in node:
            if key in seen:
                return _member(path, key)
            seen.add(key)
        items: list[tuple[str, Any]] = [(_member(path, k), v) for k, v in node]
    elif isinstance(node, list):
        items = [(f"{path}[{i}]", v) for i, v in enumerate(node)]
    else:
        return None
    for where, value in items:
        found = _repeated_key(value, where)
        if found is not None:
            return found
    return None


def _repeated_key_error(body: bytes) -> InvalidResponseError:
    """The error for a body with a repeated key, naming its path (found by a second, slow parse)."""
    try:
        tree = json.loads(body, parse_float=Decimal, object_pairs_hook=_Pairs)
        where = _repeated_key(tree, "$") or "$"
    except (ValueError, RecursionError):  # pragma: no cover - the first parse got this far
        where = "$"
    msg = f"a JSON object repeats the key at {where}: which value the exchange meant is unknown"
    return InvalidResponseError(msg, field=where)

MAX_RETRY_AFTER: Final = 7 * 24 * 3600.0
"""Bound on an exchange's ``Retry-After`` advice as read (a week): the advice is kept as sent so
a host learns how long a ban lasts, and a typo cannot claim more. Whether folio waits that long
is the retry policy's decision (``max_retry_after``), not the parser's."""


def _refuse_constant(name: str) -> Any:
    msg = f"{name} is not valid JSON"
    raise ValueError(msg)


def _beyond_digit_limit(exc: ValueError) -> bool:
    """Whether ``int()`` refused a JSON integer for Python's digit limit (not a syntax error)."""
    return not isinstance(exc, json.JSONDecodeError) and "Exceeds the limit" in str(exc)


def decode_json(body: bytes, *, content_type: str | None = None) -> Any:
    """Parse a JSON body with exact decimals and unique keys, or raise an InvalidResponseError.

    A body that cannot be read at all raises one marked ``garbled`` (re-read by the retry
    policy); a well-formed but unusable one raises one that is not.
    """
    if content_type and "json" not in content_type.lower():
        kind = content_type.split(";", 1)[0].strip()
        msg = f"expected a JSON body, got {kind or 'an unknown content type'} ({len(body)} bytes)"
        raise InvalidResponseError(msg, field="$", garbled=True)
    try:
        return json.loads(
            body,
            parse_float=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=_unique_keys,
        )
    except _RepeatedKeyError:
        raise _repeated_key_error(body) from None
    except (ValueError, UnicodeDecodeError) as exc:
        if not isinstance(exc, UnicodeDecodeError) and _beyond_digit_limit(exc):
            # Well-formed JSON that Python refuses to turn into an int (CVE-2020-10735 guard):
            # the answer is unusable as sent, and saying "garbled" would send the operator
            # looking for a broken proxy.
            limit = sys.get_int_max_str_digits()
            msg = f"a JSON integer has more than {limit} digits ({len(body)} bytes)"
            raise InvalidResponseError(msg, field="$") from None
        where = f" at byte {exc.pos}" if isinstance(exc, json.JSONDecodeError) else ""
        msg = f"body is not valid JSON{where} ({len(body)} bytes; truncated or garbled)"
        raise InvalidResponseError(msg, field="$", garbled=True) from None
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

    3xx is a redirect, never followed (:func:`redirect_error`); 429 is throttling
    (AscendEX's edge answers it with an HTML page, no JSON); 5xx is the exchange or its CDN
    failing. Other statuses are left to the adapter, whose bodies are
    usually JSON envelopes worth reading (AscendEX's 404 is one).
    """
    redirect = redirect_error(status)
    if redirect is not None:
        return redirect
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


def redirect_error(status: int) -> InvalidRequestError | None:
    """The error for a 3xx answer (an ``InvalidRequestError``, not retried), else ``None``.

    folio never follows a redirect: the request is signed, and following it would carry the
    API key and signature (Binance's is in the query) to wherever the answer points. The
    ``Location`` is not quoted either: a hostile answer can echo the signed URL in it. The
    usual cause is a base URL with the wrong scheme or an old host (docs/reliability.md).
    """
    if not 300 <= status < 400:
        return None
    msg = (
        f"the exchange answered with a redirect (HTTP {status}), which folio does not follow "
        "(it would carry the signed request elsewhere): check base_url (scheme and host)"
    )
    return InvalidRequestError(msg, status=status)


_UNREADABLE_STATUS: Final[Mapping[int, tuple[type[ExchangeError], str]]] = {
    401: (AuthenticationError, "the exchange refused the API key (HTTP 401)"),
    403: (PermissionDeniedError, "the exchange's edge or firewall refused the request (HTTP 403)"),
    404: (InvalidRequestError, "no such endpoint (HTTP 404): check the base URL"),
    405: (InvalidRequestError, "method not allowed (HTTP 405)"),
    408: (RequestTimeoutError, "the exchange's edge timed out waiting for the request (HTTP 408)"),
    414: (InvalidRequestError, "request URI too long (HTTP 414)"),
    451: (PermissionDeniedError, "the exchange refuses requests from this region (HTTP 451)"),
}


def unreadable_status_error(status: int, detail: str) -> ExchangeError:
    """The error for a non-200 answer whose body is not the exchange's JSON (an edge's page).

    The status says what happened (an HTML 401 or 403 from a WAF is a refusal, not garbage):
    known statuses get their class and name the status; others are an
    ``InvalidResponseError`` quoting ``detail`` (why the body could not be read), which is
    not re-read, since the status already says the exchange did not serve the read.
    """
    known = _UNREADABLE_STATUS.get(status)
    if known is not None:
        cls, words = known
        return cls(words, status=status)
    return InvalidResponseError(
        f"HTTP {status} with an unreadable body: {detail}", field="$", status=status
    )
