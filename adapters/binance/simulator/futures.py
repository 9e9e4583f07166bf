"""The simulator's USD-M futures: accounts, answers and the ``/fapi/`` routes' logic.

Served on the same server as spot (a simulator is one host), with Binance's futures rules:
the futures budget of 2400 weight per minute per IP, metered apart from ``/api/`` and
``/sapi/`` (:mod:`.routes`, :mod:`.weights`), signed requests checked by the same
:mod:`.auth` as spot, and a key whose account has no futures refused with ``-2015`` (Binance
answers a key without *Enable Futures* so).

A :class:`SimFutures` is built from rows and positions given as exact strings (each checked
when it is made, as every simulator's amounts are: :mod:`adapters.simkit.amounts`), and what
Binance derives is derived here, with 8 decimals (docs/exchanges/binance.md, "USD-M futures"):

* per asset: ``marginBalance = walletBalance + unrealizedProfit``, ``initialMargin`` = position
  plus open-order initial margin, ``availableBalance`` = margin balance - initial margin (the
  relation of a captured live answer), ``maxWithdrawAmount`` = that without unrealised profit,
  between 0 and the wallet balance (a simulator's choice: Binance publishes no formula);
* per asset: ``unrealizedProfit`` and ``maintMargin`` are the sums over the positions margined
  in it, cross and isolated (checked when the account is made);
* Single-Asset mode: the totals are the USDT row's ("only for USDT asset"); an isolated
  position's wallet and PnL are in its margin asset's ``walletBalance`` and
  ``unrealizedProfit`` but not in its cross figures (``crossWalletBalance``, ``crossUnPnl``),
  and its ``isolatedMargin`` is its ``isolatedWallet`` plus its PnL;
* Multi-Assets mode: the totals are USD values at the account's ``asset_index``, as Binance's
  "How to Calculate Margin Ratio in the Multi-Assets Mode?" computes the account's equity: a
  positive amount at the asset's ``bidRate``, a negative one (a loan) at its ``askRate``
  (``min(amount * bidRate, amount * askRate)``), margins required at the ``askRate``.
  ``totalWalletBalance`` values each wallet balance so, ``totalMarginBalance`` each margin
  balance, and ``totalUnrealizedProfit`` is their difference (a simulator's choice: Binance
  publishes no formula for it); ``availableBalance`` is the margin balance less the initial
  margin, on every row as the documentation's sample shows.

``GET /fapi/v1/assetIndex`` is public: it serves one table for the whole server
(:func:`served_index`), every Multi-Assets account's entries and :data:`DEFAULT_INDEX` for the
futures' quote assets no account prices; two accounts pricing one asset differently is a
``ValueError`` when the simulator serves, as the totals would disagree with the index.

The seed (:func:`seed_futures`) serves the documentation's ``GET /fapi/v3/account`` example (the
official connector's strict-JSON copy, a Multi-Assets account) byte for byte, with the
documented ``GET /fapi/v1/accountConfig`` example whose ``multiAssetsMargin`` says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from importlib import resources
from typing import Any, Final

from adapters.simkit.amounts import check_fields

__all__ = ["DEFAULT_INDEX", "AssetIndex", "FuturesPosition", "FuturesRow", "SimFutures",
           "encode_account", "encode_asset_index", "encode_config", "seed_futures",
           "served_index"]

_EIGHT: Final = Decimal("0.00000001")
_ZERO: Final = Decimal(0)
_UPDATED: Final = 1625474304765


def _eight(value: Decimal) -> str:
    with localcontext() as context:
        context.prec = 200
        return format(value.quantize(_EIGHT, rounding=ROUND_HALF_EVEN), "f")


@dataclass(frozen=True, slots=True)
class FuturesRow:
    """One asset of the futures wallet; what Binance derives is derived (module docstring)."""

    asset: str
    wallet_balance: str
    unrealized_profit: str = "0.00000000"
    maint_margin: str = "0.00000000"
    position_initial_margin: str = "0.00000000"
    open_order_initial_margin: str = "0.00000000"

    def __post_init__(self) -> None:
        check_fields(self, ("wallet_balance", "unrealized_profit", "maint_margin",
                            "position_initial_margin", "open_order_initial_margin"),
                     f"futures {self.asset}")

    def number(self, name: str) -> Decimal:
        """The amount ``name`` as a ``Decimal``."""
        return Decimal(getattr(self, name))

    @property
    def initial_margin(self) -> Decimal:
        """Position plus open-order initial margin."""
        return self.number("position_initial_margin") + self.number("open_order_initial_margin")

    @property
    def available(self) -> Decimal:
        """Margin balance less the initial margin held."""
        return self.number("wallet_balance") + self.number("unrealized_profit") - (
            self.initial_margin)

    @property
    def max_withdraw(self) -> Decimal:
        """What may leave: available without unrealised profit, 0 to the wallet balance."""
        wallet = self.number("wallet_balance")
        free = self.available - max(self.number("unrealized_profit"), _ZERO)
        return max(_ZERO, min(free, wallet))


@dataclass(frozen=True, slots=True)
class FuturesPosition:
    """One open position, served as given (``notional`` signed, at the mark price)."""

    symbol: str
    position_amt: str
    notional: str
    unrealized_profit: str = "0.00000000"
    maint_margin: str = "0.00000000"
    initial_margin: str = "0.00000000"
    position_side: str = "BOTH"
    isolated_wallet: str = "0"
    """Not 0: an isolated position with this margin, in ``margin_asset``; it is part of that
    asset's ``walletBalance`` but not of its ``crossWalletBalance`` (nor its PnL of
    ``crossUnPnl``), and ``isolatedMargin`` is it plus the position's PnL."""
    margin_asset: str = "USDT"

    def __post_init__(self) -> None:
        check_fields(self, ("position_amt", "notional", "unrealized_profit", "maint_margin",
                            "initial_margin", "isolated_wallet"),
                     f"futures position {self.symbol}")

    def isolated(self, asset: str, name: str) -> Decimal:
        """The isolated wallet (``name`` ``isolated_wallet``) or PnL held apart in ``asset``."""
        if asset != self.margin_asset or not Decimal(self.isolated_wallet):
            return _ZERO
        return Decimal(getattr(self, name))


@dataclass(frozen=True, slots=True)
class AssetIndex:
    """One asset's USD index in Multi-Assets mode, and the buffers its rates are made with."""

    asset: str
    index: str
    bid_buffer: str = "0.00000000"
    ask_buffer: str = "0.00000000"
    auto_exchange_bid_buffer: str = "0.00000000"
    auto_exchange_ask_buffer: str = "0.00000000"

    def __post_init__(self) -> None:
        buffers = ("bid_buffer", "ask_buffer", "auto_exchange_bid_buffer",
                   "auto_exchange_ask_buffer")
        check_fields(self, ("index", *buffers), self.asset)
        if Decimal(self.index) <= 0:
            msg = f"{self.asset}'s index must be above 0, got {self.index}"
            raise ValueError(msg)
        for name in buffers:
            if not 0 <= Decimal(getattr(self, name)) < 1:
                msg = f"{self.asset}'s {name} must be from 0 to below 1"
                raise ValueError(msg)

    def rate(self, name: str, sign: int) -> Decimal:
        """``index * (1 - buffer)`` (``sign`` -1, a bid) or ``* (1 + buffer)``, to 8 decimals."""
        return Decimal(_eight(Decimal(self.index) * (1 + sign * Decimal(getattr(self, name)))))

    @property
    def bid(self) -> Decimal:
        """What a positive amount of the asset is worth in USD, per unit."""
        return self.rate("bid_buffer", -1)

    @property
    def ask(self) -> Decimal:
        """What an amount owed (or a margin required) costs in USD, per unit."""
        return self.rate("ask_buffer", 1)

    def usd(self, amount: Decimal) -> Decimal:
        """``min(amount * bidRate, amount * askRate)``: Binance's valuation of an equity."""
        return min(amount * self.bid, amount * self.ask)

    def document(self, now_ms: int) -> dict[str, Any]:
        """The entry as ``GET /fapi/v1/assetIndex`` answers it."""
        return {
            "symbol": f"{self.asset}USD", "time": now_ms, "index": _eight(Decimal(self.index)),
            "bidBuffer": _eight(Decimal(self.bid_buffer)),
            "askBuffer": _eight(Decimal(self.ask_buffer)),
            "bidRate": _eight(self.bid), "askRate": _eight(self.ask),
            "autoExchangeBidBuffer": _eight(Decimal(self.auto_exchange_bid_buffer)),
            "autoExchangeAskBuffer": _eight(Decimal(self.auto_exchange_ask_buffer)),
            "autoExchangeBidRate": _eight(self.rate("auto_exchange_bid_buffer", -1)),
            "autoExchangeAskRate": _eight(self.rate("auto_exchange_ask_buffer", 1)),
        }


DEFAULT_INDEX: Final = (
    AssetIndex("USDT", "1.00000000", "0.00010000", "0.00010000", "0.00010000", "0.00010000"),
    AssetIndex("USDC", "1.00000000", "0.00010000", "0.00010000", "0.00010000", "0.00010000"),
)
"""The simulator's index of its futures' quote assets (a 99.99% collateral value, as Binance's
Multi-Assets page lists for USDT and USDC) where no account prices them."""


@dataclass(frozen=True)
class SimFutures:
    """A USD-M futures account: its mode, its rows and positions, or verbatim answers."""

    rows: Sequence[FuturesRow] = ()
    positions: Sequence[FuturesPosition] = ()
    multi_assets: bool = False
    asset_index: Sequence[AssetIndex] = ()
    """Multi-Assets mode: each row's asset index, which the USD totals are valued at."""
    dual_side: bool = False
    verbatim: Mapping[str, bytes] = field(default_factory=dict)
    """Exact bodies per route name (``futures/account``, ``futures/accountConfig``)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", tuple(self.rows))
        object.__setattr__(self, "positions", tuple(self.positions))
        assets = [row.asset for row in self.rows]
        if len(set(assets)) != len(assets):
            msg = f"an asset is listed twice in the futures rows: {assets}"
            raise ValueError(msg)
        object.__setattr__(self, "asset_index", tuple(self.asset_index))
        indexed = [entry.asset for entry in self.asset_index]
        if len(set(indexed)) != len(indexed):
            msg = f"an asset is indexed twice: {indexed}"
            raise ValueError(msg)
        if self.multi_assets and any(Decimal(p.isolated_wallet) for p in self.positions):
            msg = "Multi-Assets mode supports cross margin only: no isolated position"
            raise ValueError(msg)
        self._rows_are_their_positions(assets)
        missing = [a for a in assets if a not in indexed]
        if self.multi_assets and missing:
            msg = f"Multi-Assets totals need an asset index for {', '.join(missing)}"
            raise ValueError(msg)


    def _rows_are_their_positions(self, assets: Sequence[str]) -> None:
        """Binance derives an asset's PnL and maintenance margin from its positions: so here.

        Each row's ``unrealized_profit`` and ``maint_margin`` must be the sums over the
        positions margined in it, cross and isolated alike (an isolated position's are in its
        asset's row, as its wallet is; only the cross figures leave them out), and every
        position's margin asset must have a row.
        """
        orphans = [p.symbol for p in self.positions if p.margin_asset not in assets]
        if orphans:
            msg = f"positions margined in an asset without a row: {', '.join(orphans)}"
            raise ValueError(msg)
        for row in self.rows:
            for name in ("unrealized_profit", "maint_margin"):
                held = sum((Decimal(getattr(p, name)) for p in self.positions
                            if p.margin_asset == row.asset), _ZERO)
                if held != row.number(name):
                    msg = (f"futures {row.asset} {name} {getattr(row, name)} is not its "
                           f"positions' sum {held}, which Binance derives it from")
                    raise ValueError(msg)


def _apart(futures: SimFutures, asset: str, name: str) -> Decimal:
    return sum((p.isolated(asset, name) for p in futures.positions), _ZERO)


def _row_document(row: FuturesRow, available: Decimal, futures: SimFutures) -> dict[str, Any]:
    wallet, pnl = row.number("wallet_balance"), row.number("unrealized_profit")
    cross = _eight(wallet - _apart(futures, row.asset, "isolated_wallet"))
    cross_pnl = _eight(pnl - _apart(futures, row.asset, "unrealized_profit"))
    return {
        "asset": row.asset, "walletBalance": row.wallet_balance,
        "unrealizedProfit": row.unrealized_profit, "marginBalance": _eight(wallet + pnl),
        "maintMargin": row.maint_margin, "initialMargin": _eight(row.initial_margin),
        "positionInitialMargin": row.position_initial_margin,
        "openOrderInitialMargin": row.open_order_initial_margin,
        "crossWalletBalance": cross, "crossUnPnl": cross_pnl,
        "availableBalance": _eight(available), "maxWithdrawAmount": _eight(row.max_withdraw),
        "updateTime": _UPDATED,
    }


def _totals(futures: SimFutures) -> dict[str, Decimal]:
    """The account's totals: the USDT row's (Single-Asset), USD values (Multi-Assets)."""
    if futures.multi_assets:
        index = {entry.asset: entry for entry in futures.asset_index}
        rows = [(row, index[row.asset]) for row in futures.rows]

        def usd(value: Any, *, owed: bool = False) -> Decimal:
            return Decimal(_eight(sum(
                ((value(r) * i.ask) if owed else i.usd(value(r)) for r, i in rows), _ZERO)))
    else:
        usdt = [row for row in futures.rows if row.asset == "USDT"]

        def usd(value: Any, *, owed: bool = False) -> Decimal:
            del owed  # Single-Asset totals are USDT amounts
            return Decimal(_eight(sum((value(row) for row in usdt), _ZERO)))

    wallet = usd(lambda r: r.number("wallet_balance"))
    margin = usd(lambda r: r.number("wallet_balance") + r.number("unrealized_profit"))
    initial = usd(lambda r: r.initial_margin, owed=True)
    return {
        "totalInitialMargin": initial,
        "totalMaintMargin": usd(lambda r: r.number("maint_margin"), owed=True),
        "totalWalletBalance": wallet,
        "totalUnrealizedProfit": margin - wallet,
        "totalMarginBalance": margin,
        "totalPositionInitialMargin": usd(lambda r: r.number("position_initial_margin"),
                                          owed=True),
        "totalOpenOrderInitialMargin": usd(lambda r: r.number("open_order_initial_margin"),
                                           owed=True),
        "totalCrossWalletBalance": wallet - _apart(futures, "USDT", "isolated_wallet"),
        "totalCrossUnPnl": margin - wallet - _apart(futures, "USDT", "unrealized_profit"),
        "availableBalance": margin - initial,
        "maxWithdrawAmount": usd(lambda r: r.max_withdraw),
    }


def encode_account(futures: SimFutures) -> bytes:
    """``GET /fapi/v3/account``: verbatim, or built from the rows and positions."""
    verbatim = futures.verbatim.get("futures/account")
    if verbatim is not None:
        return verbatim
    totals = _totals(futures)
    shared = totals["availableBalance"] if futures.multi_assets else None
    document: dict[str, Any] = {name: _eight(value) for name, value in totals.items()}
    document["assets"] = [
        _row_document(row, row.available if shared is None else shared, futures)
        for row in futures.rows
    ]
    document["positions"] = [
        {"symbol": p.symbol, "positionSide": p.position_side, "positionAmt": p.position_amt,
         "unrealizedProfit": p.unrealized_profit, "notional": p.notional,
         "isolatedMargin": _eight(p.isolated(p.margin_asset, "isolated_wallet")
                                  + p.isolated(p.margin_asset, "unrealized_profit")),
         "isolatedWallet": p.isolated_wallet, "initialMargin": p.initial_margin,
         "maintMargin": p.maint_margin, "updateTime": _UPDATED}
        for p in futures.positions
    ]
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def served_index(accounts: Iterable[SimFutures | None]) -> dict[str, AssetIndex]:
    """The server's asset index by symbol: the accounts' entries, else :data:`DEFAULT_INDEX`."""
    table: dict[str, AssetIndex] = {}
    for futures in accounts:
        for entry in futures.asset_index if futures is not None else ():
            known = table.setdefault(f"{entry.asset}USD", entry)
            if known != entry:
                msg = f"two accounts index {entry.asset} differently: {known} and {entry}"
                raise ValueError(msg)
    for entry in DEFAULT_INDEX:
        table.setdefault(f"{entry.asset}USD", entry)
    return table


def encode_asset_index(
    table: Mapping[str, AssetIndex], symbol: str | None, now_ms: int
) -> bytes | None:
    """``GET /fapi/v1/assetIndex``: one object for ``symbol``, else every entry in a list.

    ``None``: no such symbol (the caller answers -1121).
    """
    if symbol is None:
        return json.dumps([table[name].document(now_ms) for name in sorted(table)],
                          separators=(",", ":")).encode("utf-8")
    entry = table.get(symbol)
    return None if entry is None else json.dumps(
        entry.document(now_ms), separators=(",", ":")).encode("utf-8")


def encode_config(futures: SimFutures) -> bytes:
    """``GET /fapi/v1/accountConfig``: the account mode and flags."""
    verbatim = futures.verbatim.get("futures/accountConfig")
    if verbatim is not None:
        return verbatim
    return json.dumps({
        "feeTier": 0, "canTrade": True, "canDeposit": True, "canWithdraw": True,
        "dualSidePosition": futures.dual_side, "updateTime": 0,
        "multiAssetsMargin": futures.multi_assets, "tradeGroupId": -1,
    }, separators=(",", ":")).encode("utf-8")


SEED_FILES: Final = {
    "futures/account": "seed_futures_account.json",
    "futures/accountConfig": "seed_futures_config.json",
}


def seed_futures() -> SimFutures:
    """The documentation's examples, served byte for byte (see the module docstring)."""
    data = resources.files(__package__) / "data"
    return SimFutures(
        multi_assets=True, asset_index=[AssetIndex("USDT", "1")], dual_side=True,
        rows=[FuturesRow("USDT", "23.72469206")],
        verbatim={route: (data / name).read_bytes() for route, name in SEED_FILES.items()},
    )
