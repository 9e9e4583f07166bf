"""AscendEX error codes -> folio's typed errors, as one declarative table.

Sources: the error table of the official API documentation (identical in the 2021 BitMax and
2025 AscendEX editions), plus codes seen in the wild: ``404`` for unknown routes, ``100014``
for the WebSocket risk limit, and the pre-Pro "legacy" codes that CCXT still maps. Order-entry
codes cannot occur on the read-only endpoints folio calls, but they are listed so that a
misrouted request is still reported precisely. A code missing from the table becomes a plain
:class:`framework.errors.ExchangeError` that keeps the code, message and reason verbatim.
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

__all__ = ["ERROR_CODES", "WRONG_ACCOUNT_GROUP", "error_class"]

WRONG_ACCOUNT_GROUP: Final = 200006
"""``ACCOUNT_ERROR``: what the exchange answers for a request to another account group."""

_TABLE: dict[int, tuple[type[ExchangeError], str]] = {
    # 10xxxx general
    100001: (InvalidRequestError, "INVALID_HTTP_INPUT"),
    100002: (InvalidRequestError, "DATA_NOT_AVAILABLE"),
    100003: (InvalidRequestError, "KEY_CONFLICT"),
    100004: (InvalidRequestError, "INVALID_REQUEST_DATA"),
    100005: (InvalidRequestError, "INVALID_WS_REQUEST_DATA"),
    100006: (InvalidRequestError, "INVALID_ARGUMENT"),
    100007: (InvalidRequestError, "ENCRYPTION_ERROR"),
    100008: (InvalidRequestError, "SYMBOL_ERROR"),
    100009: (AuthenticationError, "AUTHORIZATION_NEEDED"),
    100010: (InvalidRequestError, "INVALID_OPERATION"),
    100011: (ClockSkewError, "INVALID_TIMESTAMP"),
    100012: (InvalidRequestError, "INVALID_STR_FORMAT"),
    100013: (InvalidRequestError, "INVALID_NUM_FORMAT"),
    100014: (RateLimitedError, "RISK_LIMIT_VIOLATION"),
    100101: (ExchangeUnavailableError, "UNKNOWN_ERROR"),
    # 15xxxx format
    150001: (InvalidRequestError, "INVALID_JSON_FORMAT"),
    # 20xxxx authentication and account
    200001: (AuthenticationError, "AUTHENTICATION_FAILED"),
    200002: (AuthenticationError, "TOO_MANY_ATTEMPTS"),
    200003: (AccountStateError, "ACCOUNT_NOT_FOUND"),
    200004: (AccountStateError, "ACCOUNT_NOT_SETUP"),
    200005: (InvalidRequestError, "ACCOUNT_ALREADY_EXIST"),
    200006: (AccountStateError, "ACCOUNT_ERROR"),
    200007: (InvalidRequestError, "CODE_NOT_FOUND"),
    200008: (InvalidRequestError, "CODE_EXPIRED"),
    200009: (InvalidRequestError, "CODE_MISMATCH"),
    200010: (AuthenticationError, "PASSWORD_ERROR"),
    200011: (InvalidRequestError, "CODE_GEN_FAILED"),
    200012: (InvalidRequestError, "FAKE_COKE_VERIFY"),
    200013: (PermissionDeniedError, "SECURITY_ALERT"),
    200014: (PermissionDeniedError, "RESTRICTED_ACCOUNT"),
    200015: (PermissionDeniedError, "PERMISSION_DENIED"),
    # 30xxxx orders (not reachable from read-only endpoints; complete for diagnostics)
    300001: (InvalidRequestError, "INVALID_PRICE"),
    300002: (InvalidRequestError, "INVALID_QTY"),
    300003: (InvalidRequestError, "INVALID_SIDE"),
    300004: (InvalidRequestError, "INVALID_NOTIONAL"),
    300005: (InvalidRequestError, "INVALID_TYPE"),
    300006: (InvalidRequestError, "INVALID_ORDER_ID"),
    300007: (InvalidRequestError, "INVALID_TIME_IN_FORCE"),
    300008: (InvalidRequestError, "INVALID_ORDER_PARAMETER"),
    300009: (InvalidRequestError, "TRADING_VIOLATION"),
    300011: (InvalidRequestError, "INVALID_BALANCE"),
    300012: (InvalidRequestError, "INVALID_PRODUCT"),
    300013: (InvalidRequestError, "INVALID_BATCH_ORDER"),
    300014: (InvalidRequestError, "TICK_SIZE_VIOLATION"),
    300020: (InvalidRequestError, "TRADING_RESTRICTED"),
    300021: (InvalidRequestError, "TRADING_DISABLED"),
    300031: (InvalidRequestError, "NO_MARKET_PRICE"),
    # 31xxxx margin
    310001: (InvalidRequestError, "INVALID_MARGIN_BALANCE"),
    310002: (AccountStateError, "INVALID_MARGIN_ACCOUNT"),
    310003: (InvalidRequestError, "MARGIN_TOO_RISKY"),
    310004: (InvalidRequestError, "INVALID_MARGIN_ASSET"),
    310005: (InvalidRequestError, "INVALID_REFERENCE_PRICE"),
    # 5xxxxx system
    510001: (ExchangeUnavailableError, "SERVER_ERROR"),
    # 90xxxx behaviour
    900001: (PermissionDeniedError, "HUMAN_CHALLENGE"),
    # seen in the wild: unknown route (also HTTP 404)
    404: (InvalidRequestError, "URL_NOT_FOUND"),
    # pre-Pro "legacy" codes (message only, no reason)
    1900: (InvalidRequestError, "INVALID_HTTP_REQUEST_INPUT"),
    2100: (AuthenticationError, "API_KEY_FAILURE"),
    5002: (InvalidRequestError, "INVALID_SYMBOL"),
    6001: (InvalidRequestError, "TRADING_DISABLED_ON_SYMBOL"),
    6010: (InvalidRequestError, "NOT_ENOUGH_BALANCE"),
    21008: (PermissionDeniedError, "NO_TRANSFER_PERMISSION"),
    60060: (InvalidRequestError, "ORDER_ALREADY_CLOSED"),
    600503: (InvalidRequestError, "NOTIONAL_TOO_SMALL"),
}

ERROR_CODES: Final[Mapping[int, tuple[type[ExchangeError], str]]] = MappingProxyType(_TABLE)
"""code -> (folio error class, the exchange's reason name)."""


def error_class(code: int) -> type[ExchangeError]:
    """The folio error class for an AscendEX ``code``; unknown codes get the base class."""
    entry = ERROR_CODES.get(code)
    return entry[0] if entry is not None else ExchangeError
