"""What Binance's futures API adds to the spot error table, and how answers are read.

The codes, the envelope (``{"code": -1021, "msg": "..."}``) and the HTTP statuses are spot's
(:mod:`adapters.binance.errors`, :mod:`adapters.binance.responses`, reused as they are); the
futures "Error Codes" page adds account-state codes a read can meet, listed here. Two spot
codes get futures advice, because what the user can do differs:

* ``-2015`` is also what a key without *Enable Futures*, and a Portfolio Margin account's key
  (its futures are read at ``papi``, not ``fapi``), get from ``/fapi/`` account endpoints;
* ``-4109`` (inactive account): a futures wallet never opened or emptied; no futures to read.

A 404 that is not Binance's envelope names ``futures_base_url``, the setting that decides the
futures host (:func:`adapters.binance_futures.client.futures_url`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

from adapters.binance.errors import error_class
from adapters.binance.responses import read_payload
from framework.errors import (
    AccountStateError,
    ExchangeError,
    InvalidRequestError,
    PermissionDeniedError,
)

__all__ = ["FUTURES_CODES", "read_futures_payload"]

FUTURES_CODES: Final[Mapping[int, tuple[type[ExchangeError], str, str | None]]] = (
    MappingProxyType({
        -1011: (PermissionDeniedError, "NON_WHITE_LIST", "this IP address may not use the route"),
        -1099: (PermissionDeniedError, "NOT_FOUND", "check the API key and its permissions"),
        -1109: (AccountStateError, "BAD_ACCOUNT", None),
        -2015: (PermissionDeniedError, "REJECTED_MBX_KEY",
                "check the API key, its IP allow-list and that it has 'Enable Futures' "
                "(a Portfolio Margin account's futures are not served on fapi)"),
        -2017: (PermissionDeniedError, "API_KEYS_LOCKED", None),
        -2023: (AccountStateError, "USER_IN_LIQUIDATION", "Binance is liquidating the account"),
        -4027: (InvalidRequestError, "INVALID_ACCOUNT_TYPE", None),
        -4109: (AccountStateError, "INACTIVE_ACCOUNT",
                "the USD-M futures wallet is not active: transfer an amount into it to open it, "
                "or read the spot and margin wallets only"),
    })
)
"""code -> (folio error class, Binance's name, advice): futures codes and futures advice."""

_NO_FUTURES_HOST: Final = (
    "no such endpoint on the futures host (HTTP 404): check options.futures_base_url (without "
    "it, base_url serves futures unless it is Binance's own; the spot testnet has none)")
"""A 404 without Binance's envelope: spot's "check the base URL" would send a user whose
``base_url`` is right (the spot testnet, a proxy for spot only) to the wrong setting."""


def read_futures_payload(
    status: int, headers: Mapping[str, str], body: bytes, *, structure: Callable[..., Any]
) -> Any:
    """Spot's reading (statuses, envelope, codes), with the futures codes and advice above."""
    try:
        return read_payload(status, headers, body, structure=structure)
    except ExchangeError as error:
        if error.status == 404 and error.code is None:  # the host serves no /fapi/ route
            raise InvalidRequestError(_NO_FUTURES_HOST, status=404) from None
        code = error.code
        known = FUTURES_CODES.get(code) if isinstance(code, int) else None
        if known is None or not isinstance(code, int) or type(error) is not error_class(code):
            raise  # not a coded refusal (a 5xx or a 429 carrying a code): spot's reading stands
        kind, name, advice = known
        said = error.exchange_message or name
        detail = f"{said} (code {code}, {name})" + (f": {advice}" if advice else "")
        raise kind(detail, code=code, reason=name, exchange_message=error.exchange_message,
                   status=error.status) from None
