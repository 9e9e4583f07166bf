"""Binance USD-M futures wire schemas: attrs classes mirroring the JSON answers one to one.

Amounts are ``Decimal`` read by the kit's amount grammar (``adapters/kit/strict.py``); the
fields folio reads are required, the others optional, so an answer lacking an unread field
still reads and one lacking a read field is refused at its JSON path. V3 dropped V2's
configuration fields (``multiAssetsMargin`` moved to ``GET /fapi/v1/accountConfig``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

import attrs

from adapters.binance.wire import ErrorBody, ServerTime

__all__ = ["WIRE_CLASSES", "AccountConfig", "AssetIndex", "FuturesAccount", "FuturesAsset",
           "FuturesPosition"]


@attrs.frozen(slots=True)
class FuturesAsset:
    """One entry of ``assets`` in ``GET /fapi/v3/account``, amounts in the asset."""

    asset: str
    wallet_balance: Decimal
    """The ledger, without unrealised PnL; negative in Multi-Assets mode for an implicit loan."""
    unrealized_profit: Decimal
    margin_balance: Decimal
    """``walletBalance + unrealizedProfit``."""
    maint_margin: Decimal
    available_balance: Decimal
    """Per asset in Single-Asset mode; the account's USD figure on every row in Multi-Assets."""
    max_withdraw_amount: Decimal
    initial_margin: Decimal | None = None
    position_initial_margin: Decimal | None = None
    open_order_initial_margin: Decimal | None = None
    cross_wallet_balance: Decimal | None = None
    cross_un_pnl: Decimal | None = None
    update_time: int | None = None


@attrs.frozen(slots=True)
class FuturesPosition:
    """One entry of ``positions``: a symbol with a position or an open order."""

    symbol: str
    position_amt: Decimal
    notional: Decimal
    """Signed, in the symbol's quote asset at the mark price (negative for a short)."""
    unrealized_profit: Decimal
    maint_margin: Decimal
    isolated_wallet: Decimal
    """The margin put into an isolated position; ``0`` for a cross one."""
    position_side: str | None = None
    initial_margin: Decimal | None = None
    isolated_margin: Decimal | None = None
    update_time: int | None = None


@attrs.frozen(slots=True)
class FuturesAccount:
    """``GET /fapi/v3/account``: totals in USDT (Single-Asset mode) or USD (Multi-Assets)."""

    total_initial_margin: Decimal
    total_maint_margin: Decimal
    total_wallet_balance: Decimal
    total_unrealized_profit: Decimal
    total_margin_balance: Decimal
    available_balance: Decimal
    max_withdraw_amount: Decimal
    assets: tuple[FuturesAsset, ...]
    positions: tuple[FuturesPosition, ...]
    total_position_initial_margin: Decimal | None = None
    total_open_order_initial_margin: Decimal | None = None
    total_cross_wallet_balance: Decimal | None = None
    total_cross_un_pnl: Decimal | None = None


@attrs.frozen(slots=True)
class AccountConfig:
    """``GET /fapi/v1/accountConfig``: the account mode, and flags folio does not use."""

    multi_assets_margin: bool
    """``true``: Multi-Assets mode (one USD pool); ``false``: Single-Asset mode."""
    dual_side_position: bool | None = None
    fee_tier: int | None = None
    can_trade: bool | None = None
    can_deposit: bool | None = None
    can_withdraw: bool | None = None
    update_time: int | None = None
    trade_group_id: int | None = None


@attrs.frozen(slots=True)
class AssetIndex:
    """One entry of ``GET /fapi/v1/assetIndex``: an asset's USD index in Multi-Assets mode.

    ``bidRate`` is ``index * (1 - bidBuffer)``, ``askRate`` ``index * (1 + askBuffer)``;
    Binance values an asset's positive equity at the bid rate and a negative one at the ask
    rate (docs/exchanges/binance.md, "A loan in Multi-Assets mode"). The auto-exchange rates
    are what an automatic conversion pays, not a valuation: read, not used.
    """

    symbol: str
    """``<ASSET>USD``, e.g. ``USDTUSD``."""
    index: Decimal
    ask_rate: Decimal
    bid_rate: Decimal | None = None
    time: int | None = None
    bid_buffer: Decimal | None = None
    ask_buffer: Decimal | None = None
    auto_exchange_bid_buffer: Decimal | None = None
    auto_exchange_ask_buffer: Decimal | None = None
    auto_exchange_bid_rate: Decimal | None = None
    auto_exchange_ask_rate: Decimal | None = None


WIRE_CLASSES: Final[tuple[type, ...]] = (
    FuturesAsset, FuturesPosition, FuturesAccount, AccountConfig, AssetIndex, ServerTime,
    ErrorBody,
)
