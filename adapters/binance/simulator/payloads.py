"""Answer bodies: the spot account, the cross-margin account, the server time, errors.

Bodies are compact JSON with keys in the order of the documentation samples; the seed
account's two answers are the samples' text byte for byte. Amounts of a row are echoed exactly
as configured; what the simulator computes (``netAsset``, the BTC totals and the margin level of
a priced account) is written with 8 decimals, as Binance writes them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any, Final

from adapters.binance.simulator.accounts import (
    FixedTotals,
    MarginRow,
    PricedTotals,
    SimAccount,
    SpotRow,
)
from adapters.binance.simulator.markets import Market

__all__ = [
    "NO_DEBT_MARGIN_LEVEL",
    "dumps",
    "eight_places",
    "encode_error",
    "encode_exchange_info",
    "encode_margin_account",
    "encode_spot_account",
    "encode_ticker",
    "encode_time",
    "margin_totals",
]

NO_DEBT_MARGIN_LEVEL: Final = "999.00000000"
"""What Binance sends as the margin level of an account that owes nothing."""
_EIGHT: Final = Decimal("0.00000001")


def dumps(document: Any) -> bytes:
    """Compact JSON, as the exchange writes it."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def encode_error(code: int, msg: str) -> bytes:
    """A failure body ``{"code":-1021,"msg":"..."}``."""
    return dumps({"code": code, "msg": msg})


def encode_time(now_ms: int) -> bytes:
    """``GET /api/v3/time``."""
    return dumps({"serverTime": now_ms})


def eight_places(value: Decimal) -> str:
    """``value`` rounded half-even to 8 decimals, written out (``"0.58633215"``)."""
    with localcontext() as context:
        context.prec = 200
        return format(value.quantize(_EIGHT, rounding=ROUND_HALF_EVEN), "f")


def encode_spot_account(account: SimAccount, rows: Sequence[SpotRow]) -> bytes:
    """``GET /api/v3/account`` listing ``rows`` (already filtered by ``omitZeroBalances``)."""
    return dumps({
        "makerCommission": 10,
        "takerCommission": 10,
        "buyerCommission": 0,
        "sellerCommission": 0,
        "commissionRates": {"maker": "0.00100000", "taker": "0.00100000",
                            "buyer": "0.00000000", "seller": "0.00000000"},
        "canTrade": True,
        "canWithdraw": False,
        "canDeposit": True,
        "brokered": False,
        "requireSelfTradePrevention": False,
        "preventSor": False,
        "updateTime": 0,
        "accountType": "SPOT",
        "balances": [{"asset": r.asset, "free": r.free, "locked": r.locked} for r in rows],
        "permissions": ["SPOT"],
        "uid": account.uid,
    })


def _net_asset(row: MarginRow) -> str:
    if row.net_asset is not None:
        return row.net_asset
    with localcontext() as context:
        context.prec = 200
        net = Decimal(row.free) + Decimal(row.locked) - Decimal(row.borrowed) - Decimal(
            row.interest
        )
    return eight_places(net)


def margin_totals(account: SimAccount) -> dict[str, str]:
    """``marginLevel`` and the three BTC totals of ``account`` (see :mod:`.accounts`)."""
    totals = account.totals
    if isinstance(totals, FixedTotals):
        return {
            "marginLevel": totals.margin_level,
            "totalAssetOfBtc": totals.total_asset_of_btc,
            "totalLiabilityOfBtc": totals.total_liability_of_btc,
            "totalNetAssetOfBtc": totals.total_net_asset_of_btc,
        }
    assert isinstance(totals, PricedTotals)
    with localcontext() as context:
        context.prec = 200  # sums of exact products: never round before the final figures
        asset = liability = Decimal(0)
        for row in account.margin:
            price = Decimal(totals.prices[row.asset])
            asset += (Decimal(row.free) + Decimal(row.locked)) * price
            liability += (Decimal(row.borrowed) + Decimal(row.interest)) * price
        level = eight_places(asset / liability) if liability else NO_DEBT_MARGIN_LEVEL
        net = asset - liability
    return {
        "marginLevel": level,
        "totalAssetOfBtc": eight_places(asset),
        "totalLiabilityOfBtc": eight_places(liability),
        "totalNetAssetOfBtc": eight_places(net),
    }


def encode_margin_account(account: SimAccount) -> bytes:
    """``GET /sapi/v1/margin/account``: the verbatim seed text, or built from the account."""
    verbatim = account.verbatim.get("margin/account")
    if verbatim is not None:
        return verbatim
    totals = margin_totals(account)
    return dumps({
        "created": True,
        "borrowEnabled": True,
        "marginLevel": totals["marginLevel"],
        "collateralMarginLevel": totals["marginLevel"],
        "totalAssetOfBtc": totals["totalAssetOfBtc"],
        "totalLiabilityOfBtc": totals["totalLiabilityOfBtc"],
        "totalNetAssetOfBtc": totals["totalNetAssetOfBtc"],
        "tradeEnabled": True,
        "transferInEnabled": True,
        "transferOutEnabled": True,
        "accountType": account.account_type,
        "userAssets": [
            {"asset": r.asset, "borrowed": r.borrowed, "free": r.free, "interest": r.interest,
             "locked": r.locked, "netAsset": _net_asset(r)}
            for r in account.margin
        ],
    })


def encode_exchange_info(markets: Sequence[Market], now_ms: int) -> bytes:
    """``GET /api/v3/exchangeInfo``: the fields folio reads, and the weight limits."""
    return dumps({
        "timezone": "UTC",
        "serverTime": now_ms,
        "rateLimits": [{"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE",
                        "intervalNum": 1, "limit": 6000}],
        "exchangeFilters": [],
        "symbols": [
            {"symbol": m.symbol, "status": m.status, "baseAsset": m.base,
             "baseAssetPrecision": 8, "quoteAsset": m.quote, "quotePrecision": 8,
             "quoteAssetPrecision": 8, "isSpotTradingAllowed": m.status == "TRADING"}
            for m in markets
        ],
    })


def encode_ticker(markets: Sequence[Market], *, single: bool) -> bytes:
    """``GET /api/v3/ticker/price``: one object for ``symbol=``, else a list."""
    rows = [{"symbol": m.symbol, "price": m.price} for m in markets]
    return dumps(rows[0] if single else rows)
