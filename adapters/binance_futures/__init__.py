"""Binance USD-M futures: the ``futures`` wallet and its risk, for the ``binance`` plugin.

Reads ``GET /fapi/v1/accountConfig`` (the account mode) and ``GET /fapi/v3/account`` on the
futures host, signed like spot (the signer and the error table of :mod:`adapters.binance`
are reused, not copied). Knows nothing of pluggy; :mod:`plugins.binance` serves it. The
simulator's ``/fapi/`` routes live in :mod:`adapters.binance.simulator.futures`.
"""

from adapters.binance_futures.client import (
    AsyncBinanceFuturesClient,
    BinanceAccountReader,
    futures_url,
)
from adapters.binance_futures.endpoints import DEFAULT_FUTURES_URL, FAPI_WEIGHT_LIMIT
from adapters.binance_futures.options import BinanceFuturesOptions

__all__ = [
    "DEFAULT_FUTURES_URL",
    "FAPI_WEIGHT_LIMIT",
    "AsyncBinanceFuturesClient",
    "BinanceAccountReader",
    "BinanceFuturesOptions",
    "futures_url",
]
