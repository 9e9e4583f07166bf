"""AscendEX wire schemas: attrs classes that mirror the JSON payloads one to one.

Amounts are ``Decimal``: the exchange sends each as a JSON string, and the converter's amount
hook (:func:`adapters.kit.strict.amount`, the one amount grammar) parses it exactly once, so the
wire layer records what the exchange said, digit for digit, and
:mod:`adapters.ascendex.convert` decides what it means. Attribute names are snake_case; the
reader maps them to camelCase JSON keys, or to the key in a field's ``json`` metadata. Keys the
exchange adds later are ignored, not rejected: exchanges grow fields, and a new field must not
take a portfolio offline.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

__all__ = [
    "AccountInfoData",
    "CashBalanceRow",
    "ErrorBody",
    "MarginBalanceRow",
    "MarginRiskData",
    "ServerTimeData",
    "TickerRow",
]


@attrs.frozen(slots=True)
class CashBalanceRow:
    """One row of ``GET /<group>/api/pro/v1/cash/balance``."""

    asset: str
    total_balance: Decimal
    """``totalBalance`` (``totalABalance`` in the 2019 draft; both are accepted)."""
    available_balance: Decimal


@attrs.frozen(slots=True)
class MarginBalanceRow:
    """One row of ``GET /<group>/api/pro/v1/margin/balance``."""

    asset: str
    total_balance: Decimal
    available_balance: Decimal
    borrowed: Decimal
    interest: Decimal


@attrs.frozen(slots=True)
class MarginRiskData:
    """The ``data`` object of ``GET|POST /<group>/api/pro/v1/margin/risk``."""

    account_max_leverage: Decimal
    available_balance_in_usdt: Decimal = attrs.field(
        metadata={"json": "availableBalanceInUSDT"}
    )
    current_leverage: Decimal
    """total / net when net > 0, else ``"-1"``."""
    cushion: Decimal
    """net / effective maintenance margin when both > 0, else ``"-1"``."""
    net_balance_in_usdt: Decimal = attrs.field(metadata={"json": "netBalanceInUSDT"})
    points_balance: Decimal
    total_balance_in_usdt: Decimal = attrs.field(metadata={"json": "totalBalanceInUSDT"})
    total_borrowed_in_usdt: Decimal = attrs.field(metadata={"json": "totalBorrowedInUSDT"})
    total_interest_in_usdt: Decimal = attrs.field(metadata={"json": "totalInterestInUSDT"})


@attrs.frozen(slots=True)
class AccountInfoData:
    """The ``data`` object of ``GET /api/pro/v1/info``: the key's account and permissions.

    Only ``accountGroup`` is required; the rest is optional because older keys and the
    futures documentation's samples omit some of it.
    """

    account_group: int
    email: str | None = None
    expire_time: int | None = None
    """API-key expiry in UTC ms; ``-1`` means it never expires."""
    allowed_ips: tuple[str, ...] = ()
    cash_account: tuple[str, ...] = ()
    margin_account: tuple[str, ...] = ()
    futures_account: tuple[str, ...] = ()
    user_uid: str | None = attrs.field(default=None, metadata={"json": "userUID"})
    trade_permission: bool | None = None
    transfer_permission: bool | None = None
    view_permission: bool | None = None


@attrs.frozen(slots=True)
class ServerTimeData:
    """The ``data`` object of ``GET /api/pro/v1/exchange-info`` (public latency probe)."""

    request_time_echo: int | None
    request_receive_at: int
    latency: int | None = None


@attrs.frozen(slots=True)
class TickerRow:
    """One ticker of ``GET /api/pro/v1/spot/ticker``: ``close`` is the last trade's price.

    The answer also carries ``open``, ``high``, ``low``, ``volume`` and the best ``ask`` and
    ``bid`` as ``[price, size]``; folio reads none of them, so none can take valuation down.
    """

    symbol: str
    close: Decimal
    type: str | None = None
    """``"spot"`` on this endpoint; the shared ticker route also says ``"derivatives"``."""


@attrs.frozen(slots=True)
class ErrorBody:
    """A failure envelope: ``{"code": N, "message": "...", "reason": "UPPER_SNAKE"}``."""

    code: int
    message: str | None = None
    reason: str | None = None
