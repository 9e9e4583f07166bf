"""PaperEx's HTTP API, as this plugin speaks it: one signed GET, JSON answers.

``GET /v1/balances`` with headers ``X-Paper-Key`` (the API key), ``X-Paper-Timestamp`` (UTC
milliseconds) and ``X-Paper-Signature`` (hex HMAC-SHA256 of ``<timestamp><path>`` keyed with the
secret) answers ``{"balances": [{"asset": "BTC", "total": "1.5", "available": "1.2"}]}``.
Errors: 401 ``{"error": "..."}`` for a bad key or signature, 429 (optionally ``Retry-After``)
when throttled, 5xx when down.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from decimal import Decimal
from typing import Any

import httpx

from framework.credentials import Credentials
from framework.errors import (
    AuthenticationError,
    ExchangeError,
    ExchangeUnavailableError,
    FolioError,
    InvalidResponseError,
    RateLimitedError,
    RequestTimeoutError,
    TransportError,
)
from framework.models import AssetBalance

BALANCES_PATH = "/v1/balances"
ENDPOINT = "GET balances"


def sign(secret: str, timestamp: str, path: str) -> str:
    """The ``X-Paper-Signature`` of one request."""
    return hmac.new(secret.encode(), f"{timestamp}{path}".encode(), hashlib.sha256).hexdigest()


class PaperexClient:
    """One account's connection to PaperEx; closed by folio through ``aclose``."""

    def __init__(self, credentials: Credentials, base_url: str) -> None:
        self._credentials = credentials
        self._http = httpx.AsyncClient(base_url=base_url, timeout=10.0)

    def __repr__(self) -> str:  # never show the credentials
        return f"PaperexClient(base_url={str(self._http.base_url)!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def balances(self) -> list[AssetBalance]:
        timestamp = str(time.time_ns() // 1_000_000)
        headers = {
            "X-Paper-Key": self._credentials.api_key.reveal(),
            "X-Paper-Timestamp": timestamp,
            "X-Paper-Signature": sign(
                self._credentials.api_secret.reveal(), timestamp, BALANCES_PATH
            ),
        }
        try:
            response = await self._http.get(BALANCES_PATH, headers=headers)
        except httpx.TimeoutException:
            raise RequestTimeoutError("no answer in time", endpoint=ENDPOINT) from None
        except httpx.HTTPError as exc:
            msg = f"connection failed ({type(exc).__name__})"
            raise TransportError(msg, endpoint=ENDPOINT) from None
        return _rows(response)


def _rows(response: httpx.Response) -> list[AssetBalance]:
    """Map an answer to balances or to the folio error that says what went wrong."""
    status = response.status_code
    if status == 401:
        raise AuthenticationError("PaperEx refused the key or signature", status=status,
                                  endpoint=ENDPOINT)
    if status == 429:
        after = response.headers.get("Retry-After", "")
        raise RateLimitedError("PaperEx is throttling us", status=status, endpoint=ENDPOINT,
                               retry_after=float(after) if after.isdigit() else None)
    if status >= 500:
        raise ExchangeUnavailableError(f"PaperEx is down (HTTP {status})", status=status,
                                       endpoint=ENDPOINT)
    if status != 200:
        raise ExchangeError(f"unexpected HTTP {status}", status=status, endpoint=ENDPOINT)
    try:
        document = json.loads(response.content, parse_float=Decimal)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise _invalid("the body is not JSON", "$") from None
    rows = document.get("balances") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise _invalid("expected a list", "$.balances")
    balances = [_row(row, f"$.balances[{i}]") for i, row in enumerate(rows)]
    seen: set[str] = set()
    for i, balance in enumerate(balances):
        if balance.asset in seen:
            raise _invalid(f"asset {balance.asset!r} appears twice", f"$.balances[{i}].asset")
        seen.add(balance.asset)
    return balances


def _row(row: Any, path: str) -> AssetBalance:
    if not isinstance(row, dict) or not isinstance(row.get("asset"), str):
        raise _invalid("expected an object with an 'asset' string", path)
    amounts = {name: _amount(row.get(name), f"{path}.{name}") for name in ("total", "available")}
    if amounts["available"] > amounts["total"]:
        raise _invalid("available is more than total", f"{path}.available")
    return AssetBalance(asset=row["asset"], total=amounts["total"],
                        available=amounts["available"])


_AMOUNT = re.compile(r"[0-9]{1,40}(\.[0-9]{1,40})?")
"""PaperEx writes holdings as plain, non-negative decimals: nothing else is accepted."""


def _amount(value: object, path: str) -> Decimal:
    # Amounts must be decimal strings: a JSON number may already have lost digits. Decimal()
    # alone would also take " 5 ", "1_000", "-1" and "1E+999999"; the pattern refuses them.
    if not isinstance(value, str) or not _AMOUNT.fullmatch(value):
        shown = value[:20] if isinstance(value, str) else type(value).__name__
        raise _invalid(f"expected a plain decimal string, got {shown!r}", path)
    return Decimal(value)


def _invalid(detail: str, field: str) -> FolioError:
    return InvalidResponseError(detail, field=field, endpoint=ENDPOINT)
