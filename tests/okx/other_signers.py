"""OKX's request signing as other clients implement it, written here from their published code.

Independent of folio's signer and of the simulator's check (standard library only), so the
tests that use it check the simulator against what real clients send:

* **python-okx** (okxapi/python-okx, ``okx/utils.py`` and ``okx/okxclient.py``): the query
  built by hand, ``?k=v&k=v`` with values *not* percent-encoded (``ccy=BTC,ETH``) and no ``?``
  without parameters; the timestamp from ``datetime.isoformat(timespec="milliseconds")`` with a
  ``Z``; ``Content-Type: application/json`` even on a GET; ``x-simulated-trading`` always sent
  (``"0"`` live, ``"1"`` demo, from its ``flag``); the signature handed to the HTTP client as
  Base64 *bytes*;
* **CCXT** (its ``okx.sign``): the query percent-encoded (``ccy=BTC%2CETH``), signed as sent;
  no ``Content-Type`` and no ``x-simulated-trading`` on a live key's GET;
* **the documentation literally** (OKX API v5, "REST Authentication"): the prehash
  ``timestamp + METHOD + requestPath + body``, header names as printed there.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import urlencode

__all__ = ["ccxt_target", "headers", "iso_ms", "python_okx_target", "signature"]


def iso_ms(ms: int) -> str:
    """python-okx's timestamp: ISO 8601 to the millisecond, ``Z`` for UTC."""
    moment = datetime.fromtimestamp(ms // 1000, UTC).replace(microsecond=ms % 1000 * 1000)
    return moment.replace(tzinfo=None).isoformat("T", "milliseconds") + "Z"


def python_okx_target(path: str, params: Mapping[str, str]) -> str:
    """python-okx's ``parse_params_to_str``: raw ``k=v`` pairs, no ``?`` when there are none."""
    pairs = "&".join(f"{k}={v}" for k, v in params.items() if v not in (None, ""))
    return f"{path}?{pairs}" if pairs else path


def ccxt_target(path: str, params: Mapping[str, str]) -> str:
    """CCXT's: the parameters percent-encoded (``,`` as ``%2C``)."""
    return f"{path}?{urlencode(params)}" if params else path


def signature(secret: str, prehash: str) -> bytes:
    """Base64 of the HMAC-SHA256 of ``prehash`` under the secret's UTF-8 bytes."""
    mac = hmac.new(secret.encode("utf-8"), prehash.encode("utf-8"), hashlib.sha256)
    return base64.b64encode(mac.digest())


def headers(key: str, secret: str, passphrase: str, stamp: str, target: str, *,
            method: str = "GET", body: str = "", flag: str | None = None,
            content_type: bool = False) -> dict[str, str | bytes]:
    """The four ``OK-ACCESS-*`` headers (python-okx's names and order), and its extras.

    ``method`` is signed as given (every client upper-cases it; a test may not).
    """
    signed: dict[str, str | bytes] = {}
    if content_type:
        signed["Content-Type"] = "application/json"
    signed.update({
        "OK-ACCESS-KEY": key,
        "OK-ACCESS-SIGN": signature(secret, stamp + method + target + body),
        "OK-ACCESS-TIMESTAMP": stamp,
        "OK-ACCESS-PASSPHRASE": passphrase,
    })
    if flag is not None:
        signed["x-simulated-trading"] = flag
    return signed
