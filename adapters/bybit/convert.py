"""JSON -> Bybit wire classes -> folio domain models, exactly, or a typed error naming the field.

What each answer means (docs/exchanges/bybit.md, "What each field means"):

* **Balances** (the unified account, served as ``cash``). ``walletBalance`` includes coins
  borrowed on spot margin and goes negative by a derivatives loss, which Bybit also counts in
  ``borrowAmount`` (spot plus derivatives liabilities; ``spotBorrow`` is the spot part). So
  ``total = walletBalance + borrowAmount - spotBorrow`` (what is held, never negative),
  ``borrowed = borrowAmount``, ``interest = accruedInterest`` and ``net`` is Bybit's ledger
  ``walletBalance - spotBorrow - accruedInterest``. ``unrealisedPnl`` is the coin's
  ``unrealized_pnl``. Bybit has no per-coin available figure any more
  (``availableToWithdraw`` is always ``""``): ``available`` is the coin's equity
  (``total + unrealized_pnl``) less what spot orders lock (``locked``) and the initial margin
  of the derivatives orders and positions settled in the coin (``totalOrderIM``,
  ``totalPositionIM``), never below zero. A coin whose loss exceeds what it holds (carried by
  other coins' margin) is read as holding nothing usable: ``available`` 0, ``locked`` 0 (the
  model floors what is held at zero, ``AssetBalance.locked``) and a negative ``equity``.
* **Risk** (``REGULAR_MARGIN`` and ``PORTFOLIO_MARGIN``): in USD. ``equity`` is
  ``totalEquity``, ``unrealized_pnl`` ``totalPerpUPL``, ``maintenance_margin``
  ``totalMaintenanceMargin``, the health ``accountMMRate`` (lower is safer, liquidation at 1).
  The rate's denominator is ``totalMarginBalance``: an exposed account whose margin balance
  (or equity) is zero or below is insolvent, whatever the rate (Bybit documents no rate for
  it; a negative one is read only then). A rate below 1 while ``totalMaintenanceMargin`` is
  at or above both bases it may be over (margin balance, and equity in portfolio margin)
  contradicts the answer and is refused: never ``ok``.
  Bybit reports no USD liability: ``borrowed_value`` is the net liability, the sum over coins
  of what is owed beyond what is held in that coin (``-net``), each valued at the coin's USD
  price ``usdValue / equity``, to 8 decimals; the interest is inside it
  (``interest_value`` is ``None``). ``total_value`` is what the identity then leaves,
  ``totalEquity - totalPerpUPL + borrowed_value``.
* **Prices**: spot symbols have no separator; base and quote come from
  ``instruments-info``, and only ``Trading`` markets are priced.

Arithmetic on amounts is exact (a local context that traps rounding); the process-wide
decimal context is never touched.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from adapters.bybit.wire import (
    WIRE_CLASSES,
    AccountInfo,
    Instruments,
    Tickers,
    WalletAccount,
    WalletBalance,
    WalletCoin,
)
from adapters.kit.strict import MAX_AMOUNT_DIGITS, WireReader, check_asset_codes, not_negative
from framework.errors import AccountStateError, InvalidResponseError
from framework.models import (
    NOT_APPLICABLE,
    AssetBalance,
    BalanceSnapshot,
    HealthMetric,
    MarginHealth,
    MarginRisk,
    Ratio,
    WalletKind,
)
from framework.prices import Pair, Price

__all__ = [
    "EXCHANGE", "LIQUIDATION_RATE", "QUOTE_ASSET", "balance_rows", "balance_snapshot",
    "margin_risk", "markets", "pooled", "prices", "structure",
]

EXCHANGE: Final = "bybit"
QUOTE_ASSET: Final = "USD"
"""Bybit values the unified account in US dollars at its USD index prices (not USDT)."""
LIQUIDATION_RATE: Final = Decimal(1)
"""Liquidation starts when ``accountMMRate`` reaches 100%."""
UNIFIED: Final = frozenset({3, 4, 5, 6})
"""``unifiedMarginStatus`` of unified trading accounts (1.0, 1.0 pro, 2.0, 2.0 pro)."""
ACCOUNT_RATIO_MODES: Final = frozenset({"REGULAR_MARGIN", "PORTFOLIO_MARGIN"})
_CENTS: Final = Decimal("1E-8")
_ZERO: Final = Decimal(0)
_EXACT: Final = decimal.Context(prec=4 * MAX_AMOUNT_DIGITS, traps=[
    decimal.Inexact, decimal.Rounded, decimal.InvalidOperation, decimal.Overflow])
"""Sums of amounts: exact or an error, whatever the process-wide context says."""
_WIDE: Final = decimal.Context(prec=4 * MAX_AMOUNT_DIGITS, rounding=decimal.ROUND_HALF_EVEN)
"""Prices and ratios, rounded once to Bybit's 8 decimals."""
_READER: Final = WireReader(EXCHANGE, WIRE_CLASSES, blank_is_none=True)


def structure(payload: Any, wire_type: Any, *, path: str = "$.result") -> Any:
    """``payload`` as ``wire_type``, or :class:`InvalidResponseError` naming the JSON path."""
    return _READER.structure(payload, wire_type, path=path)


def _invalid(detail: str, field: str) -> InvalidResponseError:
    return InvalidResponseError(detail, field=field, exchange=EXCHANGE)


def _held(value: Decimal | None, field: str) -> Decimal:
    """An amount that is zero or more; ``""`` (not applicable) reads as zero."""
    return _ZERO if value is None else not_negative(value, field=field, exchange=EXCHANGE)


# -- balances --------------------------------------------------------------------------------


def _account(wallet: WalletBalance) -> WalletAccount:
    if len(wallet.rows) != 1:
        raise _invalid(f"expected the one unified account, got {len(wallet.rows)}",
                       "$.result.list")
    account = wallet.rows[0]
    if account.account_type != "UNIFIED":
        raise _invalid(f"accountType {account.account_type[:40]!r} was not asked for",
                       "$.result.list[0].accountType")
    return account


def _coin(row: WalletCoin, at: str) -> AssetBalance:
    borrowed = _held(row.borrow_amount, f"{at}.borrowAmount")
    spot = _held(row.spot_borrow, f"{at}.spotBorrow")
    locked = _held(row.locked, f"{at}.locked")
    margin = (_held(row.total_order_im, f"{at}.totalOrderIM")
              + _held(row.total_position_im, f"{at}.totalPositionIM"))
    pnl = row.unrealised_pnl or _ZERO
    if spot > borrowed:
        raise _invalid(f"spotBorrow {spot} is more than borrowAmount {borrowed}, of which it is "
                       "a part", f"{at}.spotBorrow")
    total = row.wallet_balance + borrowed - spot
    if total < 0:
        raise _invalid(f"walletBalance {row.wallet_balance} is below what the liabilities "
                       f"explain (borrowAmount {borrowed}, spotBorrow {spot})",
                       f"{at}.walletBalance")
    if locked > total:
        raise _invalid(f"locked {locked} is more than the coin holds ({total})", f"{at}.locked")
    available = max(_ZERO, total + pnl - locked - margin)
    return AssetBalance(row.coin, total, available, borrowed,
                        _held(row.accrued_interest, f"{at}.accruedInterest"), pnl)


def balance_rows(account: WalletAccount) -> list[AssetBalance]:
    """The checked coins of the unified account (see the module docstring)."""
    at = "$.result.list[0].coin"
    check_asset_codes([row.coin for row in account.coin], path=lambda i: f"{at}[{i}].coin",
                      exchange=EXCHANGE)
    with decimal.localcontext(_EXACT):
        return [_coin(row, f"{at}[{i}]") for i, row in enumerate(account.coin)]


def balance_snapshot(
    wallet: WalletBalance, *, account_name: str, fetched_at: datetime
) -> BalanceSnapshot:
    """The unified account's coins, as folio's ``cash`` wallet."""
    return BalanceSnapshot(EXCHANGE, account_name, WalletKind.CASH,
                           balance_rows(_account(wallet)), fetched_at)


# -- risk ------------------------------------------------------------------------------------


def pooled(info: AccountInfo) -> AccountInfo:
    """``info`` of an account with one risk pool, or a typed refusal naming the field."""
    status, mode = info.unified_margin_status, info.margin_mode
    if status not in UNIFIED:
        what = "a classic account" if status == 1 else "not a unified trading account (3 to 6)"
        raise AccountStateError(f"$.result.unifiedMarginStatus {status}: {what}; folio reads "
                                "Bybit's unified trading account only (upgrade it on Bybit)",
                                exchange=EXCHANGE)
    if mode not in ACCOUNT_RATIO_MODES:
        why = "unknown" if mode != "ISOLATED_MARGIN" else (
            "isolated margin: each position is liquidated on its own and Bybit reports no "
            "account-wide margin ratio (its balances are served)")
        raise AccountStateError(f"$.result.marginMode {mode[:40]!r}: {why}", exchange=EXCHANGE)
    return info


def _reported(value: Decimal | None, key: str) -> Decimal:
    if value is None:
        raise _invalid(f"{key} is empty for an account with account-wide margin",
                       f"$.result.list[0].{key}")
    return value


def _liability(row: WalletCoin, balance: AssetBalance, at: str) -> Decimal:
    """What ``balance`` owes beyond what it holds, in USD at ``usdValue / equity``."""
    owed = -balance.net
    if owed <= 0:
        return _ZERO
    if not row.equity or not row.usd_value or (row.usd_value > 0) != (row.equity > 0):
        raise _invalid(f"{row.coin} owes {owed} but usdValue {row.usd_value} and equity "
                       f"{row.equity} give it no USD price", f"{at}.usdValue")
    return _WIDE.quantize(_WIDE.divide(_WIDE.multiply(owed, row.usd_value), row.equity), _CENTS)


def margin_risk(
    info: AccountInfo, wallet: WalletBalance, *, account_name: str, fetched_at: datetime
) -> MarginRisk:
    """The unified account's risk profile, in USD (see the module docstring)."""
    pooled(info)
    account = _account(wallet)
    rows = balance_rows(account)  # the coins are part of the answer: checked alike
    at = "$.result.list[0].coin"
    borrowed = sum((_liability(coin, row, f"{at}[{i}]")
                    for i, (coin, row) in enumerate(zip(account.coin, rows, strict=True))),
                   _ZERO)
    equity = _reported(account.total_equity, "totalEquity")
    pnl = _reported(account.total_perp_upl, "totalPerpUPL")
    margin = _held(_reported(account.total_maintenance_margin, "totalMaintenanceMargin"),
                   "$.result.list[0].totalMaintenanceMargin")
    balance = _reported(account.total_margin_balance, "totalMarginBalance")  # the rate's base
    rate = _reported(account.account_mm_rate, "accountMMRate")
    gone = balance <= 0 and (margin or borrowed)  # exposed, no margin left: liquidating
    at_line = margin >= max(balance, equity) > 0  # MM at or past both bases: liquidating
    if equity > 0 and (rate < 0 or ((gone or at_line) and rate < LIQUIDATION_RATE)):
        raise _invalid(f"accountMMRate {rate} with a maintenance margin of {margin} over a "
                       f"margin balance of {balance} (equity {equity}) is neither a rate nor "
                       "at liquidation", "$.result.list[0].accountMMRate")
    available = _reported(account.total_available_balance, "totalAvailableBalance")
    with decimal.localcontext(_EXACT):
        total = equity - pnl + borrowed
    if total < 0:
        raise _invalid(f"totalEquity {equity} less totalPerpUPL {pnl} is below the liabilities "
                       f"({borrowed} USD)", "$.result.list[0].totalEquity")
    leverage: Ratio = (_WIDE.quantize(_WIDE.divide(total, equity), _CENTS) if equity > 0
                       else NOT_APPLICABLE)
    extras = {name: figure for name, figure in (
        ("account_im_rate", account.account_im_rate),
        ("total_initial_margin", account.total_initial_margin),
        ("total_margin_balance", account.total_margin_balance),
        ("total_wallet_balance", account.total_wallet_balance),
        ("total_available_balance", available if available < 0 else None),
        ("unified_margin_status", Decimal(info.unified_margin_status)),
    ) if figure is not None}
    try:
        health = MarginHealth.assess(
            metric=HealthMetric.MAINTENANCE_MARGIN_RATE, ratio=rate,
            liquidation_threshold=LIQUIDATION_RATE, equity=equity, debt=borrowed,
            maintenance_margin=margin)
        return MarginRisk(
            exchange=EXCHANGE, account=account_name, quote_asset=QUOTE_ASSET, total_value=total,
            available_value=max(available, _ZERO), borrowed_value=borrowed,
            interest_value=None,  # inside borrowed_value
            equity=equity, leverage=leverage, max_leverage=None, health=health,
            fetched_at=fetched_at, wallet=WalletKind.CASH, maintenance_margin=margin,
            unrealized_pnl=pnl, position_notional=None, extras=extras)
    except ValueError as exc:  # the figures contradict each other (framework/models.py)
        raise _invalid(str(exc), "$.result.list[0].totalEquity") from None


# -- prices ----------------------------------------------------------------------------------


def markets(instruments: Instruments) -> dict[str, Pair]:
    """Symbol -> pair of each spot market trading now; a market folio cannot name is left out."""
    found: dict[str, Pair] = {}
    pairs: set[Pair] = set()
    for i, row in enumerate(instruments.rows):
        if row.symbol in found:
            raise _invalid(f"symbol {row.symbol[:40]!r} is listed twice",
                           f"$.result.list[{i}].symbol")
        try:
            pair = Pair(row.base_coin, row.quote_coin)
        except ValueError:
            continue  # coins no holding is named by: nothing to value
        if row.status != "Trading":
            continue
        if pair in pairs:
            raise _invalid(f"two symbols trade {pair}", f"$.result.list[{i}]")
        pairs.add(pair)
        found[row.symbol] = pair
    return found


def prices(
    tickers: Tickers, known: Mapping[str, Pair], asked: Sequence[str] | None, *, source: str,
    at: datetime,
) -> list[Price]:
    """Last prices of ``asked`` symbols (all known ones: ``None``), each once, above zero.

    A symbol asked for and missing refuses the answer; one without a last trade (``""``) is
    left out, as is a market not trading.
    """
    seen: set[str] = set()
    result: list[Price] = []
    for i, row in enumerate(tickers.rows):
        if row.symbol in seen:
            raise _invalid(f"symbol {row.symbol[:40]!r} is listed twice",
                           f"$.result.list[{i}].symbol")
        seen.add(row.symbol)
        pair = known.get(row.symbol)
        if pair is None or (asked is not None and row.symbol not in asked):
            continue
        if row.last_price is None:
            continue
        if row.last_price <= 0:
            raise _invalid(f"the price of {row.symbol} must be above zero, got {row.last_price}",
                           f"$.result.list[{i}].lastPrice")
        result.append(Price(pair, row.last_price, EXCHANGE, source, at))
    missing = sorted(set(asked or ()) - seen)
    if missing:
        raise _invalid(f"symbols asked for are missing: {', '.join(missing)}", "$.result.list")
    return result
