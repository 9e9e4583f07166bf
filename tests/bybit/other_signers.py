"""Bybit's v5 request signing as other clients implement it, written here from their code.

Independent of folio's signer and of the simulator's check (standard library only):

* **pybit** (bybit-exchange/pybit, ``pybit/_http_manager.py``): a GET's parameters sorted by
  name and joined as raw ``k=v`` (not percent-encoded: ``coin=BTC,USDT``), sent as the query;
  the signed text ``timestamp + api_key + recv_window + query``; lower-case hex HMAC-SHA256;
  headers ``X-BAPI-API-KEY``, ``X-BAPI-SIGN``, ``X-BAPI-SIGN-TYPE: 2``, ``X-BAPI-TIMESTAMP``
  (ms), ``X-BAPI-RECV-WINDOW`` (5000 by default) and ``Content-Type: application/json``;
* **a percent-encoding client** (``urllib.parse.urlencode``, as CCXT's other exchanges do):
  ``coin=BTC%2CUSDT``, signed as sent;
* **the guide literally** (https://bybit-exchange.github.io/docs/v5/guide): the parameters in
  any order ("no need to sort"), ``[recv_window]`` optional.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import urlencode

__all__ = ["encoded_query", "headers", "pybit_query", "signature"]


def pybit_query(params: Mapping[str, str]) -> str:
    """pybit's ``prepare_payload`` for a GET: sorted by name, raw ``k=v`` pairs."""
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()))


def encoded_query(params: Mapping[str, str]) -> str:
    """The parameters percent-encoded, in the order given."""
    return urlencode(params)


def signature(secret: str, text: str) -> str:
    """Lower-case hex HMAC-SHA256 of ``text`` under the secret's UTF-8 bytes."""
    return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def headers(key: str, secret: str, timestamp: int | str, query: str, *,
            recv_window: str | None = "5000", pybit: bool = True) -> dict[str, str]:
    """The ``X-BAPI-*`` headers of a GET with ``query`` (pybit's, with its extras)."""
    window = recv_window or ""
    signed = {"X-BAPI-API-KEY": key,
              "X-BAPI-SIGN": signature(secret, f"{timestamp}{key}{window}{query}")}
    if pybit:
        signed = {"Content-Type": "application/json", **signed, "X-BAPI-SIGN-TYPE": "2"}
    signed["X-BAPI-TIMESTAMP"] = str(timestamp)
    if recv_window is not None:
        signed["X-BAPI-RECV-WINDOW"] = recv_window
    return signed
