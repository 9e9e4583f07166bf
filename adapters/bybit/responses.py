"""Read one Bybit answer: HTTP status, JSON body, the ``retCode`` envelope, then ``result``.

Bybit answers most failures in an HTTP 200 envelope ``{"retCode": 10004, "retMsg": "...",
"result": {}, ...}``; a few statuses speak for themselves (docs/exchanges/bybit.md, "Errors"):

* **403**: the IP address went over 600 requests in 5 seconds and is banned for at least 10
  minutes (also a region Bybit does not serve): :class:`~framework.errors.BannedError`, never
  retried, since an early request lengthens the ban;
* **404 with an empty body** to ``wallet-balance``: the account has no unified trading
  account (a classic account), see :mod:`adapters.bybit.protocol`;
* **401**: the key or its headers were refused; **429**: Bybit's system-level protection;
  **5xx**: Bybit's side (:func:`adapters.kit.responses.status_error`);
* **3xx**: a redirect, never followed.

A ``retCode`` 10006 (over an endpoint's per-UID limit) says when to try again in
``X-Bapi-Limit-Reset-Timestamp`` (UTC ms), sometimes not at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from adapters.bybit.errors import ADVICE, ERROR_CODES, TOO_MANY_VISITS
from adapters.bybit.wire import Envelope
from adapters.kit.responses import decode_json, status_error, unreadable_status_error
from framework.errors import BannedError, ExchangeError, InvalidResponseError, RateLimitedError

__all__ = ["read_result"]

_BANNED = ("HTTP 403: the IP address went over 600 requests in 5 s (banned for 10 minutes or "
           "more: wait) or is in a region Bybit does not serve")


def _coded(envelope: Envelope, status: int, headers: Mapping[str, str],
           now: Callable[[], float]) -> ExchangeError:
    code, said = envelope.ret_code, envelope.ret_msg
    cls, name = ERROR_CODES.get(code, (ExchangeError, None))
    detail = (f"{said or name} (retCode {code}, {name})" if name
              else f"unrecognised retCode: {said or 'no message'} (retCode {code})")
    tip = ADVICE.get(code)
    if tip:
        detail = f"{detail}: {tip}"
    if code == TOO_MANY_VISITS:
        reset = headers.get("x-bapi-limit-reset-timestamp", "")
        wait = (max(int(reset) / 1000 - now(), 0.0)
                if reset.isascii() and reset.isdigit() and len(reset) < 16 else None)
        return RateLimitedError(detail, retry_after=wait, code=code, reason=name,
                                exchange_message=said, status=status)
    return cls(detail, code=code, reason=name, exchange_message=said, status=status)


def read_result(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    structure: Callable[..., Any],
    now: Callable[[], float] = time.time,
) -> Any:
    """The ``result`` of a successful answer, or the typed error the answer stands for.

    ``headers`` must be case-insensitive; ``structure`` is the adapter's strict reader.
    """
    if status == 403:
        raise BannedError(_BANNED, status=status)
    # A redirect, a 429 and a 5xx speak for themselves whatever the body; a 400, 405 or 414 is
    # read for its retCode first (a 400 carrying 10003 is a refused key, not a bad request,
    # and an unknown code is kept), the status saying what happened only without one.
    early = status_error(status, headers, now=now)
    if early is not None and status not in {400, 405, 414}:
        raise early
    try:
        payload = decode_json(body, content_type=headers.get("content-type"))
    except InvalidResponseError as unreadable:
        if status != 200:
            raise early or unreadable_status_error(status, unreadable.detail) from None
        unreadable.status = status
        raise
    envelope: Envelope | None = None
    if isinstance(payload, dict) and "retCode" in payload:
        envelope = structure(payload, Envelope, path="$")
    if envelope is not None and envelope.ret_code != 0:
        raise _coded(envelope, status, headers, now)
    if status != 200:
        raise early or unreadable_status_error(status, "not a Bybit envelope")
    if envelope is None or "result" not in payload:
        field = "$.retCode" if envelope is None else "$.result"
        msg = "response does not match the documented schema: required field missing"
        raise InvalidResponseError(msg, field=field, status=status)
    return payload["result"]
