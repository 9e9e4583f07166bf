"""The OKX endpoints folio uses, as data: path, signing and the documented rate limit.

OKX limits each endpoint on its own (there is no shared weight pool as on Binance): a number
of requests per 2 seconds, counted per user ID for private endpoints (a sub-account has its
own) and per IP address for public market data (OKX API v5, "Rate limits"; each endpoint's
page names its limit and rule). Over the limit the answer is ``50011`` with HTTP 429 or 200.
folio keeps every request under these limits on the client side with the kit's limiter
(:mod:`adapters.kit.ratelimit`), one per endpoint and key (signed) or host (public).
"""

from __future__ import annotations

from typing import Final

import attrs

__all__ = ["BALANCE", "CONFIG", "ENDPOINTS", "INSTRUMENTS", "POSITIONS", "TICKERS", "TIME",
           "Endpoint"]

WINDOW_S: Final = 2.0
"""Every limit folio meets is stated per 2 seconds."""


@attrs.frozen(slots=True)
class Endpoint:
    """One REST endpoint as folio calls it."""

    name: str
    """Short label for errors, logs, stats and fault filters, e.g. ``account/balance``."""
    path: str
    signed: bool
    """Signed endpoints are limited per user ID (the key), public ones per IP (the host)."""
    limit: int
    """Requests per :data:`WINDOW_S` seconds, as documented."""
    params: tuple[tuple[str, str], ...] = ()
    method: str = "GET"

    @property
    def label(self) -> str:
        """``METHOD name``, as errors name the endpoint."""
        return f"{self.method} {self.name}"


CONFIG: Final = Endpoint("account/config", "/api/v5/account/config", True, 5)
"""The account's mode (``acctLv``): 5 requests per 2 s per user ID."""
BALANCE: Final = Endpoint("account/balance", "/api/v5/account/balance", True, 10)
"""The trading account: every currency and the account's risk; 10 per 2 s per user ID."""
POSITIONS: Final = Endpoint("account/positions", "/api/v5/account/positions", True, 10)
"""Every open position (no parameter: all types, no paging), read when the balance shows
isolated equity; 10 per 2 s per user ID."""
TICKERS: Final = Endpoint("market/tickers", "/api/v5/market/tickers", False, 20,
                          (("instType", "SPOT"),))
"""Every spot market's last trade: 20 per 2 s per IP."""
INSTRUMENTS: Final = Endpoint("public/instruments", "/api/v5/public/instruments", False, 20,
                              (("instType", "SPOT"),))
"""Every spot market's ``baseCcy``, ``quoteCcy`` and ``state``: 20 per 2 s per IP."""
TIME: Final = Endpoint("public/time", "/api/v5/public/time", False, 10)
"""The exchange's clock: 10 per 2 s per IP."""

ENDPOINTS: Final = (CONFIG, BALANCE, POSITIONS, TICKERS, INSTRUMENTS, TIME)
