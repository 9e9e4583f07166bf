"""``/fapi/`` JSON -> wire classes -> the ``futures`` wallet and its risk, exactly or refused.

What each figure means (docs/exchanges/binance.md, "USD-M futures"):

* **Rows** (``assets`` of ``GET /fapi/v3/account``): ``total`` is ``walletBalance``, the ledger
  without unrealised PnL, and ``unrealized_pnl`` is ``unrealizedProfit``, apart: ``net`` never
  holds PnL, ``equity`` (net + PnL) does. A negative ``walletBalance`` (Multi-Assets mode's
  implicit loan) is a debt: ``total`` 0, ``borrowed`` what is owed. ``available`` is per asset:
  USDT's ``availableBalance`` in Single-Asset mode; in Multi-Assets mode every row's
  ``availableBalance`` is the account's USD figure, and in Single-Asset mode the documented
  USDC row's is more than it holds, so every other row's own ``maxWithdrawAmount`` is used.
  A negative figure (margin held above the margin balance) is 0 usable.
  ``locked`` (``max(total + unrealized_pnl, 0) - available``: the margin positions and orders
  hold; a loss beyond the asset's ledger leaves it holding nothing, the excess carried by other
  collateral and shown in a negative ``equity``) below zero, or ``marginBalance`` other than
  ``walletBalance + unrealizedProfit``, refuse the answer at the field.
* **Risk**: one risk pool per answer. Multi-Assets mode is one pool in USD (the totals). A
  negative ``walletBalance`` there is a loan netted into ``totalWalletBalance``: its USD value
  is what is owed at the asset's ``askRate`` of ``GET /fapi/v1/assetIndex`` (Binance values a
  negative asset equity at the ask rate, a positive one at the bid rate), never less than the
  net deficit Binance reports; ``total_value`` is ``totalWalletBalance`` plus that, so
  ``equity`` stays Binance's ``totalMarginBalance`` and the model's identity holds exactly.
  Without positions such an account has no cushion: its health is the margin level (what is
  held over what is owed), unrated (Binance auto-exchanges at an LTV whose formula it does
  not publish).
  Single-Asset mode margins each asset on its own, and the totals are USDT's only (checked
  against the USDT row): the pool is the one exposed asset (positions needing maintenance
  margin, or a negative wallet or margin balance: a debt in that pool), reported with its own
  row's figures; the USDT totals when none is, and an
  :class:`~framework.errors.AccountStateError` naming the pools when several are. The health
  is *cushion*, margin balance / maintenance margin, liquidated at 1, divided here to
  :data:`~framework.valuation.DIVISION_DIGITS` significant digits (Binance sends no ratio).
  ``position_notional`` sums the positions' ``notional``, which is in each symbol's quote
  asset: the pool's own in Single-Asset mode; in Multi-Assets mode USDT and USDC amounts are
  not USD, and no USD value is sent, so it is not reported.
* **Isolated positions** (Single-Asset mode only; docs/host-api.md, "Risk per wallet": the
  weakest pool decides). A position whose ``isolatedWallet`` or ``isolatedMargin`` is not 0 is
  liquidated on its own: its margin balance ``isolatedWallet + unrealizedProfit`` (Binance's
  ``isolatedMargin``, checked to one unit in its last place) over its ``maintMargin``. The
  cross pool is what is left: the pool row's ``crossWalletBalance`` plus its PnL less the
  isolated positions' (not ``crossUnPnl``, which V3 was reported to fill with the isolated PnL
  too) over the cross positions' ``maintMargin``. The amounts stay the pool asset's (its wallet
  and PnL hold the isolated wallets and PnL); ``health.value`` is the lowest of those ratios, a
  position without maintenance margin having none. An asset's ``walletBalance -
  crossWalletBalance`` is its isolated wallets, so an asset holding any is exposed, and every
  isolated position is the one exposed pool's: its row must hold their wallets, every other
  row none, and the positions' ``maintMargin`` must add up to the pool's (each figure to one
  unit in its last place), or the answer is refused at the field. Multi-Assets mode is cross
  margin only: an isolated wallet there contradicts the mode and is refused alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any, Final

from adapters.binance.convert import EXCHANGE
from adapters.binance_futures.wire import (
    WIRE_CLASSES,
    AccountConfig,
    AssetIndex,
    FuturesAccount,
    FuturesAsset,
    FuturesPosition,
)
from adapters.kit.strict import WireReader, check_asset_codes, last_place
from framework.errors import AccountStateError, InvalidResponseError
from framework.models import (
    EXACT,
    NOT_APPLICABLE,
    AssetBalance,
    BalanceSnapshot,
    HealthMetric,
    MarginHealth,
    MarginRisk,
    Ratio,
    WalletKind,
)
from framework.valuation import DIVISION_DIGITS

__all__ = ["LIQUIDATION_CUSHION", "ask_rates", "futures_risk", "futures_snapshot",
           "loan_symbols", "structure"]

LIQUIDATION_CUSHION: Final = Decimal(1)
"""Binance liquidates when maintenance margin reaches the margin balance ("margin ratio 100%")."""
SINGLE_ASSET_QUOTE: Final = "USDT"
"""Single-Asset mode's totals are "only for USDT asset"."""
MULTI_ASSETS_QUOTE: Final = "USD"
"""Multi-Assets mode's totals are USD values (Binance's index), not USDT."""

_EXTRAS: Final = (
    *((f"total_{name}", f"total_{name}", name) for name in (
        "initial_margin", "position_initial_margin", "open_order_initial_margin",
        "cross_wallet_balance")),
    ("total_cross_un_pnl", "total_cross_un_pnl", "cross_un_pnl"),
)
"""Risk extras: (name, the account's total, a pool row's own figure)."""
_READER: Final = WireReader(EXCHANGE, WIRE_CLASSES, top_level=(list[AssetIndex],))
_DIVIDE: Final = Context(prec=DIVISION_DIGITS, rounding=ROUND_HALF_EVEN)
_ZERO: Final = Decimal(0)


def structure(payload: Any, wire_type: Any, *, path: str = "$") -> Any:
    """``payload`` as ``wire_type``, or :class:`InvalidResponseError` naming every JSON path."""
    return _READER.structure(payload, wire_type, path=path)


def _invalid(detail: str, field: str) -> InvalidResponseError:
    return InvalidResponseError(detail, field=field, exchange=EXCHANGE)


def _at_least_zero(value: Decimal, field: str) -> Decimal:
    if value < 0:
        raise _invalid(f"a negative amount where only zero or more makes sense: {value}", field)
    return value


def _check_margin_balance(wallet: Decimal, pnl: Decimal, stated: Decimal, field: str) -> None:
    if EXACT.add(wallet, pnl) != stated:
        raise _invalid(f"a margin balance of {stated} is not the wallet balance {wallet} plus "
                       f"the unrealized profit {pnl}; refusing an answer that contradicts "
                       "itself", field)


# -- the futures wallet ----------------------------------------------------------------------


def _checked_rows(account: FuturesAccount) -> None:
    """Each asset named plainly and once, its margin balance its wallet plus its PnL."""
    check_asset_codes([row.asset for row in account.assets],
                      path=lambda i: f"$.assets[{i}].asset", exchange=EXCHANGE)
    for i, row in enumerate(account.assets):
        _check_margin_balance(row.wallet_balance, row.unrealized_profit, row.margin_balance,
                              f"$.assets[{i}].marginBalance")


def _row(row: FuturesAsset, at: str, *, multi_assets: bool) -> AssetBalance:
    wallet, pnl = row.wallet_balance, row.unrealized_profit
    total = max(wallet, _ZERO)
    # Per asset: USDT's availableBalance is the account's in Single-Asset mode ("only for USDT
    # asset"); every other row's, and every row's in Multi-Assets mode, may not be the asset's
    # (the documented examples show the account's figure), so its own maxWithdrawAmount is.
    own = multi_assets or row.asset != SINGLE_ASSET_QUOTE
    field = "maxWithdrawAmount" if own else "availableBalance"
    stated = row.max_withdraw_amount if own else row.available_balance
    available = max(stated, _ZERO)
    # A loss beyond the asset's ledger leaves it holding nothing (the excess is carried by other
    # collateral in Multi-Assets mode, and shows in a negative equity): AssetBalance.locked.
    held = max(EXACT.add(total, pnl), _ZERO)
    if available > held:
        raise _invalid(f"{stated} available of {row.asset[:40]!r} is more than its wallet "
                       f"balance {wallet} with unrealized profit {pnl} holds: the margin held "
                       "would be negative", f"{at}.{field}")
    return AssetBalance(asset=row.asset, total=total, available=available,
                        borrowed=max(-wallet, _ZERO), unrealized_pnl=pnl)


def _is_empty(row: FuturesAsset, *, multi_assets: bool) -> bool:
    """All the row's own amounts zero (Multi-Assets mode's availableBalance is the account's)."""
    return not any((row.wallet_balance, row.unrealized_profit, row.maint_margin,
                    not multi_assets and row.available_balance, row.max_withdraw_amount))


def futures_snapshot(
    account: FuturesAccount, config: AccountConfig, *, account_name: str,
    fetched_at: datetime, omit_zero: bool = True,
) -> BalanceSnapshot:
    """The ``futures`` wallet (see the module docstring); ``omit_zero`` drops all-zero rows."""
    _checked_rows(account)
    multi = config.multi_assets_margin
    rows = [
        _row(row, f"$.assets[{i}]", multi_assets=multi) for i, row in enumerate(account.assets)
        if not (omit_zero and _is_empty(row, multi_assets=multi))
    ]
    return BalanceSnapshot(EXCHANGE, account_name, WalletKind.FUTURES, rows, fetched_at)


# -- futures risk ----------------------------------------------------------------------------


def _single_asset_totals(account: FuturesAccount) -> None:
    """Single-Asset mode's totals are the USDT row's figures.

    Checked, so that a mode read wrong (or changed between the two reads) is refused rather
    than reported in the wrong currency. Not ``totalCrossUnPnl``: the figure is reported as
    sent, never read (:func:`_cross`), and the others tell the currency already.
    """
    usdt = next((row for row in account.assets if row.asset == SINGLE_ASSET_QUOTE), None)
    for total, name in (
        (account.total_wallet_balance, "wallet_balance"),
        (account.total_unrealized_profit, "unrealized_profit"),
        (account.total_margin_balance, "margin_balance"),
        (account.total_maint_margin, "maint_margin"),
        (account.total_cross_wallet_balance, "cross_wallet_balance"),
    ):
        row_value = getattr(usdt, name) if usdt is not None else _ZERO
        if total is not None and row_value is not None and total != row_value:
            key = "total" + "".join(part.title() for part in name.split("_"))
            raise _invalid(f"{key} {total} is not the USDT row's {row_value}, as Single-Asset "
                           "mode's totals must be; refusing an answer whose currency is unclear",
                           f"$.{key}")


def _pool(account: FuturesAccount, multi_assets: bool) -> tuple[str, FuturesAsset | None]:
    """The risk pool's quote and its row (``None``: the account's totals)."""
    if multi_assets:
        return MULTI_ASSETS_QUOTE, None
    _single_asset_totals(account)
    # Exposed: positions need margin, the asset's pool is under water (a debt in it), or it
    # holds isolated wallets (an open isolated position's margin).
    pools = [row for i, row in enumerate(account.assets)
             if row.maint_margin > 0 or row.wallet_balance < 0 or row.margin_balance < 0
             or _cross(row, i) != row.wallet_balance]
    if len(pools) > 1:
        names = ", ".join(row.asset[:40] for row in pools)
        raise AccountStateError(
            f"Single-Asset mode margins each asset on its own and {len(pools)} of them have "
            f"positions or a negative balance ({names}): one risk profile cannot stand for the "
            "account", exchange=EXCHANGE)
    if not pools or pools[0].asset == SINGLE_ASSET_QUOTE:
        return SINGLE_ASSET_QUOTE, None
    return pools[0].asset, pools[0]


def loan_symbols(account: FuturesAccount, config: AccountConfig) -> tuple[str, ...]:
    """The asset index symbols (``USDTUSD``) of Multi-Assets mode's loans, each once."""
    if not config.multi_assets_margin:
        return ()
    return tuple(dict.fromkeys(f"{row.asset}USD" for row in account.assets
                               if row.wallet_balance < 0))


def ask_rates(payload: Any, symbols: Sequence[str]) -> dict[str, Decimal]:
    """Each of ``symbols``' ``askRate`` from ``GET /fapi/v1/assetIndex``, or refused.

    One symbol asked is one object, several a list of all; a symbol listed twice, one asked
    and missing, or an ask rate below its index (a buffer never makes a debt cheaper) or an
    index not above zero refuses the answer at its field.
    """
    one = len(symbols) == 1
    entries = [structure(payload, AssetIndex)] if one else structure(payload, list[AssetIndex])
    rates: dict[str, Decimal] = {}
    for i, entry in enumerate(entries):
        at = "$" if one else f"$[{i}]"
        if entry.symbol in rates:
            raise _invalid(f"{entry.symbol[:40]!r} is listed twice", f"{at}.symbol")
        if entry.index <= 0 or entry.ask_rate < entry.index:
            raise _invalid(f"an ask rate of {entry.ask_rate} for an index of {entry.index}: "
                           "a debt is never valued below a positive index", f"{at}.askRate")
        rates[entry.symbol] = entry.ask_rate
    missing = [symbol for symbol in symbols if symbol not in rates]
    if missing:
        raise _invalid(f"no index of {', '.join(missing)}, which the account owes",
                       "$.symbol" if one else "$")
    return {symbol: rates[symbol] for symbol in symbols}


def _loan_value(account: FuturesAccount, rates: Mapping[str, Decimal]) -> Decimal:
    """Multi-Assets mode's loans in USD at their ask rates, at least the net deficit sent."""
    owed = _ZERO
    for row in account.assets:
        if row.wallet_balance < 0:
            owed = EXACT.add(owed, EXACT.multiply(-row.wallet_balance, rates[f"{row.asset}USD"]))
    if account.total_wallet_balance < 0 and not owed:
        raise _invalid(f"a total wallet balance of {account.total_wallet_balance} USD while no "
                       "asset's wallet balance is negative", "$.totalWalletBalance")
    # The index moves between the two reads: what Binance nets is never less than owed.
    return max(owed, -account.total_wallet_balance)


def _cross(row: FuturesAsset, i: int) -> Decimal:
    """The row's ``crossWalletBalance``: a risk read tells the cross pool's wallet by it.

    Not its ``crossUnPnl``: V3's was reported to hold the isolated positions' PnL as well, a
    bug by Binance's own word (docs/exchanges/binance.md, "Isolated positions"), so the cross
    PnL is the row's less the isolated positions' (:func:`_weakest`).
    """
    if row.cross_wallet_balance is None:
        raise _invalid("crossWalletBalance is missing: the risk read tells the cross pool from "
                       "isolated margin by it", f"$.assets[{i}].crossWalletBalance")
    return row.cross_wallet_balance


def _checked_positions(account: FuturesAccount) -> None:
    """Each position listed once (a symbol and side): one listed twice would count twice."""
    seen: set[tuple[str, str | None]] = set()
    for i, p in enumerate(account.positions):
        if (p.symbol, p.position_side) in seen:
            raise _invalid(f"position {p.symbol[:40]!r} {str(p.position_side)[:10]} is listed "
                           "twice; refusing to guess which entry is right",
                           f"$.positions[{i}].symbol")
        seen.add((p.symbol, p.position_side))


def _is_isolated(position: FuturesPosition) -> bool:
    """A cross position's ``isolatedWallet`` and ``isolatedMargin`` are 0 (CCXT reads V3 so)."""
    return bool(position.isolated_wallet or position.isolated_margin)


def _slack(*figures: Decimal) -> Decimal:
    """Each figure rounded on its own: one unit in its last place (a zero is exact)."""
    return sum((last_place(figure) for figure in figures if figure), _ZERO)


def _add_up(whole: Decimal, parts: Sequence[Decimal], slack: Decimal, detail: str,
            field: str) -> None:
    total = sum(parts, _ZERO)
    if abs(EXACT.subtract(whole, total)) > slack:
        raise _invalid(f"{detail}: {whole} stated, {total} from the positions; refusing an "
                       "answer that contradicts itself", field)


def _isolated(account: FuturesAccount, home: FuturesAsset | None,
              *, multi: bool) -> list[FuturesPosition]:
    """The isolated positions, each checked against its pool's row (module docstring).

    ``home`` is the one exposed pool's row (USDT's when none is): the row holding every
    isolated wallet. Each row's wallet less its ``crossWalletBalance`` must be what its
    isolated positions hold, the home row's all of them, every other row's (and in Multi-Assets
    mode, cross margin only, every row's) nothing.
    """
    found = [(i, p) for i, p in enumerate(account.positions) if _is_isolated(p)]
    for i, p in found:
        at = f"$.positions[{i}]"
        if multi or home is None:
            raise _invalid(f"{p.symbol[:40]!r} holds an isolated wallet of {p.isolated_wallet}"
                           ", which " + ("Multi-Assets mode, cross margin only, cannot hold"
                                         if multi else "no asset's row holds"),
                           f"{at}.isolatedWallet")
        if p.isolated_margin is not None:
            _add_up(p.isolated_margin, (p.isolated_wallet, p.unrealized_profit),
                    _slack(p.isolated_margin, p.unrealized_profit),
                    f"{p.symbol[:40]}'s isolatedMargin (its isolatedWallet + unrealizedProfit)",
                    f"{at}.isolatedMargin")
    for j, row in enumerate(account.assets):
        parts = [p.isolated_wallet for _, p in found] if row is home else []
        cross = _cross(row, j)
        _add_up(EXACT.subtract(row.wallet_balance, cross), parts,
                _slack(row.wallet_balance, cross, *parts), f"{row.asset[:40]}'s isolated "
                "wallets (its crossWalletBalance apart)", f"$.assets[{j}].crossWalletBalance")
    return [p for _, p in found]


def _weakest(account: FuturesAccount, home: FuturesAsset, margin: Decimal,
             at: str) -> tuple[Decimal | None, Decimal | None]:
    """The cross pool's ratio and the weakest isolated position's (``None``: no margin needed).

    The positions' maintenance margins must add up to the pool's: the cross pool's is the sum
    over its positions, and a position missing from the answer would raise its ratio. The
    cross pool's equity is its ``crossWalletBalance`` plus the row's PnL less the isolated
    positions' (never ``crossUnPnl``, :func:`_cross`): with the isolated margin balances it
    makes up the row's margin balance exactly.
    """
    maints = [_at_least_zero(p.maint_margin, f"$.positions[{i}].maintMargin")
              for i, p in enumerate(account.positions)]
    _add_up(margin, maints, _slack(margin, *maints), "the pool's maintenance margin (its "
            "positions' maintMargin)", at)
    cross_margin = sum((p.maint_margin for p in account.positions if not _is_isolated(p)),
                       _ZERO)
    isolated_pnl = sum((p.unrealized_profit for p in account.positions if _is_isolated(p)),
                       _ZERO)
    cross_equity = EXACT.add(_cross(home, account.assets.index(home)),
                             EXACT.subtract(home.unrealized_profit, isolated_pnl))
    ratios = [_DIVIDE.divide(EXACT.add(p.isolated_wallet, p.unrealized_profit), p.maint_margin)
              for p in account.positions  # none without maintenance margin: not liquidated
              if _is_isolated(p) and p.maint_margin > 0]
    return (_DIVIDE.divide(cross_equity, cross_margin) if cross_margin > 0 else None,
            min(ratios, default=None))


def futures_risk(
    account: FuturesAccount, config: AccountConfig, *, account_name: str, fetched_at: datetime,
    rates: Mapping[str, Decimal] | None = None,
) -> MarginRisk:
    """The futures account's risk pool (see the module docstring).

    ``rates``: the ask rates of :func:`loan_symbols` (:func:`ask_rates`), when there are any.
    """
    _checked_rows(account)  # the rows are part of the answer: checked alike
    _checked_positions(account)
    multi = config.multi_assets_margin
    quote, row = _pool(account, multi)
    home = row if row is not None or multi else next(
        (usdt for usdt in account.assets if usdt.asset == SINGLE_ASSET_QUOTE), None)
    isolated = _isolated(account, home, multi=multi)
    if row is None:
        wallet, pnl = account.total_wallet_balance, account.total_unrealized_profit
        equity, margin = account.total_margin_balance, account.total_maint_margin
        _check_margin_balance(wallet, pnl, equity, "$.totalMarginBalance")
        available: Decimal | None = max(account.available_balance, _ZERO)
        at, withdraw = "$", account.max_withdraw_amount
    else:  # another asset's pool: its availableBalance may be the USDT figure (undocumented)
        wallet, pnl, equity = row.wallet_balance, row.unrealized_profit, row.margin_balance
        margin, available, withdraw = row.maint_margin, None, row.max_withdraw_amount
        at = f"$.assets[{account.assets.index(row)}]"
    field = f"{at}.{'totalMaintMargin' if row is None else 'maintMargin'}"
    margin = _at_least_zero(margin, field)
    owed = _loan_value(account, rates or {}) if multi else max(-wallet, _ZERO)
    total = EXACT.add(wallet, owed) if multi else max(wallet, _ZERO)
    metric, weakest = HealthMetric.CUSHION, None
    threshold: Decimal | None = LIQUIDATION_CUSHION
    if isolated and home is not None:  # the weakest pool decides (module docstring)
        cross_ratio, weakest = _weakest(account, home, margin, field)
        ratio = min((r for r in (cross_ratio, weakest) if r is not None), default=None)
    else:
        cross_ratio = _DIVIDE.divide(equity, margin) if margin > 0 else None
        ratio = cross_ratio if equity > 0 else None
    if multi and owed > 0 and not margin:  # a loan without positions: no cushion to show
        metric, threshold, ratio = HealthMetric.MARGIN_LEVEL, None, _DIVIDE.divide(total, owed)
    try:
        health = MarginHealth.assess(
            metric=metric, ratio=ratio, liquidation_threshold=threshold,
            equity=equity, debt=owed, maintenance_margin=margin)
    except ValueError as exc:
        raise _invalid(f"{exc}; refusing an answer that contradicts itself", at) from None
    leverage: Ratio = _DIVIDE.divide(total, equity) if equity > 0 else NOT_APPLICABLE
    # A position's notional is in its symbol's quote (USDT, USDC): the pool's own currency in
    # Single-Asset mode, but not USD, so Multi-Assets mode's is not reported (None).
    notional: Decimal | None = sum((abs(p.notional) for p in account.positions), _ZERO)
    if quote == MULTI_ASSETS_QUOTE and notional:
        notional = None
    # The totals are USDT's: another asset's pool reports its own row's figures.
    extras = {name: figure for name, total, own in _EXTRAS if (
        figure := getattr(account, total) if row is None else getattr(row, own)) is not None}
    extras["max_withdraw_amount"] = withdraw
    extras["isolated_positions"] = Decimal(sum(1 for p in isolated if p.maint_margin > 0))
    for name, value in (("cross_ratio", cross_ratio), ("weakest_isolated_ratio", weakest)):
        if value is not None:
            extras[name] = value
    for symbol in loan_symbols(account, config):
        extras[f"ask_rate_{symbol}"] = (rates or {})[symbol]  # what valued the loan
    return MarginRisk(
        exchange=EXCHANGE, account=account_name, quote_asset=quote, total_value=total,
        available_value=available, borrowed_value=owed, interest_value=None, equity=equity,
        leverage=leverage, max_leverage=None, health=health, fetched_at=fetched_at,
        wallet=WalletKind.FUTURES, maintenance_margin=margin, unrealized_pnl=pnl,
        position_notional=notional, extras=extras,
    )
