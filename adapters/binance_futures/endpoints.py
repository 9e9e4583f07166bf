"""The Binance USD-M futures endpoints folio uses, as data: path, signing and weight.

USD-M futures live on their own host (``https://fapi.binance.com``) with their own request
weight budget: **2400 per minute per IP** for every ``/fapi/`` endpoint together, reported in
``X-MBX-USED-WEIGHT-1M`` of each futures answer and metered apart from spot's ``/api/`` and
``/sapi/`` budgets (docs/exchanges/binance.md, "USD-M futures"). Signing is spot's, unchanged
(:class:`adapters.binance.signer.BinanceAuth`).
"""

from __future__ import annotations

from typing import Final

import attrs

__all__ = [
    "ACCOUNT_CONFIG",
    "ASSET_INDEX",
    "ASSET_INDEX_ONE",
    "DEFAULT_FUTURES_URL",
    "ENDPOINTS",
    "FAPI_WEIGHT_LIMIT",
    "FUTURES_ACCOUNT",
    "FUTURES_TIME",
    "USED_WEIGHT_HEADER",
    "FuturesEndpoint",
]

DEFAULT_FUTURES_URL: Final = "https://fapi.binance.com"
FAPI_WEIGHT_LIMIT: Final = 2400
"""``REQUEST_WEIGHT`` per minute per IP of ``/fapi/`` (the futures ``exchangeInfo``)."""
USED_WEIGHT_HEADER: Final = "X-MBX-USED-WEIGHT-1M"
"""Spot's header name, but on the futures host it counts the futures budget only."""


@attrs.frozen(slots=True)
class FuturesEndpoint:
    """One ``/fapi/`` endpoint as folio calls it (all draw on the one futures budget)."""

    name: str
    """Short label for errors, logs and the simulator's fault filters."""
    path: str
    signed: bool
    """USER_DATA: ``recvWindow``, ``timestamp`` and ``signature`` are added."""
    weight: int
    params: tuple[tuple[str, str], ...] = ()
    """No fixed query (:class:`adapters.kit.protocol.CatalogEndpoint` reads it)."""
    method: str = "GET"

    @property
    def label(self) -> str:
        """``GET name``, as errors name the endpoint."""
        return f"{self.method} {self.name}"


FUTURES_ACCOUNT: Final = FuturesEndpoint("futures/account", "/fapi/v3/account", True, 5)
"""Account Information V3: balances per asset, totals, positions with a position or order."""
ACCOUNT_CONFIG: Final = FuturesEndpoint("futures/accountConfig", "/fapi/v1/accountConfig",
                                        True, 5)
"""``multiAssetsMargin``: the account mode, which decides what the account's totals mean
(``GET /fapi/v1/multiAssetsMargin`` says the same for weight 30)."""
FUTURES_TIME: Final = FuturesEndpoint("futures/time", "/fapi/v1/time", False, 1)
ASSET_INDEX: Final = FuturesEndpoint("futures/assetIndex", "/fapi/v1/assetIndex", False, 10)
"""Multi-Assets mode's USD index of every margin asset; read only to value a loan (a negative
wallet balance) in USD."""
ASSET_INDEX_ONE: Final = attrs.evolve(ASSET_INDEX, weight=1)
"""The same for one ``symbol`` (one asset owed): weight 1."""

ENDPOINTS: Final = (FUTURES_ACCOUNT, ACCOUNT_CONFIG, FUTURES_TIME, ASSET_INDEX)
