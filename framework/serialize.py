"""Domain models to JSON, keeping every amount an exact decimal string.

JSON numbers are read as IEEE doubles by most consumers (JavaScript, ``jq``), so an amount
written as a number loses digits on the other side. Amounts are therefore emitted as strings
with exactly the digits the exchange sent (``"1285.366663467"``, ``"0.6"``, ``"11200"``).
A ratio that does not apply is ``null``, and so is a figure the exchange does not report;
timestamps are ISO 8601 in UTC. A balance carries its ``unrealized_pnl`` and ``equity`` (net
plus unrealized), a risk its ``notional_leverage`` and its health whether ``higher_is_safer``.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import cattrs
from cattrs.gen import make_dict_unstructure_fn

from framework.errors import FolioError
from framework.models import (
    AssetBalance,
    BalanceSnapshot,
    HealthMetric,
    HealthState,
    MarginHealth,
    MarginRisk,
    NotApplicable,
    Ratio,
    WalletKind,
)
from framework.portfolio import AccountPortfolio, PartFailure, Portfolio, Position
from framework.prices import Price
from framework.results import AccountResult, AssetTotals, FanOut
from framework.valuation import PriceBook, RiskValuation, Valuation

__all__ = ["amount_text", "dumps", "error_to_dict", "to_jsonable"]


def amount_text(value: Decimal) -> str:
    """An amount in plain positional notation, every digit kept.

    ``str(Decimal)`` switches to exponent notation for small values (``1E-8``, and ``0E-9``
    for a difference of equal amounts): exact, but not what a person or a spreadsheet expects.
    A zero is written without a sign (``-0`` from an exchange, or ``-0 - 0``, is ``0``): a
    host that tests for a leading ``-`` must not find a negative amount that is not there.
    """
    if value.is_zero() and value.is_signed():
        value = value.copy_abs()
    return format(value, "f")


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    converter.register_unstructure_hook(Decimal, amount_text)
    converter.register_unstructure_hook(NotApplicable, lambda _: None)
    converter.register_unstructure_hook(datetime, lambda d: d.isoformat().replace("+00:00", "Z"))
    converter.register_unstructure_hook(WalletKind, lambda w: w.value)
    converter.register_unstructure_hook(HealthMetric, lambda m: m.value)
    converter.register_unstructure_hook(HealthState, lambda m: m.value)

    def asset_balance(row: AssetBalance) -> dict[str, Any]:
        return {
            "asset": row.asset,
            "total": amount_text(row.total),
            "available": amount_text(row.available),
            "locked": amount_text(row.locked),
            "borrowed": amount_text(row.borrowed),
            "interest": amount_text(row.interest),
            "net": amount_text(row.net),
            "unrealized_pnl": amount_text(row.unrealized_pnl),
            "equity": amount_text(row.equity),
        }

    converter.register_unstructure_hook(AssetBalance, asset_balance)
    health_fields = make_dict_unstructure_fn(MarginHealth, converter)
    converter.register_unstructure_hook(
        MarginHealth,
        lambda h: {**health_fields(h), "higher_is_safer": h.metric.higher_is_safer},
    )
    risk_fields = make_dict_unstructure_fn(MarginRisk, converter)
    converter.register_unstructure_hook(
        MarginRisk,
        lambda r: {**risk_fields(r), "notional_leverage": converter.unstructure(
            r.notional_leverage, Ratio | None
        )},
    )
    converter.register_unstructure_hook(
        BalanceSnapshot,
        lambda s: {
            "exchange": s.exchange,
            "account": s.account,
            "wallet": s.wallet.value,
            "fetched_at": converter.unstructure(s.fetched_at),
            "balances": [asset_balance(row) for row in s.balances],
        },
    )
    converter.register_unstructure_hook(
        AssetTotals,
        lambda t: {
            "field": t.field,
            "totals": {asset: amount_text(amount) for asset, amount in t.totals.items()},
            "included": list(t.included),
            "missing": list(t.missing),
            "complete": t.complete,
        },
    )
    return converter


_CONVERTER = _make_converter()

_PORTFOLIO_TYPES: Final = (
    Portfolio, AccountPortfolio, PartFailure, Position, Valuation, RiskValuation, Price, PriceBook
)


def error_to_dict(error: FolioError) -> dict[str, Any]:
    """The machine-readable form of an error: its type, message and location."""
    data: dict[str, Any] = {
        "type": type(error).__name__,
        "message": str(error),
        "exchange": error.exchange,
        "account": error.account,
        "endpoint": error.endpoint,
        "retryable": bool(getattr(error, "retryable", False)),
    }
    for extra in ("code", "reason", "field", "retry_after", "status", "path", "key"):
        value = getattr(error, extra, None)
        if value is not None:
            data[extra] = value
    return data


def to_jsonable(value: object) -> Any:
    """Turn a domain object, a fan-out or an error into JSON-ready Python data."""
    if isinstance(value, FolioError):
        return error_to_dict(value)
    if isinstance(value, AccountResult):
        if value.error is not None:
            return {"account": value.account, "ok": False, "error": error_to_dict(value.error)}
        return {"account": value.account, "ok": True, "value": to_jsonable(value.value)}
    if isinstance(value, FanOut):
        return [to_jsonable(result) for result in value]
    if isinstance(value, _PORTFOLIO_TYPES):
        # Their shapes live in framework/serialize_portfolio.py, which builds on this module.
        from framework.serialize_portfolio import portfolio_jsonable  # noqa: PLC0415

        return portfolio_jsonable(value)
    return _CONVERTER.unstructure(value)


def dumps(value: object, *, indent: int | None = 2) -> str:
    """Serialize ``value`` (see :func:`to_jsonable`) to JSON text."""
    return json.dumps(to_jsonable(value), indent=indent, ensure_ascii=False)
