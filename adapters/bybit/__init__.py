"""Bybit REST adapter (API v5, unified trading account): signer, catalog, wire, client.

Reads the unified account's coins (served as folio's ``cash`` wallet, ``GET
/v5/account/wallet-balance?accountType=UNIFIED``), its account-wide risk in USD (with ``GET
/v5/account/info`` for the account's mode), and public spot last prices without keys
(``BybitPrices``). Knows nothing of pluggy; :mod:`plugins.bybit` exposes it to folio's core.
The embedded simulator lives in :mod:`adapters.bybit.simulator`. docs/exchanges/bybit.md.
"""

from adapters.bybit.client import AsyncBybitClient, BybitPrices
from adapters.bybit.options import DEFAULT_BASE_URL, BybitOptions
from adapters.bybit.signer import BybitAuth, prehash, sign

__all__ = [
    "DEFAULT_BASE_URL", "AsyncBybitClient", "BybitAuth", "BybitOptions", "BybitPrices", "prehash",
    "sign",
]
