"""The Binance endpoints folio uses, as data: path, signing, weight and the budget it draws on.

Binance meters requests by *weight*, per IP address, in two independent budgets (General API
Information, "LIMITS"):

* every ``/api/*`` endpoint draws on one budget of **6000 weight per minute per IP**; each
  answer reports the IP's use so far in ``X-MBX-USED-WEIGHT-1M``;
* ``/sapi/*`` endpoints are limited one by one: **12000 weight per minute per IP for each
  endpoint**, reported in ``X-SAPI-USED-IP-WEIGHT-1M``.

A request over the limit is answered HTTP 429 with ``Retry-After``; a client that keeps sending
is banned with HTTP 418, from 2 minutes up to 3 days.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

__all__ = [
    "ACCOUNT",
    "ENDPOINTS",
    "EXCHANGE_INFO",
    "MARGIN_ACCOUNT",
    "SERVER_TIME",
    "TICKER_PRICE",
    "TICKER_PRICES",
    "Budget",
    "Endpoint",
]


class Budget(enum.Enum):
    """The rate-limit budget an endpoint's weight is counted in."""

    API = "api"
    """``/api/*``: one budget for every endpoint, 6000 weight per minute per IP."""
    SAPI = "sapi"
    """``/sapi/*``: a budget per endpoint, 12000 weight per minute per IP."""

    @property
    def used_weight_header(self) -> str:
        """The answer header reporting the IP's use of this budget in the current minute."""
        return _USED_WEIGHT_HEADERS[self]


_USED_WEIGHT_HEADERS: Final[Mapping[Budget, str]] = MappingProxyType({
    Budget.API: "X-MBX-USED-WEIGHT-1M",
    Budget.SAPI: "X-SAPI-USED-IP-WEIGHT-1M",
})


@attrs.frozen(slots=True)
class Endpoint:
    """One REST endpoint as folio calls it."""

    name: str
    """Short label for errors, logs, stats and fault filters, e.g. ``margin/account``."""
    path: str
    signed: bool
    """USER_DATA endpoints: ``timestamp``, ``recvWindow`` and ``signature`` are added."""
    weight: int
    """Request weight (IP) as documented; charged to the client-side limiter."""
    budget: Budget
    params: tuple[tuple[str, str], ...] = ()
    """Query parameters sent by default, in this order (signed like any other); an account
    option may change a value (``omit_zero_balances = false`` sends ``omitZeroBalances=false``)."""
    method: str = "GET"

    @property
    def label(self) -> str:
        """``METHOD name``, as errors name the endpoint."""
        return f"{self.method} {self.name}"


ACCOUNT: Final = Endpoint(
    name="account",
    path="/api/v3/account",
    signed=True,
    weight=20,
    budget=Budget.API,
    # Only non-zero balances by default: otherwise every asset Binance lists comes back.
    params=(("omitZeroBalances", "true"),),
)
MARGIN_ACCOUNT: Final = Endpoint(
    name="margin/account",
    path="/sapi/v1/margin/account",
    signed=True,
    weight=10,
    budget=Budget.SAPI,
)
SERVER_TIME: Final = Endpoint(
    name="time",
    path="/api/v3/time",
    signed=False,
    weight=1,
    budget=Budget.API,
)

# Public market data (docs/exchanges/binance.md, "Prices"): no key, the same /api/ budget.
EXCHANGE_INFO: Final = Endpoint("exchangeInfo", "/api/v3/exchangeInfo", False, 20, Budget.API)
"""Every symbol with its ``baseAsset`` and ``quoteAsset``: symbols have no separator."""
TICKER_PRICE: Final = Endpoint("ticker/price", "/api/v3/ticker/price", False, 2, Budget.API)
"""The last price of one ``symbol``."""
TICKER_PRICES: Final = Endpoint("ticker/price", "/api/v3/ticker/price", False, 4, Budget.API)
"""The last prices of ``symbols=[...]``, or of every symbol without a parameter."""

ENDPOINTS: Final = (ACCOUNT, MARGIN_ACCOUNT, SERVER_TIME, EXCHANGE_INFO, TICKER_PRICE,
                    TICKER_PRICES)
