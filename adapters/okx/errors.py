"""OKX error codes -> folio's typed errors, as one declarative table.

Source: OKX API v5 "Error Code", REST API (50000-53999, 59000-59999), with the HTTP status each
code comes with (docs/exchanges/okx.md, "Errors"). A code missing from the table becomes a
plain :class:`framework.errors.ExchangeError` that keeps the code and ``msg`` verbatim. OKX's
``msg`` wording varies between servers, so only the ``code`` decides.

Readings a user can act on:

* ``50102`` (timestamp more than 30 s from OKX's clock) is
  :class:`~framework.errors.ClockSkewError`, which the sender corrects once from
  ``GET /api/v5/public/time``; ``50112`` (a malformed timestamp) is not a skew, since no
  clock correction can fix its format: :class:`~framework.errors.AuthenticationError`.
* ``50101`` (key and environment disagree) names the ``demo_trading`` option; a wrong key
  (``50111``, ``50119``), secret (``50113``) or passphrase (``50105``) names the key of
  ``folio.toml`` to check, as Bybit's and Binance's tables do.
* ``50011`` is a rate limit whether OKX sends it with HTTP 200 or 429; ``50013`` (systems busy,
  429) is too. ``50001``/``50026``/``50046`` are the exchange being unavailable, ``50004`` an
  endpoint timeout (the outcome unknown; reads are idempotent).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from framework.errors import (
    AccountStateError,
    AuthenticationError,
    ClockSkewError,
    ExchangeError,
    ExchangeUnavailableError,
    InvalidRequestError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
)

__all__ = ["ADVICE", "ERROR_CODES", "TIMESTAMP_EXPIRED"]

TIMESTAMP_EXPIRED: Final = 50102

_CLASSES: Final[Mapping[type[ExchangeError], tuple[int, ...]]] = {
    ExchangeUnavailableError: (50001, 50005, 50026, 50046),  # unavailable, inactive, system
    RequestTimeoutError: (50004,),  # the endpoint timed out; the outcome is unknown
    RateLimitedError: (50011, 50013),  # rate limit reached; systems busy
    InvalidRequestError: (50002, 50006, 50014, 50015, 50025, 50038, 50115, 51000, 51001, 52000),
    AccountStateError: (50007, 50009, 50012, 50100, 51010, 51024),  # blocked, frozen, mode
    AuthenticationError: (50101, 50103, 50104, 50105, 50106, 50107, 50111, 50112, 50113, 50114,
                          50119, 59505),
    ClockSkewError: (50102,),  # timestamp more than 30 s from OKX's clock
    PermissionDeniedError: (50030, 50035, 50110, 50120, 50121),  # permission, IP
}
"""Each class's codes; the words are OKX's own ``msg`` (docs/exchanges/okx.md, "Errors")."""

ERROR_CODES: Final[Mapping[int, type[ExchangeError]]] = MappingProxyType(
    {code: cls for cls, codes in _CLASSES.items() for code in codes}
)
"""code -> folio error class."""

ADVICE: Final[Mapping[int, str]] = MappingProxyType({
    50101: "a demo-trading key needs options.demo_trading = true, a live key needs it false",
    50102: "the request's timestamp is more than 30 s from OKX's clock",
    50104: "set the key's passphrase (api_passphrase_env)",
    50105: "check the key's passphrase (api_passphrase_env)",
    50111: "check the API key (api_key_env)",
    50113: "check the API secret (api_secret_env)",
    50119: "check the API key (api_key_env): OKX does not know it",
    50110: "add this machine's IP address to the API key's whitelist",
    50120: "the API key needs the Read permission",
})

