"""Binance USD-M futures request signing as Binance's own connectors implement it.

Written here from their published code, independent of folio's signer and of the simulator's
check (standard library only):

* **binance-futures-connector** (binance/binance-futures-connector-python, ``binance/api.py``
  and ``binance/lib/utils.py``): the call's parameters, then ``timestamp`` (ms), encoded with
  ``urlencode(params, True)`` and ``%40`` put back to ``@``; no ``recvWindow`` unless the caller
  gives one; the lower-case hex HMAC-SHA256 of that string appended as ``signature``, last;
  headers ``X-MBX-APIKEY`` and ``Content-Type: application/json;charset=utf-8``;
* **the modular SDK** (binance/binance-connector-python, ``common/src/binance_common/
  utils.py``): the same string with plain ``urlencode``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import urlencode

__all__ = ["CONNECTOR_HEADERS", "connector_query", "sdk_query", "signature"]

CONNECTOR_HEADERS = {"Content-Type": "application/json;charset=utf-8",
                     "User-Agent": "binance-futures-connector-python/4.1.0"}


def signature(secret: str, payload: str) -> str:
    """Lower-case hex HMAC-SHA256 of ``payload`` under the secret's UTF-8 bytes."""
    return hmac.new(secret.encode("utf-8"), payload.encode("utf-8"), hashlib.sha256).hexdigest()


def connector_query(secret: str, params: Mapping[str, object], timestamp: int) -> str:
    """The futures connector's signed query: parameters, ``timestamp``, ``signature``."""
    payload = urlencode({**params, "timestamp": timestamp}, doseq=True).replace("%40", "@")
    return f"{payload}&signature={signature(secret, payload)}"


def sdk_query(secret: str, params: Mapping[str, object], timestamp: int) -> str:
    """The modular SDK's: the same, percent-encoded throughout."""
    payload = urlencode({**params, "timestamp": timestamp}, doseq=True)
    return f"{payload}&signature={signature(secret, payload)}"
