"""Binance wire schemas: attrs classes that mirror the JSON answers one to one.

Amounts are ``Decimal``, parsed once from the JSON strings Binance sends by the converter's
amount hook (:func:`adapters.kit.strict.amount`, the one amount grammar): the wire layer records
what the exchange said, digit for digit; :mod:`adapters.binance.convert` decides
what it means. Attribute names are snake_case and map to the camelCase JSON keys; the one key
Binance capitalises (``TotalCollateralValueInUSDT``) and the ``...InUSDT`` suffixes are named
in the field's metadata. Fields the samples show but folio does not need are optional, so an
answer that lacks them (older accounts, the testnet) still reads; keys Binance adds later are
ignored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

import attrs

__all__ = [
    "WIRE_CLASSES",
    "CommissionRates",
    "ErrorBody",
    "ExchangeInfo",
    "MarginAccount",
    "MarginAsset",
    "ServerTime",
    "SpotAccount",
    "SpotBalance",
    "SymbolInfo",
    "TickerPrice",
]


@attrs.frozen(slots=True)
class SpotBalance:
    """One entry of ``balances`` in ``GET /api/v3/account``."""

    asset: str
    free: Decimal
    """Usable now."""
    locked: Decimal
    """Held by open orders."""


@attrs.frozen(slots=True)
class CommissionRates:
    """``commissionRates`` of ``GET /api/v3/account`` (fractions, e.g. ``"0.00150000"``)."""

    maker: Decimal
    taker: Decimal
    buyer: Decimal
    seller: Decimal


@attrs.frozen(slots=True)
class SpotAccount:
    """``GET /api/v3/account``: the spot account and its balances."""

    balances: tuple[SpotBalance, ...]
    account_type: str | None = None
    """``"SPOT"`` for a spot account."""
    update_time: int | None = None
    """Last change of the account, UTC ms."""
    can_trade: bool | None = None
    can_withdraw: bool | None = None
    can_deposit: bool | None = None
    brokered: bool | None = None
    require_self_trade_prevention: bool | None = None
    prevent_sor: bool | None = None
    permissions: tuple[str, ...] = ()
    uid: int | None = None
    maker_commission: int | None = None
    taker_commission: int | None = None
    buyer_commission: int | None = None
    seller_commission: int | None = None
    commission_rates: CommissionRates | None = None


@attrs.frozen(slots=True)
class MarginAsset:
    """One entry of ``userAssets`` in ``GET /sapi/v1/margin/account`` (amounts in the asset)."""

    asset: str
    borrowed: Decimal
    free: Decimal
    interest: Decimal
    locked: Decimal
    net_asset: Decimal
    """``free + locked - borrowed - interest``, as Binance computes it."""


@attrs.frozen(slots=True)
class MarginAccount:
    """``GET /sapi/v1/margin/account``: the cross-margin account, totals in BTC."""

    margin_level: Decimal
    """Classic: total asset / (liability + interest); a sentinel (``"999"``) without debt."""
    total_asset_of_btc: Decimal
    total_liability_of_btc: Decimal
    """Borrowed plus outstanding interest, in BTC."""
    total_net_asset_of_btc: Decimal
    user_assets: tuple[MarginAsset, ...]
    created: bool | None = None
    """False when the margin account was never opened."""
    borrow_enabled: bool | None = None
    trade_enabled: bool | None = None
    transfer_enabled: bool | None = None
    """Before the in/out split (older answers)."""
    transfer_in_enabled: bool | None = None
    transfer_out_enabled: bool | None = None
    collateral_margin_level: Decimal | None = None
    total_collateral_value_in_usdt: Decimal | None = attrs.field(
        default=None, metadata={"json": "TotalCollateralValueInUSDT"}
    )
    total_open_order_loss_in_usdt: Decimal | None = attrs.field(
        default=None, metadata={"json": "totalOpenOrderLossInUSDT"}
    )
    account_type: str | None = None
    """``"MARGIN_1"`` Cross Margin Classic, ``"MARGIN_2"`` Cross Margin Pro."""


@attrs.frozen(slots=True)
class ServerTime:
    """``GET /api/v3/time``."""

    server_time: int
    """The exchange's clock, UTC ms."""


@attrs.frozen(slots=True)
class SymbolInfo:
    """One entry of ``symbols`` in ``GET /api/v3/exchangeInfo``: what ``BNBBTC`` is made of."""

    symbol: str
    status: str
    """``TRADING``; ``BREAK`` for a market that no longer trades (its last price is stale)."""
    base_asset: str
    quote_asset: str


@attrs.frozen(slots=True)
class ExchangeInfo:
    """``GET /api/v3/exchangeInfo``, the part folio reads."""

    symbols: tuple[SymbolInfo, ...]


@attrs.frozen(slots=True)
class TickerPrice:
    """One entry of ``GET /api/v3/ticker/price``: the last trade's price; no time is sent."""

    symbol: str
    price: Decimal


@attrs.frozen(slots=True)
class ErrorBody:
    """A failure answer: ``{"code": -1021, "msg": "..."}`` (usually with HTTP 4xx)."""

    code: int
    msg: str | None = None


WIRE_CLASSES: Final[tuple[type, ...]] = (
    SpotBalance,
    CommissionRates,
    SpotAccount,
    MarginAsset,
    MarginAccount,
    ServerTime,
    SymbolInfo,
    ExchangeInfo,
    TickerPrice,
    ErrorBody,
)
"""Every wire class, for building the converters."""
