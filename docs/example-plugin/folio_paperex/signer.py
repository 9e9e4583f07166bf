"""PaperEx request signing, as an ``httpx.Auth``.

``X-Paper-Signature`` is the hex HMAC-SHA256 of ``<timestamp><path>`` keyed with the secret;
``X-Paper-Timestamp`` is UTC milliseconds and ``X-Paper-Key`` the API key. httpx runs
``auth_flow`` on every send, so a retried request is signed again with a fresh timestamp: a
request that waited out a backoff never arrives stale. The signer does no I/O, so it is tested
on its own (tests/test_signer.py).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Generator

import httpx

from adapters.kit.clock import wall_clock_ms
from framework.credentials import Credentials

__all__ = ["PaperexAuth", "sign"]


def sign(secret: str, timestamp: str, path: str) -> str:
    """The ``X-Paper-Signature`` of one request."""
    return hmac.new(secret.encode(), f"{timestamp}{path}".encode(), hashlib.sha256).hexdigest()


class PaperexAuth(httpx.Auth):
    """Adds the three ``X-Paper-*`` headers to each request it is given.

    ``clock_ms`` gives the timestamp to sign: tests pass a fixed one. The key stays a
    :class:`~framework.credentials.Secret` until a request needs it, and the ``repr`` shows
    neither key nor secret.
    """

    def __init__(
        self, credentials: Credentials, clock_ms: Callable[[], int] = wall_clock_ms
    ) -> None:
        self._key = credentials.api_key
        self._secret = credentials.api_secret
        self.clock_ms = clock_ms

    def __repr__(self) -> str:
        return "PaperexAuth(credentials=***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign ``request``; runs again for every attempt."""
        timestamp = str(self.clock_ms())
        request.headers["X-Paper-Key"] = self._key.reveal()
        request.headers["X-Paper-Timestamp"] = timestamp
        request.headers["X-Paper-Signature"] = sign(
            self._secret.reveal(), timestamp, request.url.path
        )
        yield request
