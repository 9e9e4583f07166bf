"""Read one AscendEX answer: HTTP status, JSON envelope, error code, then the ``data`` payload.

The envelope is ``{"code": 0, "data": ...}`` on success and ``{"code": N, "message": ...,
"reason": ...}`` on failure, usually with HTTP 200. Checks happen in the order that keeps the
diagnosis honest: a 429 HTML page is throttling, not "invalid JSON"; an HTML 401 or 403 page
from the edge is a refused key or request, named by its status (adapters/kit/responses.py); a
``code`` of 200001 is an authentication failure, not a schema error, even though it carries no
``data``. A 200 whose body cannot be read at all is marked ``garbled`` and re-read by the retry
policy; a readable one that fails the schema is not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.ascendex.convert import EXCHANGE, structure
from adapters.ascendex.errors import ERROR_CODES, error_class
from adapters.ascendex.wire import ErrorBody
from adapters.kit.responses import decode_json, status_error, unreadable_status_error
from framework.errors import ExchangeError, InvalidResponseError

__all__ = ["read_data"]


def _exchange_error(body: ErrorBody, status: int) -> ExchangeError:
    cls = error_class(body.code)
    known = ERROR_CODES.get(body.code)
    reason = body.reason or (known[1] if known else None)
    said = body.message or reason or "no message"
    prefix = "" if known else "unrecognised error code: "
    detail = f"{prefix}{said} (code {body.code}{', ' + reason if reason else ''})"
    error = cls(detail, code=body.code, reason=reason, exchange_message=body.message)
    error.status = status
    return error


def read_data(status: int, headers: Mapping[str, str], body: bytes) -> Any:
    """The envelope's ``data`` of a successful answer, or the typed error it stands for.

    ``headers`` must be a case-insensitive mapping (or use lower-case keys).
    """
    early = status_error(status, headers)
    if early is not None:
        raise early.located(exchange=EXCHANGE)
    try:
        payload = decode_json(body, content_type=headers.get("content-type"))
    except InvalidResponseError as exc:
        if status != 200:
            # An edge's page (a WAF's HTML 403): the status says what happened, not the body.
            raise unreadable_status_error(status, exc.detail).located(exchange=EXCHANGE) from None
        exc.status = status
        raise exc.located(exchange=EXCHANGE) from None
    if not isinstance(payload, dict) or "code" not in payload:
        msg = "response is not an AscendEX envelope (no 'code')"
        raise InvalidResponseError(msg, field="$.code", exchange=EXCHANGE, status=status)
    code = payload["code"]
    if code != 0 or type(code) is not int:
        error_body: ErrorBody = structure(payload, ErrorBody, path="$")
        raise _exchange_error(error_body, status).located(exchange=EXCHANGE)
    if status != 200:
        msg = f"HTTP {status} with a success envelope"
        raise InvalidResponseError(msg, field="$", exchange=EXCHANGE, status=status)
    if "data" not in payload:
        msg = "success envelope without 'data'"
        raise InvalidResponseError(msg, field="$.data", exchange=EXCHANGE, status=status)
    return payload["data"]
