"""The routing table: both path styles, the group segment, and the api-path each one signs.

The api-path is written down per route, never derived from the URL: both balances sign
``balance`` while the risk profile signs ``margin/risk`` (docs/exchanges/ascendex.md), and
deriving
it is exactly the client bug this simulator must catch (CCXT #9233).

Two generations of paths are served: ``/api/pro/v1/...`` (documented since 2019-12) and the
unversioned ``/api/pro/...`` of the seed draft. Lookup is two dictionary probes, so the table
costs nothing per request whatever its size.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

__all__ = ["Match", "Route", "RouteKind", "resolve", "route_names"]


class RouteKind(enum.Enum):
    """What a route does (several paths may share one kind)."""

    INFO = "info"
    CASH_BALANCE = "cash/balance"
    MARGIN_BALANCE = "margin/balance"
    MARGIN_RISK = "margin/risk"
    SERVER_TIME = "exchange-info"
    TICKER = "spot/ticker"
    ASSETS = "assets"
    PRODUCTS = "products"
    CASH_PRODUCTS = "cash/products"
    FUTURES_CONTRACTS = "futures/contract"


_CATALOG_KINDS: Final = frozenset({
    RouteKind.ASSETS, RouteKind.PRODUCTS, RouteKind.CASH_PRODUCTS, RouteKind.FUTURES_CONTRACTS,
})


@dataclass(frozen=True, slots=True)
class Route:
    """One served path template."""

    name: str
    """Label used by stats and fault filters (shared by the v1 and unversioned twins)."""
    kind: RouteKind
    methods: tuple[str, ...]
    api_path: str | None
    """Signed after ``<timestamp>+``; ``None`` for public routes."""
    group_scoped: bool = False
    needs_view: bool = False
    """Requires the key's view permission (balances and risk; account info does not, since
    a client needs it to learn its group and permissions in the first place)."""

    @property
    def catalog(self) -> bool:
        """Whether this is a public market-catalog route (assets, products, contracts)."""
        return self.kind in _CATALOG_KINDS


@dataclass(frozen=True, slots=True)
class Match:
    """A resolved request path: the route and, for group routes, the group in the URL."""

    route: Route
    group: int | None


_INFO: Final = Route("info", RouteKind.INFO, ("GET",), "info")
_INFO_V2: Final = Route("v2/account/info", RouteKind.INFO, ("GET",), "v2/account/info")
_TIME: Final = Route("exchange-info", RouteKind.SERVER_TIME, ("GET",), None)
# Public spot tickers (the prices folio values holdings at); ``ticker`` is the older path.
_TICKER: Final = Route("spot/ticker", RouteKind.TICKER, ("GET",), None)
# The public catalog CCXT's load_markets reads before any private call (see payloads.py).
_ASSETS: Final = Route("assets", RouteKind.ASSETS, ("GET",), None)
_PRODUCTS: Final = Route("products", RouteKind.PRODUCTS, ("GET",), None)
_CASH_PRODUCTS: Final = Route("cash/products", RouteKind.CASH_PRODUCTS, ("GET",), None)
_CONTRACTS: Final = Route("futures/contract", RouteKind.FUTURES_CONTRACTS, ("GET",), None)
_CASH: Final = Route("cash/balance", RouteKind.CASH_BALANCE, ("GET",), "balance",
                     group_scoped=True, needs_view=True)
_MARGIN: Final = Route("margin/balance", RouteKind.MARGIN_BALANCE, ("GET",), "balance",
                       group_scoped=True, needs_view=True)
# The docs say POST, every client (and the official demo) uses GET: accept both on both path
# styles; a 405 fault rejects either method when a test needs that (docs/exchanges/ascendex.md).
_RISK: Final = Route("margin/risk", RouteKind.MARGIN_RISK, ("GET", "POST"), "margin/risk",
                     group_scoped=True, needs_view=True)

_PLAIN: Final[dict[str, Route]] = {
    "/api/pro/v1/info": _INFO,
    "/api/pro/info": _INFO,
    "/api/pro/v2/account/info": _INFO_V2,
    "/api/pro/v1/exchange-info": _TIME,
    "/api/pro/v1/spot/ticker": _TICKER,
    "/api/pro/v1/ticker": _TICKER,
    "/api/pro/v2/assets": _ASSETS,
    "/api/pro/v1/products": _PRODUCTS,
    "/api/pro/v1/cash/products": _CASH_PRODUCTS,
    "/api/pro/v2/futures/contract": _CONTRACTS,
}
_GROUPED: Final[dict[str, Route]] = {
    "/api/pro/v1/cash/balance": _CASH,
    "/api/pro/cash/balance": _CASH,
    "/api/pro/v1/margin/balance": _MARGIN,
    "/api/pro/margin/balance": _MARGIN,
    "/api/pro/v1/margin/risk": _RISK,
    "/api/pro/margin/risk": _RISK,
}


def route_names() -> frozenset[str]:
    """Names usable in fault filters and found in stats."""
    return frozenset(r.name for r in (*_PLAIN.values(), *_GROUPED.values()))


def resolve(path: str) -> Match | None:
    """Find the route for a raw (not percent-decoded) path; ``None`` means 404.

    The group must be a decimal segment (``0`` included: it is a valid group). The
    simulator's control routes are not the exchange's: the handler answers them before
    routing (:mod:`adapters.simkit.control`), and when control is off they are unknown here.
    """
    route = _PLAIN.get(path)
    if route is not None:
        return Match(route, None)
    slash = path.find("/", 1)
    if slash <= 1:
        return None
    segment = path[1:slash]
    if not (segment.isascii() and segment.isdigit()):
        return None
    route = _GROUPED.get(path[slash:])
    if route is None:
        return None
    return Match(route, int(segment))
