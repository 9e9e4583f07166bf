"""Binance REST adapter: signer, endpoint catalog, wire schemas, converters, client.

Reads the spot wallet (``GET /api/v3/account``), the cross-margin wallet and its risk profile
(``GET /sapi/v1/margin/account``), and public last prices without keys (``BinancePrices``).
Knows nothing of pluggy; :mod:`plugins.binance` exposes it to folio's core. The embedded
simulator lives in :mod:`adapters.binance.simulator`.
"""

from adapters.binance.client import AsyncBinanceClient, BinancePrices
from adapters.binance.endpoints import Budget
from adapters.binance.options import DEFAULT_BASE_URL, BinanceOptions
from adapters.binance.signer import BinanceAuth, sign, total_params

__all__ = [
    "DEFAULT_BASE_URL",
    "AsyncBinanceClient",
    "BinanceAuth",
    "BinanceOptions",
    "BinancePrices",
    "Budget",
    "sign",
    "total_params",
]
