"""Bybit ``retCode`` values -> folio's typed errors, as one declarative table.

Source: Bybit's v5 error page (https://bybit-exchange.github.io/docs/v5/error), the codes a
read of the account and market endpoints can meet (docs/exchanges/bybit.md, "Errors"). A code
missing from the table becomes a plain :class:`~framework.errors.ExchangeError` keeping the
code and ``retMsg`` verbatim. Bybit answers most of them in an HTTP 200 body.
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
)

__all__ = ["ADVICE", "ERROR_CODES", "TOO_MANY_VISITS"]

TOO_MANY_VISITS: Final = 10006
"""Over the per-UID rate limit of an endpoint."""

ERROR_CODES: Final[Mapping[int, tuple[type[ExchangeError], str]]] = MappingProxyType({
    -1: (ClockSkewError, "request expired"),
    10000: (ExchangeUnavailableError, "server timeout"),
    10001: (InvalidRequestError, "request parameter error"),
    10002: (ClockSkewError, "request time outside the recv_window"),
    10003: (AuthenticationError, "API key is invalid"),
    10004: (AuthenticationError, "error sign"),
    10005: (PermissionDeniedError, "permission denied"),
    10006: (RateLimitedError, "too many visits"),
    10007: (AuthenticationError, "user authentication failed"),
    10008: (PermissionDeniedError, "common banned"),
    10009: (PermissionDeniedError, "service restricted in this region"),
    10010: (PermissionDeniedError, "unmatched IP"),
    10016: (ExchangeUnavailableError, "server error"),
    10017: (InvalidRequestError, "route not found"),
    10019: (ExchangeUnavailableError, "service restarting"),
    10020: (AccountStateError, "not a unified margin account"),
    10028: (AccountStateError, "unified account users only"),
    33004: (AuthenticationError, "API key expired"),
    110067: (AccountStateError, "unified account is not supported"),
    180023: (ExchangeUnavailableError, "service maintenance"),
})
"""retCode -> (folio error class, what Bybit's page calls it)."""

ADVICE: Final[Mapping[int, str]] = MappingProxyType({
    10002: "the timestamp must be at most 1 s ahead of Bybit's clock and at most recv_window "
    "ms behind it",
    10003: "check the API key, and that it belongs to this host: mainnet, testnet and demo "
    "trading keys work on their own host only",
    10004: "check the API secret",
    10005: "the key lacks a permission this read needs (read-only is enough)",
    10010: "the key's IP allow-list does not include this host",
    10028: "this is not a unified trading account; folio reads unified accounts only",
    33004: "create a new API key",
})

"""retCode -> what the user should do, when Bybit's words alone do not say."""
