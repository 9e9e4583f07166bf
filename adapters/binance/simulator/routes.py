"""The routing table: path, request weight, the budget it is counted in, and whether it is signed.

Written down here independently of the client's endpoint catalog (the simulator imports nothing
of folio's client), so that a client charging the wrong weight or calling the wrong path is
caught rather than mirrored. Weights and budgets are Binance's documented ones: ``/api/*``
endpoints share one budget per IP (``X-MBX-USED-WEIGHT-1M``), each ``/sapi/*`` endpoint has its
own (``X-SAPI-USED-IP-WEIGHT-1M``); ``/fapi/*`` (USD-M futures) share a third budget per IP,
reported in ``X-MBX-USED-WEIGHT-1M`` of the futures answers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

__all__ = [
    "ACCOUNT",
    "COINS",
    "EXCHANGE_INFO",
    "FUTURES_24HR",
    "FUTURES_ACCOUNT",
    "FUTURES_ASSET_INDEX",
    "FUTURES_CONFIG",
    "FUTURES_EXCHANGE_INFO",
    "FUTURES_PRICES",
    "FUTURES_PRICES_V1",
    "FUTURES_TIME",
    "MARGIN_ACCOUNT",
    "MARGIN_PAIRS",
    "ONE_SYMBOL",
    "ROUTES",
    "TICKER_PRICE",
    "TICKER_PRICES",
    "TIME",
    "Pool",
    "Route",
    "route_names",
]


class Pool(enum.Enum):
    """Where a route's weight is counted."""

    API = "api"
    """One budget per IP shared by every ``/api/`` route."""
    SAPI = "sapi"
    """One budget per IP for each ``/sapi/`` route."""
    FAPI = "fapi"
    """USD-M futures: one budget per IP shared by every ``/fapi/`` route, apart from spot's."""


@dataclass(frozen=True, slots=True)
class Route:
    """One served path."""

    name: str
    """Label used by stats and fault filters."""
    path: str
    weight: int
    pool: Pool
    signed: bool
    methods: tuple[str, ...] = ("GET",)

    @property
    def budget(self) -> str:
        """The key the route's weight is counted under for one IP."""
        return self.path if self.pool is Pool.SAPI else self.pool.value

    @property
    def weight_header(self) -> str:
        """The answer header that reports the IP's use of the route's budget."""
        return "X-SAPI-USED-IP-WEIGHT-1M" if self.pool is Pool.SAPI else "X-MBX-USED-WEIGHT-1M"


ACCOUNT: Final = Route("account", "/api/v3/account", 20, Pool.API, signed=True)
MARGIN_ACCOUNT: Final = Route("margin/account", "/sapi/v1/margin/account", 10, Pool.SAPI,
                              signed=True)
TIME: Final = Route("time", "/api/v3/time", 1, Pool.API, signed=False)

EXCHANGE_INFO: Final = Route("exchange-info", "/api/v3/exchangeInfo", 20, Pool.API, signed=False)
TICKER_PRICES: Final = Route("ticker/price", "/api/v3/ticker/price", 4, Pool.API, signed=False)
"""Every symbol, or ``symbols=[...]``: weight 4."""
TICKER_PRICE: Final = Route("ticker/price", "/api/v3/ticker/price", 2, Pool.API, signed=False)
"""One ``symbol=``: weight 2 (the handler picks it by the query)."""

# USD-M futures (the futures host's paths; docs/exchanges/binance.md, "USD-M futures").
FUTURES_ACCOUNT: Final = Route("futures/account", "/fapi/v3/account", 5, Pool.FAPI, signed=True)
FUTURES_CONFIG: Final = Route("futures/accountConfig", "/fapi/v1/accountConfig", 5, Pool.FAPI,
                              signed=True)
FUTURES_TIME: Final = Route("futures/time", "/fapi/v1/time", 1, Pool.FAPI, signed=False)
# What an independent client reads besides (adapters/binance/simulator/futures_markets.py,
# capital.py): CCXT's binanceusdm reads the coins and the perpetuals before any balance.
FUTURES_EXCHANGE_INFO: Final = Route("futures/exchangeInfo", "/fapi/v1/exchangeInfo", 1,
                                     Pool.FAPI, signed=False)
FUTURES_PRICES: Final = Route("futures/ticker/price", "/fapi/v2/ticker/price", 2, Pool.FAPI,
                              signed=False)
"""Every symbol: weight 2; one ``symbol=``: 1 (as is V1's, ``/fapi/v1/ticker/price``)."""
FUTURES_PRICES_V1: Final = Route("futures/ticker/price", "/fapi/v1/ticker/price", 2, Pool.FAPI,
                                 signed=False)
FUTURES_24HR: Final = Route("futures/ticker/24hr", "/fapi/v1/ticker/24hr", 40, Pool.FAPI,
                            signed=False)
"""Every symbol: weight 40; one ``symbol=``: 1."""
FUTURES_ASSET_INDEX: Final = Route("futures/assetIndex", "/fapi/v1/assetIndex", 10, Pool.FAPI,
                                   signed=False)
"""Multi-Assets mode's USD index (:mod:`.futures`), public: every symbol 10; one ``symbol=``: 1."""
COINS: Final = Route("capital/config/getall", "/sapi/v1/capital/config/getall", 10, Pool.SAPI,
                     signed=True)
MARGIN_PAIRS: Final = Route("margin/allPairs", "/sapi/v1/margin/allPairs", 1, Pool.SAPI,
                            signed=False)
"""MARKET_DATA: a known ``X-MBX-APIKEY``, nothing signed."""

ROUTES: Final[dict[str, Route]] = {
    route.path: route for route in (ACCOUNT, MARGIN_ACCOUNT, TIME, EXCHANGE_INFO, TICKER_PRICES,
                                    FUTURES_ACCOUNT, FUTURES_CONFIG, FUTURES_TIME,
                                    FUTURES_EXCHANGE_INFO, FUTURES_PRICES, FUTURES_PRICES_V1,
                                    FUTURES_24HR, FUTURES_ASSET_INDEX, COINS, MARGIN_PAIRS)
}
ONE_SYMBOL: Final[dict[str, int]] = {FUTURES_PRICES.path: 1, FUTURES_PRICES_V1.path: 1,
                                     FUTURES_24HR.path: 1, FUTURES_ASSET_INDEX.path: 1}
"""The futures tickers' weight for one ``symbol=`` (spot's has its own route, TICKER_PRICE)."""


def route_names() -> frozenset[str]:
    """Names usable in fault filters and found in stats."""
    return frozenset(route.name for route in ROUTES.values())
