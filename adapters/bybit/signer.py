"""Bybit request signing (API v5, HMAC keys): an I/O-free ``httpx.Auth`` with an injectable clock.

The documented algorithm (docs/exchanges/bybit.md, "Signing"; Bybit's v5 guide,
https://bybit-exchange.github.io/docs/v5/guide): the string signed is
``timestamp + api_key + recv_window + payload``, where the payload of a GET is its query string
*exactly as sent* (no leading ``?``; empty without parameters) and that of a POST its JSON body;
the key is the secret's UTF-8 bytes; the signature is the lower-case hex HMAC-SHA256. Nothing
goes in the URL: the key, the timestamp (UTC ms), the signature and the window (ms the request
stays valid, 5000 when absent) travel in the ``X-BAPI-*`` headers.

Bybit publishes its examples without the secret they were made with, so they cannot check a
signer; the tests derive vectors from the documented algorithm with ``hmac`` directly
(tests/bybit/test_signer.py). Because httpx runs ``auth_flow`` on every send, a retried
request is signed anew with a fresh timestamp.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Generator
from typing import Final

import httpx

from adapters.kit.clock import wall_clock_ms
from framework.credentials import Credentials

__all__ = ["KEY", "RECV_WINDOW", "SIGN", "TIMESTAMP", "BybitAuth", "prehash", "sign"]

KEY: Final = "X-BAPI-API-KEY"
SIGN: Final = "X-BAPI-SIGN"
TIMESTAMP: Final = "X-BAPI-TIMESTAMP"
RECV_WINDOW: Final = "X-BAPI-RECV-WINDOW"


def prehash(timestamp: int, api_key: str, recv_window: int, payload: str) -> str:
    """The string Bybit signs: timestamp, key, window and payload, with no separator."""
    return f"{timestamp}{api_key}{recv_window}{payload}"


def sign(secret: str, text: str) -> str:
    """The ``X-BAPI-SIGN`` of ``text`` (a :func:`prehash`) under ``secret``."""
    return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


class BybitAuth(httpx.Auth):
    """Adds the four ``X-BAPI-*`` headers to each request it signs; never touches the URL.

    ``clock_ms`` returns the timestamp to sign (UTC ms): a fixed clock in tests, the client's
    :class:`~adapters.kit.clock.ServerClock` (corrected from Bybit's time) otherwise.
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        recv_window: int = 5000,
        clock_ms: Callable[[], int] = wall_clock_ms,
    ) -> None:
        self._key = credentials.api_key
        # The HMAC key schedule is computed once; each request copies the prepared state.
        self._mac = hmac.new(credentials.api_secret.reveal().encode("utf-8"),
                             digestmod=hashlib.sha256)
        self.recv_window = recv_window
        self.clock_ms = clock_ms

    def __repr__(self) -> str:
        return f"BybitAuth(credentials=***, recv_window={self.recv_window})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Yield a signed copy of ``request`` (fresh timestamp); runs again for every attempt.

        A copy, so the call's request holds no key between attempts (as Binance's signer).
        """
        key = self._key.reveal()
        timestamp = self.clock_ms()
        payload = request.content.decode("utf-8") if request.content else (
            request.url.query.decode("ascii")
        )
        mac = self._mac.copy()
        mac.update(prehash(timestamp, key, self.recv_window, payload).encode("utf-8"))
        headers = request.headers.copy()
        headers[KEY] = key
        headers[TIMESTAMP] = str(timestamp)
        headers[RECV_WINDOW] = str(self.recv_window)
        headers[SIGN] = mac.hexdigest()
        yield httpx.Request(request.method, request.url, headers=headers,
                            content=request.content or None, extensions=request.extensions)
