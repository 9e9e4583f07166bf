"""AscendEX request signing: an I/O-free ``httpx.Auth`` with an injectable clock.

The documented algorithm (API docs, "Sign a Request"): the prehash string is
``<timestamp>+<api-path>`` with a literal plus sign, the timestamp is UTC milliseconds, the key
is the API secret's UTF-8 bytes (never base64-decoded), and the signature is the standard
base64 (with padding) of the HMAC-SHA256 digest. The query string, body, method, account group
and ``/api/pro/v1/`` prefix are never signed.

Because ``httpx`` runs ``auth_flow`` on every send, a retried request is signed again with a
fresh timestamp: a request that waited in a backoff never arrives with a stale signature.

The api-path differs per endpoint (the catalog, :mod:`adapters.ascendex.endpoints`, holds it),
so each signed endpoint gets its own :class:`AscendexAuth` from :meth:`AscendexAuth.for_path`,
sharing the account's key, prepared HMAC and clock; the protocol hands it to the sender in the
request's :class:`~adapters.kit.call.Call`.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
from collections.abc import Callable, Generator

import httpx

from adapters.kit.clock import wall_clock_ms
from framework.credentials import Credentials

__all__ = ["AscendexAuth", "sign", "wall_clock_ms"]


def _prepared_mac(secret: str) -> hmac.HMAC:
    return hmac.new(secret.encode("utf-8"), digestmod=hashlib.sha256)


def _signature(prepared: hmac.HMAC, timestamp: str, api_path: str) -> str:
    mac = prepared.copy()
    mac.update(f"{timestamp}+{api_path}".encode())
    return base64.b64encode(mac.digest()).decode("ascii")


def sign(secret: str, timestamp: str, api_path: str) -> str:
    """The ``x-auth-signature`` for ``timestamp`` and ``api_path`` under ``secret``."""
    return _signature(_prepared_mac(secret), timestamp, api_path)


class AscendexAuth(httpx.Auth):
    """Adds ``x-auth-key``, ``x-auth-timestamp`` and ``x-auth-signature`` to signed requests.

    ``api_path`` is what is signed (``None`` signs nothing); ``clock_ms`` returns the timestamp
    to sign (UTC milliseconds): tests pass a fixed clock, clients a corrected one.
    """

    def __init__(
        self,
        credentials: Credentials,
        clock_ms: Callable[[], int] = wall_clock_ms,
        *,
        api_path: str | None = None,
    ) -> None:
        self._key = credentials.api_key
        # The HMAC key schedule is computed once; each request copies the prepared state.
        self._mac = _prepared_mac(credentials.api_secret.reveal())
        self.clock_ms = clock_ms
        self.api_path = api_path

    def __repr__(self) -> str:
        return f"AscendexAuth(credentials=***, api_path={self.api_path!r})"

    def for_path(self, api_path: str) -> AscendexAuth:
        """The signer of ``api_path``, sharing this one's key, prepared HMAC and clock."""
        other = copy.copy(self)
        other.api_path = api_path
        return other

    def signature(self, timestamp: str, api_path: str) -> str:
        """Sign one prehash with the prepared key (same result as :func:`sign`)."""
        return _signature(self._mac, timestamp, api_path)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign ``request`` for this signer's api-path; runs again for every attempt."""
        api_path = self.api_path
        if api_path is not None:
            timestamp = str(self.clock_ms())
            request.headers["x-auth-key"] = self._key.reveal()
            request.headers["x-auth-timestamp"] = timestamp
            request.headers["x-auth-signature"] = self.signature(timestamp, api_path)
        yield request
