"""Test-side HTTP for the Binance simulator: one signed or unsigned call over a real socket.

The signature is computed here from the documented algorithm with the standard library, not
with the simulator's own ``sign``, so the tests check the simulator against the documentation.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

from adapters.binance.simulator import DEMO_API_KEY, DEMO_API_SECRET
from tests.helpers.raw_http import Answer, send

DOC_TIME = 1499827319559
"""The ``timestamp`` of Binance's published signing example."""


class FrozenClock:
    """A server clock that moves only when a test moves it."""

    def __init__(self, now_ms: int = DOC_TIME) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms


def hex_hmac(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def call(
    port: int,
    path: str,
    params: dict[str, str] | None = None,
    *,
    sign_with: str | None = DEMO_API_SECRET,
    key: str | None = DEMO_API_KEY,
    timestamp: int | None = DOC_TIME,
    method: str = "GET",
    signature: str | None = None,
) -> Answer:
    """One request on a fresh connection.

    ``timestamp`` (when not ``None``) is added after ``params``; the query is then signed with
    ``sign_with`` (``None``: unsigned) unless an explicit ``signature`` is given.
    """
    query = urlencode({**(params or {}), **({} if timestamp is None else {"timestamp": timestamp})})
    if signature is None and sign_with is not None:
        signature = hex_hmac(sign_with, query)
    if signature is not None:
        query = f"{query}&signature={signature}" if query else f"signature={signature}"
    headers = [] if key is None else [("X-MBX-APIKEY", key)]
    return send(port, f"{path}?{query}" if query else path, headers, method=method)
