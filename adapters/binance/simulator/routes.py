"""The routing table: path, request weight, the budget it is counted in, and whether it is signed.

Written down here independently of the client's endpoint catalog (the simulator imports nothing
of folio's client), so that a client charging the wrong weight or calling the wrong path is
caught rather than mirrored. Weights and budgets are Binance's documented ones: ``/api/*``
endpoints share one budget per IP (``X-MBX-USED-WEIGHT-1M``), each ``/sapi/*`` endpoint has its
own (``X-SAPI-USED-IP-WEIGHT-1M``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

__all__ = [
    "ACCOUNT",
    "EXCHANGE_INFO",
    "MARGIN_ACCOUNT",
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
        return self.pool.value if self.pool is Pool.API else self.path

    @property
    def weight_header(self) -> str:
        """The answer header that reports the IP's use of the route's budget."""
        return "X-MBX-USED-WEIGHT-1M" if self.pool is Pool.API else "X-SAPI-USED-IP-WEIGHT-1M"


ACCOUNT: Final = Route("account", "/api/v3/account", 20, Pool.API, signed=True)
MARGIN_ACCOUNT: Final = Route("margin/account", "/sapi/v1/margin/account", 10, Pool.SAPI,
                              signed=True)
TIME: Final = Route("time", "/api/v3/time", 1, Pool.API, signed=False)

EXCHANGE_INFO: Final = Route("exchange-info", "/api/v3/exchangeInfo", 20, Pool.API, signed=False)
TICKER_PRICES: Final = Route("ticker/price", "/api/v3/ticker/price", 4, Pool.API, signed=False)
"""Every symbol, or ``symbols=[...]``: weight 4."""
TICKER_PRICE: Final = Route("ticker/price", "/api/v3/ticker/price", 2, Pool.API, signed=False)
"""One ``symbol=``: weight 2 (the handler picks it by the query)."""

ROUTES: Final[dict[str, Route]] = {
    route.path: route for route in (ACCOUNT, MARGIN_ACCOUNT, TIME, EXCHANGE_INFO, TICKER_PRICES)
}


def route_names() -> frozenset[str]:
    """Names usable in fault filters and found in stats."""
    return frozenset(route.name for route in ROUTES.values())
