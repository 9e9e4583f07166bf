"""A PaperEx answer read into exact balances, or the folio error that says what went wrong.

One path reads every answer, each step from folio's adapter kit (``adapters/kit/``), so the
rules are the ones the bundled exchanges follow (docs/plugins.md):

1. **The status first.** A redirect, 429 (with its ``Retry-After``), 5xx, 400, 405 and 414 mean
   the same on every exchange (:func:`~adapters.kit.responses.status_error`); PaperEx's 401
   is a refused key or signature. Any other status but 200 is an error, never read as data.
2. **JSON with exact numbers.** :func:`~adapters.kit.responses.decode_json` reads numbers as
   ``Decimal``, refuses a repeated key, and marks a body that is not JSON at all as garbled
   (re-read within the retry policy).
3. **cattrs, with strict hooks.** A :class:`~adapters.kit.strict.WireReader` of PaperEx's own
   structures the JSON into :mod:`folio_paperex.wire`. Its amount hook takes a decimal
   *string* only: a JSON number may already have lost digits, and ``" 5 "``, ``"1_000"``,
   ``"NaN"`` or ``""`` are not amounts. Every refusal names the JSON path of the field.
4. **What a ledger cannot say.** A holding is never negative, what is available is part of
   the total, and each asset is listed once (``BTC`` and ``btc`` count as one asset named
   twice): such an answer is refused at the field, never shown as a wrong number.
"""

from __future__ import annotations

from typing import Final

import httpx

from adapters.kit.responses import decode_json, status_error
from adapters.kit.strict import WireReader, check_asset_codes, not_negative
from folio_paperex.wire import BalanceRow, BalancesAnswer
from framework.errors import AuthenticationError, ExchangeError, InvalidResponseError
from framework.models import AssetBalance

__all__ = ["EXCHANGE", "read_balances"]

EXCHANGE: Final = "paperex"

_READER: Final = WireReader(EXCHANGE, (BalanceRow, BalancesAnswer))
"""Built on first use: a host with no PaperEx account never builds its converters."""


def read_balances(response: httpx.Response) -> list[AssetBalance]:
    """The balances of a ``GET /v1/balances`` answer, or the typed error it stands for."""
    status = response.status_code
    early = status_error(status, response.headers)
    if early is not None:
        raise early
    if status == 401:
        msg = "PaperEx refused the key or signature"
        raise AuthenticationError(msg, status=status)
    if status != 200:
        raise ExchangeError(f"unexpected HTTP {status}", status=status)
    payload = decode_json(response.content, content_type=response.headers.get("content-type"))
    answer: BalancesAnswer = _READER.structure(payload, BalancesAnswer)
    check_asset_codes(
        [row.asset for row in answer.balances],
        path=lambda index: f"$.balances[{index}].asset",
        exchange=EXCHANGE,
    )
    return [_balance(row, f"$.balances[{index}]") for index, row in enumerate(answer.balances)]


def _balance(row: BalanceRow, path: str) -> AssetBalance:
    total = not_negative(row.total, field=f"{path}.total", exchange=EXCHANGE)
    available = not_negative(row.available, field=f"{path}.available", exchange=EXCHANGE)
    if available > total:
        msg = f"available {available} is more than the total {total}"
        raise InvalidResponseError(msg, field=f"{path}.available", exchange=EXCHANGE)
    return AssetBalance(row.asset, total=total, available=available)
