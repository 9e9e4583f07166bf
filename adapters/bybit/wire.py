"""Bybit v5 wire schemas: attrs classes that mirror the JSON one to one.

Amounts are ``Decimal``, parsed once by the converter's amount hook (``adapters/kit/strict.py``).
Bybit sends ``""`` for a figure that does not apply (an account-wide ratio in isolated margin
mode, ``accruedInterest`` of a coin that cannot be borrowed): such fields are
``Decimal | None`` and read ``""`` as ``None`` (the kit's ``blank_is_none``);
:mod:`adapters.bybit.convert` decides where ``None`` is acceptable. Keys Bybit adds later are
ignored; keys whose JSON is not the camelCase of the attribute are named in ``json`` metadata.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

import attrs

__all__ = [
    "WIRE_CLASSES", "AccountInfo", "Envelope", "Instrument", "Instruments", "ServerTime", "Ticker",
    "Tickers", "WalletAccount", "WalletBalance", "WalletCoin",
]

_LIST: Final = {"json": "list"}


@attrs.frozen(slots=True)
class Envelope:
    """Every answer: ``retCode`` 0 for success, ``retMsg``, then ``result`` (read apart)."""

    ret_code: int
    ret_msg: str


@attrs.frozen(slots=True)
class AccountInfo:
    """``GET /v5/account/info``, the part folio reads."""

    unified_margin_status: int
    """1 classic account; 3, 4 unified trading account 1.0 (pro); 5, 6 UTA 2.0 (pro)."""
    margin_mode: str
    """``REGULAR_MARGIN`` (cross), ``PORTFOLIO_MARGIN`` or ``ISOLATED_MARGIN``."""


@attrs.frozen(slots=True)
class WalletCoin:
    """One entry of ``coin`` in ``GET /v5/account/wallet-balance`` (amounts in the coin)."""

    coin: str
    wallet_balance: Decimal
    """Includes coins borrowed on spot margin (since 2025); negative for a derivatives loss."""
    equity: Decimal | None = None
    """``walletBalance - spotBorrow + unrealisedPnl`` (+ option value)."""
    usd_value: Decimal | None = None
    """``equity`` in USD at the coin's USD index price."""
    locked: Decimal | None = None
    """Held by spot open orders."""
    borrow_amount: Decimal | None = None
    """Spot plus derivatives liabilities."""
    spot_borrow: Decimal | None = None
    """The spot and manual part of ``borrowAmount`` (absent before September 2025)."""
    accrued_interest: Decimal | None = None
    unrealised_pnl: Decimal | None = None
    """Of perpetual and futures positions settled in this coin."""
    total_order_im: Decimal | None = attrs.field(default=None, metadata={"json": "totalOrderIM"})
    """Initial margin held for open derivatives orders (``""`` in portfolio margin)."""
    total_position_im: Decimal | None = attrs.field(default=None,
                                                    metadata={"json": "totalPositionIM"})
    """Initial margin held by the positions settled in this coin (``""`` in portfolio margin)."""


@attrs.frozen(slots=True)
class WalletAccount:
    """One entry of ``list``: the account-wide figures, in USD, and its coins."""

    account_type: str
    total_equity: Decimal | None
    total_wallet_balance: Decimal | None
    total_margin_balance: Decimal | None
    total_available_balance: Decimal | None
    total_perp_upl: Decimal | None = attrs.field(metadata={"json": "totalPerpUPL"})
    total_initial_margin: Decimal | None
    total_maintenance_margin: Decimal | None
    account_im_rate: Decimal | None = attrs.field(metadata={"json": "accountIMRate"})
    account_mm_rate: Decimal | None = attrs.field(metadata={"json": "accountMMRate"})
    coin: tuple[WalletCoin, ...]


@attrs.frozen(slots=True)
class WalletBalance:
    """``GET /v5/account/wallet-balance?accountType=UNIFIED``: one account."""

    rows: tuple[WalletAccount, ...] = attrs.field(metadata=_LIST)


@attrs.frozen(slots=True)
class Ticker:
    """One entry of ``GET /v5/market/tickers?category=spot``."""

    symbol: str
    last_price: Decimal | None


@attrs.frozen(slots=True)
class Tickers:
    """``GET /v5/market/tickers``: its tickers; no time but the envelope's."""

    rows: tuple[Ticker, ...] = attrs.field(metadata=_LIST)


@attrs.frozen(slots=True)
class Instrument:
    """One spot market of ``GET /v5/market/instruments-info``."""

    symbol: str
    base_coin: str
    quote_coin: str
    status: str


@attrs.frozen(slots=True)
class Instruments:
    """``GET /v5/market/instruments-info?category=spot`` (spot is not paginated)."""

    rows: tuple[Instrument, ...] = attrs.field(metadata=_LIST)


@attrs.frozen(slots=True)
class ServerTime:
    """``GET /v5/market/time``."""

    time_nano: str


WIRE_CLASSES: Final[tuple[type, ...]] = (
    Envelope, AccountInfo, WalletCoin, WalletAccount, WalletBalance, Ticker, Tickers,
    Instrument, Instruments, ServerTime,
)
