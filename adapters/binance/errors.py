"""Binance error codes -> folio's typed errors, as one declarative table.

Sources: the Spot API's "Error codes" page (10xx general server or network issues, 11xx request
issues, 20xx API-key and order rejections), which ``/sapi/`` endpoints share, and the Margin
Trading "Error codes" page for the 3xxx margin codes of ``/sapi/`` (docs/exchanges/binance.md).
Order-entry, borrow and transfer codes cannot occur on the read-only endpoints folio calls; the
ones listed are there so a misrouted request is still reported precisely. A code missing from
the table becomes a plain :class:`framework.errors.ExchangeError` that keeps the code and
``msg`` verbatim.

The 3xxx classes follow what the user can do: ``-3003`` (no margin account opened: a spot-only
user) is :class:`~framework.errors.AccountStateError`, whose message says so; bans on the
account are :class:`~framework.errors.PermissionDeniedError` ("account restricted");
``-3000``, ``-3037`` and ``-3044`` (internal error, profit-and-loss clearing, busy) pass and
are :class:`~framework.errors.ExchangeUnavailableError`; the rest reject a request's
parameters or amounts (:class:`~framework.errors.InvalidRequestError`).

Two codes are ambiguous by design and the table picks the reading a user can act on:

* ``-2015`` REJECTED_MBX_KEY, "Invalid API-key, IP, or permissions for action.", is what an
  unknown key, a call from outside the key's IP allow-list and a key without the *Enable
  Reading* permission all get: :class:`~framework.errors.PermissionDeniedError`, whose message
  names the three causes.
* ``-1003`` TOO_MANY_REQUESTS is both the 429 warning and the 418 ban; the HTTP status and
  ``Retry-After`` tell them apart (see :mod:`adapters.binance.responses`).
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

__all__ = [
    "ERROR_CODES",
    "INVALID_TIMESTAMP",
    "NO_MARGIN_ACCOUNT",
    "TOO_MANY_REQUESTS",
    "advice",
    "error_class",
]

INVALID_TIMESTAMP: Final = -1021
"""The timestamp is outside ``recvWindow`` or more than 1 s ahead of the exchange's clock."""
TOO_MANY_REQUESTS: Final = -1003
NO_MARGIN_ACCOUNT: Final = -3003
"""NO_OPENED_MARGIN_ACCOUNT: the key's user has not opened a cross-margin account."""

_TABLE: dict[int, tuple[type[ExchangeError], str]] = {
    # 10xx general server or network issues
    -1000: (ExchangeUnavailableError, "UNKNOWN"),
    -1001: (ExchangeUnavailableError, "DISCONNECTED"),
    -1002: (PermissionDeniedError, "UNAUTHORIZED"),
    -1003: (RateLimitedError, "TOO_MANY_REQUESTS"),
    -1006: (ExchangeUnavailableError, "UNEXPECTED_RESP"),
    -1007: (ExchangeUnavailableError, "TIMEOUT"),
    -1008: (ExchangeUnavailableError, "SERVER_BUSY"),
    -1013: (InvalidRequestError, "INVALID_MESSAGE"),
    -1014: (InvalidRequestError, "UNKNOWN_ORDER_COMPOSITION"),
    -1015: (RateLimitedError, "TOO_MANY_ORDERS"),
    -1016: (InvalidRequestError, "SERVICE_SHUTTING_DOWN"),
    -1020: (InvalidRequestError, "UNSUPPORTED_OPERATION"),
    -1021: (ClockSkewError, "INVALID_TIMESTAMP"),
    -1022: (AuthenticationError, "INVALID_SIGNATURE"),
    # 11xx request issues
    -1100: (InvalidRequestError, "ILLEGAL_CHARS"),
    -1101: (InvalidRequestError, "TOO_MANY_PARAMETERS"),
    -1102: (InvalidRequestError, "MANDATORY_PARAM_EMPTY_OR_MALFORMED"),
    -1103: (InvalidRequestError, "UNKNOWN_PARAM"),
    -1104: (InvalidRequestError, "UNREAD_PARAMETERS"),
    -1105: (InvalidRequestError, "PARAM_EMPTY"),
    -1106: (InvalidRequestError, "PARAM_NOT_REQUIRED"),
    -1111: (InvalidRequestError, "BAD_PRECISION"),
    -1112: (InvalidRequestError, "NO_DEPTH"),
    -1114: (InvalidRequestError, "TIF_NOT_REQUIRED"),
    -1115: (InvalidRequestError, "INVALID_TIF"),
    -1116: (InvalidRequestError, "INVALID_ORDER_TYPE"),
    -1117: (InvalidRequestError, "INVALID_SIDE"),
    -1118: (InvalidRequestError, "EMPTY_NEW_CL_ORD_ID"),
    -1119: (InvalidRequestError, "EMPTY_ORG_CL_ORD_ID"),
    -1120: (InvalidRequestError, "BAD_INTERVAL"),
    -1121: (InvalidRequestError, "BAD_SYMBOL"),
    -1125: (InvalidRequestError, "INVALID_LISTEN_KEY"),
    -1127: (InvalidRequestError, "MORE_THAN_XX_HOURS"),
    -1128: (InvalidRequestError, "OPTIONAL_PARAMS_BAD_COMBO"),
    -1130: (InvalidRequestError, "INVALID_PARAMETER"),
    -1131: (InvalidRequestError, "BAD_RECV_WINDOW"),
    # 20xx API keys and order rejections
    -2008: (AuthenticationError, "BAD_API_ID"),
    -2010: (InvalidRequestError, "NEW_ORDER_REJECTED"),
    -2011: (InvalidRequestError, "CANCEL_REJECTED"),
    -2013: (InvalidRequestError, "NO_SUCH_ORDER"),
    -2014: (AuthenticationError, "BAD_API_KEY_FMT"),
    -2015: (PermissionDeniedError, "REJECTED_MBX_KEY"),
    # 3xxx margin (/sapi/)
    -3000: (ExchangeUnavailableError, "INNER_FAILURE"),
    -3001: (PermissionDeniedError, "NEED_ENABLE_2FA"),
    -3002: (InvalidRequestError, "ASSET_DEFICIENCY"),
    -3003: (AccountStateError, "NO_OPENED_MARGIN_ACCOUNT"),
    -3004: (PermissionDeniedError, "TRADE_NOT_ALLOWED"),
    -3005: (PermissionDeniedError, "TRANSFER_OUT_NOT_ALLOWED"),
    -3006: (InvalidRequestError, "EXCEED_MAX_BORROWABLE"),
    -3007: (InvalidRequestError, "HAS_PENDING_TRANSACTION"),
    -3008: (PermissionDeniedError, "BORROW_NOT_ALLOWED"),
    -3009: (InvalidRequestError, "ASSET_NOT_MORTGAGEABLE"),
    -3010: (PermissionDeniedError, "REPAY_NOT_ALLOWED"),
    -3011: (InvalidRequestError, "BAD_DATE_RANGE"),
    -3012: (InvalidRequestError, "ASSET_ADMIN_BAN_BORROW"),
    -3013: (InvalidRequestError, "LT_MIN_BORROWABLE"),
    -3014: (PermissionDeniedError, "ACCOUNT_BAN_BORROW"),
    -3015: (InvalidRequestError, "REPAY_EXCEED_LIABILITY"),
    -3016: (InvalidRequestError, "LT_MIN_REPAY"),
    -3017: (InvalidRequestError, "ASSET_ADMIN_BAN_MORTGAGE"),
    -3018: (PermissionDeniedError, "ACCOUNT_BAN_MORTGAGE"),
    -3019: (PermissionDeniedError, "ACCOUNT_BAN_ROLLOUT"),
    -3020: (InvalidRequestError, "EXCEED_MAX_ROLLOUT"),
    -3021: (InvalidRequestError, "PAIR_ADMIN_BAN_TRADE"),
    -3022: (PermissionDeniedError, "ACCOUNT_BAN_TRADE"),
    -3023: (InvalidRequestError, "WARNING_MARGIN_LEVEL"),
    -3024: (InvalidRequestError, "FEW_LIABILITY_LEFT"),
    -3025: (InvalidRequestError, "INVALID_EFFECTIVE_TIME"),
    -3026: (InvalidRequestError, "VALIDATION_FAILED"),
    -3027: (InvalidRequestError, "NOT_VALID_MARGIN_ASSET"),
    -3028: (InvalidRequestError, "NOT_VALID_MARGIN_PAIR"),
    -3029: (InvalidRequestError, "TRANSFER_FAILED"),
    -3036: (PermissionDeniedError, "ACCOUNT_BAN_REPAY"),
    -3037: (ExchangeUnavailableError, "PNL_CLEARING"),
    -3038: (InvalidRequestError, "LISTEN_KEY_NOT_FOUND"),
    -3041: (InvalidRequestError, "BALANCE_NOT_CLEARED"),
    -3042: (InvalidRequestError, "PRICE_INDEX_NOT_FOUND"),
    -3043: (PermissionDeniedError, "TRANSFER_IN_NOT_ALLOWED"),
    -3044: (ExchangeUnavailableError, "SYSTEM_BUSY"),
    -3045: (InvalidRequestError, "SYSTEM"),
    -3999: (PermissionDeniedError, "NOT_WHITELIST_USER"),
}

ERROR_CODES: Final[Mapping[int, tuple[type[ExchangeError], str]]] = MappingProxyType(_TABLE)
"""code -> (folio error class, the documentation's name for the code)."""

_ADVICE: Final[Mapping[int, str]] = MappingProxyType({
    -1021: "the request's timestamp is outside what Binance accepts (too old for recvWindow, or "
    "1 s or more ahead of its clock)",
    -1022: "check the API secret",
    -2014: "check the API key: it is not in Binance's format",
    -2015: "check the API key, the key's IP allow-list and that it has 'Enable Reading'",
    -3003: "this Binance account has no cross-margin account (spot only), so it has no margin "
    "wallet or margin risk to read; open a margin account on Binance, or read the spot "
    "wallet only",
})


def error_class(code: int) -> type[ExchangeError]:
    """The folio error class for a Binance ``code``; unknown codes get the base class."""
    entry = ERROR_CODES.get(code)
    return entry[0] if entry is not None else ExchangeError


def advice(code: int) -> str | None:
    """What the user should do about ``code``, when the message alone does not say."""
    return _ADVICE.get(code)
