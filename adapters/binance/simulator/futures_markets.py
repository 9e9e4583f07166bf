"""The simulator's USD-M futures markets: ``exchangeInfo`` and the price tickers of ``/fapi/``.

folio reads no futures prices (valuation prices the wallet's assets on spot, docs/exchanges/
binance.md, "Prices"), but an independent client does: CCXT's ``binanceusdm`` reads
``GET /fapi/v1/exchangeInfo`` before any call, a balance included, and a ticker is
``GET /fapi/v1/ticker/24hr``. A simulator that did not answer them could not have its
signatures checked by such a client at all (docs/exchanges/binance.md, "In the simulator").

Which contracts: every ``TRADING`` spot market of the simulator quoted in USDT or USDC is also
a USD-M perpetual of the same name, margined in its quote asset, last-traded and marked at the
spot market's price (the demo's position in ``BTCUSDT`` is marked at the ``BTCUSDT`` ticker).
The simulator's prices do not move, so a 24-hour ticker is a day without trades: open, high,
low and last are the price, the change, the volumes and the count are zero, and the trade ids
``-1`` (no trade).

Weights are the futures documentation's: ``exchangeInfo`` 1; ``ticker/price`` (V1 and V2) 1
for a ``symbol``, 2 without; ``ticker/24hr`` 1 for a ``symbol``, 40 without. An unknown symbol
is 400 ``{"code":-1121,"msg":"Invalid symbol."}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from adapters.binance.simulator.markets import Market
from adapters.binance.simulator.payloads import dumps

__all__ = ["FUTURES_QUOTES", "encode_futures_exchange_info", "encode_futures_tickers",
           "futures_markets"]

FUTURES_QUOTES: Final = frozenset({"USDT", "USDC"})
"""The quote (and margin) assets of the simulator's USD-M perpetuals."""
_DAY_MS: Final = 86_400_000
_PERPETUAL_DELIVERY: Final = 4133404800000
"""Binance's ``deliveryDate`` of a perpetual (2100-12-25)."""


def futures_markets(markets: Sequence[Market]) -> dict[str, Market]:
    """The perpetuals the simulator lists, by symbol (see the module docstring)."""
    return {m.symbol: m for m in markets if m.status == "TRADING" and m.quote in FUTURES_QUOTES}


def encode_futures_exchange_info(markets: Sequence[Market], now_ms: int, limit: int) -> bytes:
    """``GET /fapi/v1/exchangeInfo``: the futures budget, the margin assets, the perpetuals."""
    listed = futures_markets(markets).values()
    return dumps({
        "timezone": "UTC",
        "serverTime": now_ms,
        "futuresType": "U_MARGINED",
        "rateLimits": [
            {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1,
             "limit": limit},
            {"rateLimitType": "ORDERS", "interval": "MINUTE", "intervalNum": 1, "limit": 1200},
        ],
        "exchangeFilters": [],
        "assets": [{"asset": quote, "marginAvailable": True, "autoAssetExchange": "-10000"}
                   for quote in sorted({m.quote for m in listed})],
        "symbols": [
            {"symbol": m.symbol, "pair": m.symbol, "contractType": "PERPETUAL",
             "deliveryDate": _PERPETUAL_DELIVERY, "onboardDate": 1569398400000,
             "status": "TRADING", "baseAsset": m.base, "quoteAsset": m.quote,
             "marginAsset": m.quote, "pricePrecision": 2, "quantityPrecision": 3,
             "baseAssetPrecision": 8, "quotePrecision": 8, "underlyingType": "COIN",
             "filters": [], "orderTypes": ["LIMIT", "MARKET"], "timeInForce": ["GTC"]}
            for m in listed
        ],
    })


def _ticker(market: Market, now_ms: int, *, day: bool) -> dict[str, Any]:
    if not day:
        return {"symbol": market.symbol, "price": market.price, "time": now_ms}
    price = market.price
    return {
        "symbol": market.symbol, "priceChange": "0", "priceChangePercent": "0",
        "weightedAvgPrice": price, "lastPrice": price, "lastQty": "0", "openPrice": price,
        "highPrice": price, "lowPrice": price, "volume": "0", "quoteVolume": "0",
        "openTime": now_ms - _DAY_MS, "closeTime": now_ms, "firstId": -1, "lastId": -1,
        "count": 0,
    }


def encode_futures_tickers(
    markets: Sequence[Market], symbol: str | None, now_ms: int, *, day: bool,
) -> bytes | None:
    """``ticker/price`` or (``day``) ``ticker/24hr``: one object for ``symbol``, else a list.

    ``None``: ``symbol`` is no perpetual of the simulator (the caller answers -1121).
    """
    listed = futures_markets(markets)
    if symbol is None:
        return dumps([_ticker(m, now_ms, day=day) for m in listed.values()])
    market = listed.get(symbol)
    return None if market is None else dumps(_ticker(market, now_ms, day=day))
