"""Binance request signing (HMAC keys): an I/O-free ``httpx.Auth`` with an injectable clock.

The documented algorithm (Request Security, "SIGNED request example (HMAC)"): the payload is
``totalParams``, the query string *as sent* (percent-encoded) concatenated without a separator
with the request body; the key is the secret's UTF-8 bytes; the signature is the lower-case hex
of the HMAC-SHA256 digest, sent as the last parameter ``signature``. Signed requests also carry
``timestamp`` (UTC ms of the exchange's clock, as best known) and ``recvWindow`` (how many ms
after ``timestamp`` the request stays valid; 5000 when absent, at most 60000), and the API key
in the ``X-MBX-APIKEY`` header.

Because ``httpx`` runs ``auth_flow`` on every send, a retried request is signed again with a
fresh timestamp: a request that waited in a backoff never arrives outside its window. The
signed request is a copy: the unsigned original is sent again on a retry, and signed afresh.
The protocol hands this signer to the sender for signed endpoints only (the request's
:class:`~adapters.kit.call.Call`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Generator
from typing import Final

import httpx

from adapters.kit.call import with_query
from adapters.kit.clock import wall_clock_ms
from framework.credentials import Credentials

__all__ = ["API_KEY_HEADER", "BinanceAuth", "sign", "total_params"]

API_KEY_HEADER: Final = "X-MBX-APIKEY"


def total_params(query: str, body: bytes = b"") -> str:
    """The signed payload: the query string and the body, joined with no separator."""
    return query + body.decode("ascii")


def _prepared_mac(secret: str) -> hmac.HMAC:
    return hmac.new(secret.encode("utf-8"), digestmod=hashlib.sha256)


def _hex_signature(prepared: hmac.HMAC, payload: str) -> str:
    mac = prepared.copy()
    mac.update(payload.encode("ascii"))
    return mac.hexdigest()


def sign(secret: str, payload: str) -> str:
    """The ``signature`` of ``payload`` (a percent-encoded ``totalParams``) under ``secret``."""
    return _hex_signature(_prepared_mac(secret), payload)


class BinanceAuth(httpx.Auth):
    """Appends ``recvWindow``, ``timestamp`` and ``signature`` to the requests it signs.

    ``clock_ms`` returns the timestamp to sign (UTC ms); tests pass a fixed clock and clients
    pass an :class:`~adapters.kit.clock.ServerClock` corrected by the exchange's own time.
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
        self._mac = _prepared_mac(credentials.api_secret.reveal())
        self.recv_window = recv_window
        self.clock_ms = clock_ms

    def __repr__(self) -> str:
        return f"BinanceAuth(credentials=***, recv_window={self.recv_window})"

    def signature(self, payload: str) -> str:
        """Sign one payload with the prepared key (same result as :func:`sign`)."""
        return _hex_signature(self._mac, payload)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Yield a signed copy of ``request``; runs again for every attempt."""
        query = request.url.query.decode("ascii")
        timing = f"recvWindow={self.recv_window}&timestamp={self.clock_ms()}"
        query = f"{query}&{timing}" if query else timing
        signature = self.signature(total_params(query, request.content))
        headers = request.headers.copy()
        headers[API_KEY_HEADER] = self._key.reveal()
        yield httpx.Request(
            request.method,
            with_query(request.url, f"{query}&signature={signature}"),
            headers=headers,
            content=request.content or None,
            extensions=request.extensions,
        )
