"""OKX REST adapter (API v5): signer, endpoint catalog, wire schemas, converters, clients.

Reads the trading account (``GET /api/v5/account/balance``) as the ``cash`` wallet, its risk
under the account's mode (``GET /api/v5/account/config``), and public spot prices without
keys (:class:`OkxPrices`). Knows nothing of pluggy; :mod:`plugins.okx` exposes it to folio's
core. The embedded simulator lives in :mod:`adapters.okx.simulator`; docs/exchanges/okx.md
says how each figure is read.
"""

from adapters.okx.client import AsyncOkxClient, OkxPrices
from adapters.okx.options import DEFAULT_BASE_URL, OkxOptions
from adapters.okx.signer import OkxAuth, iso_timestamp, sign

__all__ = ["DEFAULT_BASE_URL", "AsyncOkxClient", "OkxAuth", "OkxOptions", "OkxPrices",
           "iso_timestamp", "sign"]
