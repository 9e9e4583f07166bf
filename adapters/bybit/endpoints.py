"""The Bybit v5 endpoints folio uses, as data: path, fixed parameters, signing, rate budget.

Bybit meters two ways (docs/exchanges/bybit.md, "Limits"; https://bybit-exchange.github.io/docs/v5/rate-limit):

* **per UID, per endpoint, per second**: ``/v5/account/wallet-balance`` (``UNIFIED``) and
  ``/v5/account/info`` allow **50 requests a second** each; over it Bybit answers retCode
  10006 in an HTTP 200 body;
* **per IP**: **600 requests in any 5 seconds** over all traffic to the host, signed or not;
  over it Bybit answers HTTP 403 and bans the address for at least 10 minutes.

Every request waits for the host's IP limiter; a signed one also for its endpoint's limiter of
the API key (a key belongs to one UID; two keys of one UID share Bybit's budget, so give them
a lower limit). Market endpoints are public and draw on the IP budget only.
"""

from __future__ import annotations

from typing import Final

import attrs

__all__ = ["ACCOUNT_INFO", "ENDPOINTS", "INSTRUMENTS", "SERVER_TIME", "TICKERS", "WALLET_BALANCE",
           "Endpoint"]


@attrs.frozen(slots=True)
class Endpoint:
    """One REST endpoint as folio calls it."""

    name: str
    """Short label for errors, logs, stats and fault filters, e.g. ``account/wallet-balance``."""
    path: str
    signed: bool
    """Signed endpoints are the account's: each has its own per-UID budget besides the IP's."""
    params: tuple[tuple[str, str], ...] = ()
    """Query parameters always sent, in this order (signed as sent)."""
    method: str = "GET"

    @property
    def label(self) -> str:
        """``METHOD name``, as errors name the endpoint."""
        return f"{self.method} {self.name}"


WALLET_BALANCE: Final = Endpoint(
    "account/wallet-balance", "/v5/account/wallet-balance", True,
    (("accountType", "UNIFIED"),),
)
"""The unified account's coins and account-wide margin figures (USD)."""
ACCOUNT_INFO: Final = Endpoint("account/info", "/v5/account/info", True)
"""The account's mode: ``unifiedMarginStatus`` and ``marginMode``."""
TICKERS: Final = Endpoint("market/tickers", "/v5/market/tickers", False,
                          (("category", "spot"),))
"""Spot last prices, every symbol or one ``symbol``."""
INSTRUMENTS: Final = Endpoint("market/instruments-info", "/v5/market/instruments-info", False,
                              (("category", "spot"),))
"""Every spot symbol trading now with its ``baseCoin`` and ``quoteCoin`` (not paginated)."""
SERVER_TIME: Final = Endpoint("market/time", "/v5/market/time", False)

ENDPOINTS: Final = (WALLET_BALANCE, ACCOUNT_INFO, TICKERS, INSTRUMENTS, SERVER_TIME)
