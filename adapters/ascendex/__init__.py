"""AscendEX Pro REST adapter: signer, endpoint catalog, wire schemas, converters, clients.

Two clients: the signed account client and the keyless price reader. Knows nothing of pluggy;
:mod:`plugins.ascendex` exposes it to folio's core. The embedded simulator lives in
:mod:`adapters.ascendex.simulator`.
"""

from adapters.ascendex.client import AsyncAscendexClient
from adapters.ascendex.endpoints import PathStyle
from adapters.ascendex.options import DEFAULT_BASE_URL, AscendexOptions
from adapters.ascendex.prices import AscendexPrices, public_prices
from adapters.ascendex.protocol import AccountInfo
from adapters.ascendex.signer import AscendexAuth, sign

__all__ = [
    "DEFAULT_BASE_URL",
    "AccountInfo",
    "AscendexAuth",
    "AscendexOptions",
    "AscendexPrices",
    "AsyncAscendexClient",
    "PathStyle",
    "public_prices",
    "sign",
]
