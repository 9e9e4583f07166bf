"""Simulated OKX accounts, and the figures OKX would report for them.

An account is a list of currency rows (cash ledger, accrued interest, unrealized PnL, frozen
amount) in one account mode, and the figures of ``GET /api/v5/account/balance`` are computed
from them at the simulator's USD prices, as OKX's formulas go (docs/exchanges/okx.md):

* ``eq = cashBal + upl - interest`` (the currency's equity, net ledger); a currency with
  ``eq < 0`` owes ``liab = -eq`` (interest included) in Spot, Multi-currency and Portfolio
  margin modes; ``availBal = max(eq - frozenBal, 0)``;
* ``eqUsd = eq * price``; ``disEq = eqUsd * (1 - haircut)`` for a held non-stablecoin;
  ``totalEq = sum(eqUsd)``, ``adjEq = sum(disEq)``, ``upl = sum(upl * price)``;
* ``mgnRatio = adjEq / (mmr * 1.125)`` (maintenance margin plus liquidation fees, as the
  documented sample has it), computed in binary floating point as OKX does, so its last digits
  carry a double's noise; ``""`` without maintenance margin;
* ``isoEq``: each row's isolated equity, and their USD sum for the account;
* figures a mode does not have are ``""`` (Futures mode: no ``liab``/``interest`` and no
  account-level ``adjEq``/``imr``/``mmr``/``mgnRatio``, but per-currency ``imr``/``mmr``/
  ``mgnRatio`` where a currency has positions).

It imports nothing of folio's client: the client's reading is checked against it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any, Final

from adapters.simkit.amounts import plain

__all__ = ["AccountsError", "Row", "SimAccount", "balance_data", "config_data"]

_FEE: Final = Decimal("1.125")
_STABLE: Final = frozenset({"USDT", "USDC", "USD"})


class AccountsError(ValueError):
    """A simulated account that cannot exist."""


@dataclass(frozen=True, slots=True)
class Row:
    """One currency of the trading account (amounts as decimal strings, in the currency)."""

    ccy: str
    cash: str
    """``cashBal``: negative for a borrowed currency (the principal owed)."""
    interest: str = "0"
    upl: str = "0"
    frozen: str = "0"
    haircut: str = "0"
    """Discount applied to a held non-stablecoin in ``disEq``."""
    mmr: str = ""
    """Futures mode: the currency's cross maintenance margin (``""``: no position)."""
    imr: str = ""
    iso_eq: str = "0"
    """``isoEq``: the part of ``eq`` that isolated positions hold (their margin and PnL)."""


@dataclass(frozen=True, slots=True)
class SimAccount:
    """One API key's account: credentials, mode and rows; account-level margin in USD."""

    api_key: str
    api_secret: str
    passphrase: str
    rows: Sequence[Row]
    acct_lv: str = "3"
    mmr: str = "0"
    imr: str = "0"
    notional_usd: str = "0"
    blank_avail_bal: bool = False
    """Serve ``availBal`` as ``""`` (``availEq`` filled), as OKX's Futures-mode and
    Multi-currency margin samples do (docs/exchanges/okx.md, "Field mapping")."""
    demo: bool = False
    """A demo-trading key: requests must carry ``x-simulated-trading: 1`` (else 50101)."""
    can_read: bool = True
    allowed_ips: frozenset[str] = frozenset()
    uid: str = "44705892343619584"
    verbatim_balance: bytes | None = field(default=None, repr=False)
    """An exact ``account/balance`` body to serve instead of the computed one (a sample)."""

    def __post_init__(self) -> None:
        if self.acct_lv not in {"1", "2", "3", "4"}:
            msg = f"acctLv must be 1 to 4, got {self.acct_lv!r}"
            raise AccountsError(msg)
        if len({row.ccy for row in self.rows}) != len(self.rows):
            msg = "a currency is listed twice"
            raise AccountsError(msg)


def config_data(account: SimAccount) -> dict[str, Any]:
    """The ``data[0]`` of ``GET /api/v5/account/config``."""
    return {"acctLv": account.acct_lv, "autoLoan": account.acct_lv in {"3", "4"},
            "enableSpotBorrow": False, "label": "folio simulator", "level": "Lv1",
            "mainUid": account.uid, "perm": "read_only" if account.can_read else "trade",
            "posMode": "net_mode", "uid": account.uid}


def _row(row: Row, price: Decimal, futures: bool, ts: str,
         blank_avail: bool = False) -> tuple[dict[str, str], Decimal, Decimal, Decimal]:
    cash, interest, upl = Decimal(row.cash), Decimal(row.interest), Decimal(row.upl)
    frozen = Decimal(row.frozen)
    eq = cash + upl - interest
    liab = -eq if eq < 0 else Decimal(0)
    eq_usd = eq * price
    dis = eq_usd if eq_usd <= 0 or row.ccy in _STABLE else eq_usd * (1 - Decimal(row.haircut))
    blank = "" if futures else None
    detail = {
        "ccy": row.ccy, "eq": plain(eq), "cashBal": plain(cash),
        "availBal": "" if blank_avail else plain(max(eq - frozen, Decimal(0))),
        "availEq": plain(max(eq - frozen, Decimal(0))),
        "frozenBal": plain(frozen), "ordFrozen": plain(frozen), "eqUsd": plain(eq_usd),
        "disEq": plain(dis), "upl": plain(upl), "isoEq": row.iso_eq, "isoUpl": "0", "stgyEq": "0",
        "liab": blank if blank is not None else plain(liab),
        "crossLiab": blank if blank is not None else plain(liab),
        "interest": blank if blank is not None else plain(interest),
        "maxLoan": blank if blank is not None else "0",
        "imr": row.imr if futures else "", "mmr": row.mmr if futures else "",
        "mgnRatio": "", "notionalLever": "", "uTime": ts,
    }
    if futures and row.mmr and Decimal(row.mmr) > 0:
        ratio = float(eq) / (float(row.mmr) * float(_FEE))
        detail["mgnRatio"] = repr(ratio)
    return detail, eq_usd, dis, upl * price


def balance_data(
    account: SimAccount, prices: Mapping[str, Decimal], now_ms: int,
    only: frozenset[str] | None = None,
) -> dict[str, Any]:
    """The ``data[0]`` of ``GET /api/v5/account/balance``; ``only``: the ``ccy`` filter."""
    futures = account.acct_lv == "2"
    ts = str(now_ms)
    details: list[dict[str, str]] = []
    total = adj = upl = iso = Decimal(0)
    with localcontext() as context:
        context.prec = 60
        for row in account.rows:
            detail, eq_usd, dis, row_upl = _row(row, prices[row.ccy], futures, ts,
                                                account.blank_avail_bal)
            total, adj, upl = total + eq_usd, adj + dis, upl + row_upl
            iso += Decimal(row.iso_eq) * prices[row.ccy]
            if only is None or row.ccy in only:
                details.append(detail)
        mmr = Decimal(account.mmr)
        ratio = repr(float(adj) / (float(mmr) * float(_FEE))) if mmr > 0 else ""
    account_level = {
        "adjEq": plain(adj), "imr": account.imr, "mmr": account.mmr, "mgnRatio": ratio,
        "borrowFroz": "0", "ordFroz": "0", "notionalUsd": account.notional_usd,
        "notionalUsdForBorrow": "0", "availEq": plain(max(adj, Decimal(0))),
    }
    if futures:
        account_level = dict.fromkeys(account_level, "")
    return {"totalEq": plain(total), "isoEq": plain(iso), "upl": "" if futures else plain(upl),
            "uTime": ts, **account_level, "details": details}
