"""The portfolio and its valuations as JSON-ready data, and as flat rows for CSV.

Same rules as :mod:`framework.serialize`: amounts and prices are exact decimal strings, times
ISO 8601 in UTC, a ratio that does not apply ``null``. A valuation always carries what it was
computed from: each price used with its pair, exchange, source endpoint, time and kind, whether
it was used inverted, and whether a division was rounded (``exact``), so a reader can check
the number (docs/host-api.md, "The whole portfolio").

:func:`framework.serialize.to_jsonable` hands these types here; hosts call that, or
:func:`position_row` for one flat row per position (``folio portfolio --format csv``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

from framework.models import EXACT
from framework.portfolio import (
    AccountPortfolio,
    AccountRisk,
    AssetValue,
    PartFailure,
    Portfolio,
    PortfolioValue,
    Position,
)
from framework.prices import Price
from framework.serialize import amount_text, error_to_dict, to_jsonable
from framework.valuation import PriceBook, RiskValuation, Valuation

__all__ = [
    "POSITION_COLUMNS",
    "VALUATION_COLUMNS",
    "computed_text",
    "portfolio_jsonable",
    "position_row",
    "price_jsonable",
    "valuation_jsonable",
]

POSITION_COLUMNS: Final = (
    "account", "exchange", "wallet", "asset",
    "total", "available", "locked", "borrowed", "interest", "net", "unrealized_pnl", "equity",
)
"""The columns of a position row, in order. ``equity`` (net + unrealized_pnl) is the amount a
valuation values; ``net`` stays the ledger's figure (docs/host-api.md, "The whole portfolio")."""

VALUATION_COLUMNS: Final = (
    "quote", "value", "rate", "exact", "path", "prices", "price_sources", "price_times", "reason",
)
"""The columns a row gains when the portfolio has a quote. A path of several legs lists its
prices, sources and times in leg order, joined by `` x `` as the path is."""


def computed_text(value: Decimal) -> str:
    """A computed value (a product, a sum) without the trailing zeros the arithmetic left.

    ``20 x 0.040723859375 x 8000`` is ``6515.817500000000`` in ``Decimal``: the same number as
    ``6515.8175``, which is what is written. Amounts the exchange sent keep their digits
    (:func:`framework.serialize.amount_text`); this is only for what folio computed.
    """
    return amount_text(value.normalize(EXACT))


def _time(price: Price) -> str:
    text: str = to_jsonable(price.at)
    return text


def price_jsonable(price: Price, *, inverted: bool | None = None) -> dict[str, Any]:
    """One price with everything that says where it comes from."""
    data: dict[str, Any] = {
        "pair": str(price.pair),
        "price": amount_text(price.value),
        "kind": price.kind.value,
        "exchange": price.exchange,
        "source": price.source,
        "at": _time(price),
    }
    if inverted is not None:
        data["inverted"] = inverted
    return data


def valuation_jsonable(valuation: Valuation) -> dict[str, Any]:
    """A valuation: amount, value and rate, the path and every price used, or the reason."""
    return {
        "asset": valuation.asset,
        "amount": amount_text(valuation.amount),
        "quote": valuation.quote,
        "valued": valuation.valued,
        "value": None if valuation.value is None else computed_text(valuation.value),
        "rate": None if valuation.rate is None else computed_text(valuation.rate),
        "exact": valuation.exact,
        "path": valuation.path_text,
        "prices": [price_jsonable(s.price, inverted=s.inverted) for s in valuation.path],
        "reason": valuation.reason,
    }


def _reported(valuation: Valuation | None) -> dict[str, Any] | None:
    return None if valuation is None else valuation_jsonable(valuation)


def _risk_valuation(valued: RiskValuation) -> dict[str, Any]:
    return {
        "quote": valued.quote,
        "valued": valued.valued,
        "total_value": valuation_jsonable(valued.total_value),
        "equity": valuation_jsonable(valued.equity),
        "debt": valuation_jsonable(valued.debt),
        "available_value": _reported(valued.available_value),
        "maintenance_margin": _reported(valued.maintenance_margin),
        "unrealized_pnl": _reported(valued.unrealized_pnl),
        "position_notional": _reported(valued.position_notional),
    }


def _failure(failure: PartFailure) -> dict[str, Any]:
    return {
        "account": failure.account,
        "exchange": failure.exchange,
        "part": failure.part,
        "error": error_to_dict(failure.error),
    }


def _position(position: Position) -> dict[str, Any]:
    data: dict[str, Any] = {
        "account": position.account,
        "exchange": position.exchange,
        "wallet": position.wallet.value,
    }
    data.update(to_jsonable(position.balance))
    valuation = position.valuation
    data["valuation"] = None if valuation is None else valuation_jsonable(valuation)
    return data


def _account(account: AccountPortfolio) -> dict[str, Any]:
    return {
        "account": account.account,
        "exchange": account.exchange,
        "complete": account.complete,
        "wallets": [
            {"wallet": s.wallet.value, "fetched_at": to_jsonable(s.fetched_at), "assets": len(s)}
            for s in account.snapshots
        ],
        "risk": None if account.risk is None else to_jsonable(account.risk),
        "risks": [to_jsonable(risk) for risk in account.risks],
        "failures": [_failure(f) for f in account.failures],
    }


def _account_risk(risk: AccountRisk) -> dict[str, Any]:
    return {
        "account": risk.account,
        "exchange": risk.exchange,
        "wallet": risk.wallet.value,
        "risk": to_jsonable(risk.risk),
        "in_quote": None if risk.valued is None else _risk_valuation(risk.valued),
    }


def _asset_value(asset: AssetValue) -> dict[str, Any]:
    return {
        "net": amount_text(asset.net),
        "unrealized_pnl": amount_text(asset.unrealized_pnl),
        "equity": amount_text(asset.equity),
        "value": None if asset.value is None else computed_text(asset.value),
        "unvalued": asset.unvalued,
        "complete": asset.complete,
        "exact": asset.exact,
    }


def _value(value: PortfolioValue) -> dict[str, Any]:
    return {
        "quote": value.quote,
        "total": computed_text(value.total),
        "complete": value.complete,
        "exact": value.exact,
        "missing": list(value.missing),
        "assets": {asset.asset: _asset_value(asset) for asset in value.assets},
        "unvalued": [
            {
                "account": p.account,
                "exchange": p.exchange,
                "wallet": p.wallet.value,
                "asset": p.asset,
                "net": amount_text(p.net),
                "unrealized_pnl": amount_text(p.unrealized_pnl),
                "equity": amount_text(p.equity),
                "reason": p.valuation.reason if p.valuation is not None else None,
            }
            for p in value.unvalued
        ],
    }


def _book(book: PriceBook) -> dict[str, Any]:
    return {"exchange": book.exchange, "read_at": to_jsonable(book.read_at), "pairs": len(book)}


def _portfolio(portfolio: Portfolio) -> dict[str, Any]:
    return {
        "quote": portfolio.quote,
        "complete": portfolio.complete,
        "accounts": [_account(a) for a in portfolio.accounts],
        "positions": [_position(p) for p in portfolio.positions],
        "totals": to_jsonable(portfolio.totals),
        "unrealized_pnl": {a: amount_text(v) for a, v in portfolio.unrealized_pnl.items()},
        "value": None if portfolio.value is None else _value(portfolio.value),
        "risk": [_account_risk(r) for r in portfolio.risks],
        "price_books": [_book(b) for b in portfolio.books],
        "failures": [_failure(f) for f in portfolio.failures],
    }


def _price_book(book: PriceBook) -> dict[str, Any]:
    return {**_book(book), "prices": [price_jsonable(p) for p in book.prices.values()]}


_SHAPES: Final[tuple[tuple[type[Any], Callable[[Any], Any]], ...]] = (
    (Portfolio, _portfolio),
    (AccountPortfolio, _account),
    (PartFailure, _failure),
    (Position, _position),
    (Valuation, valuation_jsonable),
    (RiskValuation, _risk_valuation),
    (Price, price_jsonable),
    (PriceBook, _price_book),
)


def portfolio_jsonable(value: object) -> Any:
    """JSON-ready data of a portfolio type, a valuation or a price (``TypeError`` otherwise)."""
    for kind, shape in _SHAPES:
        if isinstance(value, kind):
            return shape(value)
    msg = f"no JSON form for {type(value).__name__}"
    raise TypeError(msg)


def position_row(position: Position, *, quote: bool) -> dict[str, str]:
    """One position as a flat row of text cells, for CSV.

    The cells are :data:`POSITION_COLUMNS`, then, with ``quote``, :data:`VALUATION_COLUMNS`
    (empty where a valuation has no value, and the reason said).
    """
    balance = to_jsonable(position.balance)
    row = {
        "account": position.account,
        "exchange": position.exchange,
        "wallet": position.wallet.value,
        **{column: balance[column] for column in POSITION_COLUMNS[3:]},
    }
    if not quote:
        return row
    valuation = position.valuation
    if valuation is None:
        msg = "the position was read without a quote"
        raise ValueError(msg)
    prices = valuation.prices
    row.update({
        "quote": valuation.quote,
        "value": "" if valuation.value is None else computed_text(valuation.value),
        "rate": "" if valuation.rate is None else computed_text(valuation.rate),
        "exact": "true" if valuation.exact else "false",
        "path": valuation.path_text,
        "prices": " x ".join(amount_text(p.value) for p in prices),
        "price_sources": " x ".join(f"{p.exchange} {p.source}" for p in prices),
        "price_times": " x ".join(_time(p) for p in prices),
        "reason": valuation.reason or "",
    })
    return row
