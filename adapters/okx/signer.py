"""OKX request signing (API v5): an I/O-free ``httpx.Auth`` with an injectable clock.

The documented algorithm (docs/exchanges/okx.md, "Signing"; OKX API v5 "REST Authentication"):

* ``OK-ACCESS-TIMESTAMP`` is the request time in ISO 8601, UTC, with milliseconds and a ``Z``
  (``2020-12-08T09:08:57.715Z``); OKX refuses one more than 30 s from its clock (50102);
* the signed text is ``timestamp + METHOD + requestPath + body``: the request path *with* its
  query string as sent (``/api/v5/account/balance?ccy=BTC``; no ``?`` without parameters) and
  the body (empty for a GET);
* ``OK-ACCESS-SIGN`` is the Base64 of the HMAC-SHA256 of that text under the secret's UTF-8
  bytes (the secret is used as text, not hex-decoded);
* ``OK-ACCESS-KEY`` and ``OK-ACCESS-PASSPHRASE`` carry the key and the passphrase chosen when
  the key was made; the passphrase is sent as it is and is not signed. It is a credential as
  secret as the secret key (``Credentials.api_passphrase``);
* ``x-simulated-trading: 1`` selects OKX's demo-trading environment (option ``demo_trading``);
  a demo key without it, or a live key with it, is refused (50101).

OKX publishes no signature with its inputs, so the tests check vectors derived from the
documented algorithm by an independent computation (``hmac``/``base64`` in the test), as the
docs page says. httpx runs ``auth_flow`` on every send, so each retry is signed again with a
fresh timestamp.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Generator
from datetime import UTC, datetime
from typing import Final

import httpx

from adapters.kit.clock import wall_clock_ms
from framework.credentials import Credentials, Secret
from framework.errors import ConfigurationError

__all__ = ["OkxAuth", "iso_timestamp", "sign"]

KEY: Final = "OK-ACCESS-KEY"
SIGN: Final = "OK-ACCESS-SIGN"
TIMESTAMP: Final = "OK-ACCESS-TIMESTAMP"
PASSPHRASE: Final = "OK-ACCESS-PASSPHRASE"  # noqa: S105 - a header name
DEMO: Final = "x-simulated-trading"


def iso_timestamp(ms: int) -> str:
    """UTC ms as OKX wants it: ``2020-12-08T09:08:57.715Z``."""
    moment = datetime.fromtimestamp(ms // 1000, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


def sign(secret: str, prehash: str) -> str:
    """``OK-ACCESS-SIGN`` of ``prehash`` (``timestamp + METHOD + requestPath + body``)."""
    digest = hmac.new(secret.encode("utf-8"), prehash.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def passphrase_of(credentials: Credentials, *, account: str) -> Secret:
    """The key's passphrase, or the ConfigurationError that says where to put it.

    OKX refuses every signed request without it (50105), so it is asked for when the client
    is built, never discovered by a request sent without it.
    """
    passphrase = getattr(credentials, "api_passphrase", None)
    if not isinstance(passphrase, Secret) or not passphrase:
        msg = (
            "OKX needs the API key's passphrase as a third credential: set api_passphrase_env "
            "(or api_passphrase in the credentials file) for this account"
        )
        raise ConfigurationError(msg, account=account, key="api_passphrase_env")
    return passphrase


class OkxAuth(httpx.Auth):
    """Adds the four ``OK-ACCESS-*`` headers (and the demo header) to each request it signs.

    ``clock_ms`` returns the time to sign (UTC ms); clients pass the exchange-corrected
    :class:`~adapters.kit.clock.ServerClock`, tests a fixed clock.
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        account: str = "default",
        demo_trading: bool = False,
        clock_ms: Callable[[], int] = wall_clock_ms,
    ) -> None:
        self._passphrase = passphrase_of(credentials, account=account)
        self._key = credentials.api_key
        self._mac = hmac.new(credentials.api_secret.reveal().encode("utf-8"),
                             digestmod=hashlib.sha256)
        self.demo_trading = demo_trading
        self.clock_ms = clock_ms

    def __repr__(self) -> str:
        return f"OkxAuth(credentials=***, demo_trading={self.demo_trading})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign ``request`` in place (its URL is unchanged); runs again for every attempt."""
        stamp = iso_timestamp(self.clock_ms())
        target = request.url.raw_path.decode("ascii")  # path and query, exactly as sent
        mac = self._mac.copy()
        mac.update(f"{stamp}{request.method}{target}".encode() + request.content)
        request.headers[KEY] = self._key.reveal()
        request.headers[SIGN] = base64.b64encode(mac.digest()).decode("ascii")
        request.headers[TIMESTAMP] = stamp
        request.headers[PASSPHRASE] = self._passphrase.reveal()
        if self.demo_trading:
            request.headers[DEMO] = "1"
        yield request
