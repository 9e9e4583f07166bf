"""The simulator's USD-M futures: accounts, answers and the ``/fapi/`` routes' logic.

Served on the same server as spot (a simulator is one host), with Binance's futures rules:
the futures budget of 2400 weight per minute per IP, metered apart from ``/api/`` and
``/sapi/`` (:mod:`.routes`, :mod:`.weights`), signed requests checked by the same
:mod:`.auth` as spot, and a key whose account has no futures refused with ``-2015`` (Binance
answers a key without *Enable Futures* so).

A :class:`SimFutures` is built from rows and positions given as exact strings, and what
Binance derives is derived here, with 8 decimals (docs/exchanges/binance.md, "USD-M futures"):

* per asset: ``marginBalance = walletBalance + unrealizedProfit``, ``initialMargin`` = position
  plus open-order initial margin, ``availableBalance`` = margin balance - initial margin (the
  relation of a captured live answer), ``maxWithdrawAmount`` = that without unrealised profit,
  between 0 and the wallet balance (a simulator's choice: Binance publishes no formula);
* Single-Asset mode: the totals are the USDT row's ("only for USDT asset");
* Multi-Assets mode: the totals are USD sums at ``usd_prices``, ``totalMarginBalance`` is
  ``totalWalletBalance + totalUnrealizedProfit``, and every row's ``availableBalance`` is the
  account's USD figure, as the documentation's sample shows.

The seed (:func:`seed_futures`) serves the documentation's ``GET /fapi/v3/account`` example (the
official connector's strict-JSON copy, a Multi-Assets account) byte for byte, with the
documented ``GET /fapi/v1/accountConfig`` example whose ``multiAssetsMargin`` says so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from importlib import resources
from typing import Any, Final

__all__ = ["FuturesPosition", "FuturesRow", "SimFutures", "encode_account", "encode_config",
           "seed_futures"]

_EIGHT: Final = Decimal("0.00000001")
_ZERO: Final = Decimal(0)
_UPDATED: Final = 1625474304765


def _eight(value: Decimal) -> str:
    with localcontext() as context:
        context.prec = 200
        return format(value.quantize(_EIGHT, rounding=ROUND_HALF_EVEN), "f")


def _checked(value: str, where: str) -> Decimal:
    try:
        number = Decimal(value)
    except Exception:
        number = Decimal("NaN")
    if not number.is_finite():
        msg = f'{where}: amount must be a decimal string like "12.5", got {value!r}'
        raise ValueError(msg)
    return number


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
        for name in ("wallet_balance", "unrealized_profit", "maint_margin",
                     "position_initial_margin", "open_order_initial_margin"):
            _checked(getattr(self, name), f"futures {self.asset} {name}")

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


@dataclass(frozen=True)
class SimFutures:
    """A USD-M futures account: its mode, its rows and positions, or verbatim answers."""

    rows: Sequence[FuturesRow] = ()
    positions: Sequence[FuturesPosition] = ()
    multi_assets: bool = False
    usd_prices: Mapping[str, str] = field(default_factory=dict)
    """Multi-Assets mode: the USD value of one unit of each asset (Binance's index)."""
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
        if self.multi_assets:
            missing = [a for a in assets if a not in self.usd_prices]
            if missing:
                msg = f"Multi-Assets totals need a USD price for {', '.join(missing)}"
                raise ValueError(msg)
            for asset, price in self.usd_prices.items():
                _checked(price, f"USD price of {asset}")


def _row_document(row: FuturesRow, available: Decimal) -> dict[str, Any]:
    wallet, pnl = row.number("wallet_balance"), row.number("unrealized_profit")
    return {
        "asset": row.asset, "walletBalance": row.wallet_balance,
        "unrealizedProfit": row.unrealized_profit, "marginBalance": _eight(wallet + pnl),
        "maintMargin": row.maint_margin, "initialMargin": _eight(row.initial_margin),
        "positionInitialMargin": row.position_initial_margin,
        "openOrderInitialMargin": row.open_order_initial_margin,
        "crossWalletBalance": row.wallet_balance, "crossUnPnl": row.unrealized_profit,
        "availableBalance": _eight(available), "maxWithdrawAmount": _eight(row.max_withdraw),
        "updateTime": _UPDATED,
    }


def _totals(futures: SimFutures) -> dict[str, Decimal]:
    """The account's totals: the USDT row's (Single-Asset), USD sums (Multi-Assets)."""
    if futures.multi_assets:
        prices = {asset: Decimal(price) for asset, price in futures.usd_prices.items()}
        rows = [(row, prices[row.asset]) for row in futures.rows]
    else:
        rows = [(row, Decimal(1)) for row in futures.rows if row.asset == "USDT"]

    def total(value: Any) -> Decimal:
        return Decimal(_eight(sum((value(row) * price for row, price in rows), _ZERO)))

    wallet = total(lambda r: r.number("wallet_balance"))
    pnl = total(lambda r: r.number("unrealized_profit"))
    return {
        "totalInitialMargin": total(lambda r: r.initial_margin),
        "totalMaintMargin": total(lambda r: r.number("maint_margin")),
        "totalWalletBalance": wallet,
        "totalUnrealizedProfit": pnl,
        "totalMarginBalance": wallet + pnl,
        "totalPositionInitialMargin": total(lambda r: r.number("position_initial_margin")),
        "totalOpenOrderInitialMargin": total(lambda r: r.number("open_order_initial_margin")),
        "totalCrossWalletBalance": wallet,
        "totalCrossUnPnl": pnl,
        "availableBalance": total(lambda r: r.available),
        "maxWithdrawAmount": total(lambda r: r.max_withdraw),
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
        _row_document(row, row.available if shared is None else shared) for row in futures.rows
    ]
    document["positions"] = [
        {"symbol": p.symbol, "positionSide": p.position_side, "positionAmt": p.position_amt,
         "unrealizedProfit": p.unrealized_profit, "isolatedMargin": "0.00000000",
         "notional": p.notional, "isolatedWallet": "0", "initialMargin": p.initial_margin,
         "maintMargin": p.maint_margin, "updateTime": _UPDATED}
        for p in futures.positions
    ]
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


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
        multi_assets=True, usd_prices={"USDT": "1"}, dual_side=True,
        rows=[FuturesRow("USDT", "23.72469206")],
        verbatim={route: (data / name).read_bytes() for route, name in SEED_FILES.items()},
    )
