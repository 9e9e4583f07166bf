"""PaperEx's answer, as attrs classes that mirror the JSON one to one.

``GET /v1/balances`` answers ``{"balances": [{"asset": "BTC", "total": "1.5", "available":
"1.2"}]}``. Amounts are ``Decimal``: the converter (:mod:`folio_paperex.convert`) parses each
JSON string once with folio's one amount grammar, so these classes hold what the exchange said,
digit for digit. Field names are the JSON keys (a key that differs would be named in the
field's ``json`` metadata). Keys PaperEx adds later are ignored: a new field must not take a
portfolio offline.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

__all__ = ["BalanceRow", "BalancesAnswer"]


@attrs.frozen(slots=True)
class BalanceRow:
    """One asset of the answer."""

    asset: str
    total: Decimal
    available: Decimal


@attrs.frozen(slots=True)
class BalancesAnswer:
    """The whole answer of ``GET /v1/balances``."""

    balances: tuple[BalanceRow, ...]
