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
* ``isoEq``: each row's isolated equity, the ``margin + upl`` of the account's isolated
  positions in that currency (unless the row sets it), and their USD sum for the account;
* ``GET /api/v5/account/positions``: each :class:`SimPosition`, an isolated one's ``mgnRatio``
  ``(margin + upl) / (mmr * 1.125)`` in binary floating point like the account's (``""``
  without ``mmr``), unless the position sets it;
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

__all__ = ["AccountsError", "Row", "SimAccount", "SimPosition", "balance_data", "config_data",
           "positions_data"]

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
    iso_eq: str | None = None
    """``isoEq``: the part of ``eq`` that isolated positions hold (their margin and PnL);
    ``None``: that of the account's isolated :class:`SimPosition` rows in this currency (``cash``
    and ``upl`` must then include their margin and PnL, as OKX's do)."""


@dataclass(frozen=True, slots=True)
class SimPosition:
    """One open position, amounts as decimal strings in its margin currency ``ccy``."""

    inst_id: str
    ccy: str
    mmr: str = "0"
    """Maintenance margin requirement; ``"0"``: an isolated margin transferred in, no position."""
    margin: str = "0"
    """An isolated position's margin (served ``""`` for a cross one)."""
    upl: str = "0"
    mgn_mode: str = "isolated"
    inst_type: str = "SWAP"
    ratio: str | None = None
    """``mgnRatio`` served as is; ``None``: computed (see the module docstring)."""
    pos_id: str = ""
    """``posId``; ``""``: one made from the position's place in the account."""


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
    positions: Sequence[SimPosition] = ()
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
        for position in self.positions:
            if position.ccy not in {row.ccy for row in self.rows}:
                msg = f"position {position.inst_id} is margined in {position.ccy}, not a row"
                raise AccountsError(msg)
            if position.mgn_mode not in {"cross", "isolated"}:
                msg = f"mgnMode must be cross or isolated, got {position.mgn_mode!r}"
                raise AccountsError(msg)


def config_data(account: SimAccount) -> dict[str, Any]:
    """The ``data[0]`` of ``GET /api/v5/account/config``."""
    return {"acctLv": account.acct_lv, "autoLoan": account.acct_lv in {"3", "4"},
            "enableSpotBorrow": False, "label": "folio simulator", "level": "Lv1",
            "mainUid": account.uid, "perm": "read_only" if account.can_read else "trade",
            "posMode": "net_mode", "uid": account.uid}


def isolated_equity(account: SimAccount, row: Row) -> tuple[Decimal, Decimal]:
    """The row's ``isoEq`` and ``isoUpl``: its isolated positions' ``margin + upl``, ``upl``.

    A row that sets ``iso_eq`` is served that instead (an answer that contradicts itself).
    """
    held = [p for p in account.positions if p.ccy == row.ccy and p.mgn_mode == "isolated"]
    upl = sum((Decimal(p.upl) for p in held), start=Decimal(0))
    if row.iso_eq is not None:
        return Decimal(row.iso_eq), upl
    return sum((Decimal(p.margin) for p in held), start=upl), upl


def positions_data(account: SimAccount, now_ms: int, inst_type: str | None = None,
                   inst_ids: frozenset[str] | None = None) -> list[dict[str, str]]:
    """The ``data`` of ``GET /api/v5/account/positions`` (``instType``, ``instId`` filters).

    Figures the simulator does not model (prices, leverage, liquidation price) are ``""``.
    """
    rows: list[dict[str, str]] = []
    for n, position in enumerate(account.positions):
        if (inst_type and position.inst_type != inst_type) or (
                inst_ids is not None and position.inst_id not in inst_ids):
            continue
        isolated = position.mgn_mode == "isolated"
        mmr = Decimal(position.mmr)
        ratio = position.ratio
        if ratio is None:
            equity = float(Decimal(position.margin) + Decimal(position.upl))
            ratio = repr(equity / (float(mmr) * float(_FEE))) if isolated and mmr > 0 else ""
        rows.append({
            "adl": "1", "availPos": "", "avgPx": "", "cTime": str(now_ms - 60_000),
            "ccy": position.ccy, "imr": "" if isolated else position.mmr,
            "instId": position.inst_id, "instType": position.inst_type, "interest": "0",
            "last": "", "lever": "", "liab": "", "liabCcy": "", "liqPx": "",
            "margin": position.margin if isolated else "", "markPx": "",
            "mgnMode": position.mgn_mode, "mgnRatio": ratio, "mmr": position.mmr,
            "notionalUsd": "", "pos": "1" if mmr > 0 else "0", "posCcy": "",
            "posId": position.pos_id or str(1752810569801498626 + n), "posSide": "net",
            "uTime": str(now_ms), "upl": position.upl, "uplRatio": "",
        })
    return rows


def _row(row: Row, price: Decimal, futures: bool, ts: str, *, iso: tuple[Decimal, Decimal],
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
        "disEq": plain(dis), "upl": plain(upl), "isoEq": plain(iso[0]), "isoUpl": plain(iso[1]),
        "stgyEq": "0",
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
            row_iso = isolated_equity(account, row)
            detail, eq_usd, dis, row_upl = _row(row, prices[row.ccy], futures, ts, iso=row_iso,
                                                blank_avail=account.blank_avail_bal)
            total, adj, upl = total + eq_usd, adj + dis, upl + row_upl
            iso += row_iso[0] * prices[row.ccy]
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
