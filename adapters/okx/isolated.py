"""Isolated positions: the weakest pool decides an OKX wallet's health (docs/host-api.md).

OKX margins an isolated position (``mgnMode`` ``isolated``: margin, futures, swaps) apart from
the cross pool, whose figures :func:`adapters.okx.convert.margin_risk` reads from the balance
(the account's ``mmr``, ``mgnRatio`` and ``upl``, or in Futures mode the currency's ``mmr`` and
``mgnRatio``, cover cross positions only). Each isolated position is liquidated on its own when
its own ``mgnRatio`` (``margin + upl`` over its ``mmr`` plus liquidation fees, all in its margin
currency ``ccy``) falls to 1. So when the balance shows isolated equity (``isoEq`` not 0) the
risk read also reads ``GET /api/v5/account/positions``, and :func:`weakest_pool` makes the
wallet's risk (docs/exchanges/okx.md, "Isolated positions"):

* ``health``: the lowest of the cross ``mgnRatio`` (when the cross pool requires margin) and
  each isolated position's, assessed with the whole wallet's equity and debt, so a position at
  its liquidation line reads ``at_risk`` however healthy the rest, and ``insolvent`` keeps its
  meaning;
* ``maintenance_margin``: the cross figure plus each isolated ``mmr``; an account-level
  ``unrealized_pnl``: the cross ``upl`` plus each isolated ``upl`` (``total_value`` less them),
  while a Futures-mode currency's ``upl`` already counts every position of the currency.
  Account-level figures are in USD: a position's are valued at ``eqUsd / eq`` of its currency's
  balance row, the price the balance valued that currency at;
* ``extras``: ``cross_ratio``, ``isolated_positions`` (those requiring margin) and
  ``weakest_isolated_ratio``.

Refused with :class:`~framework.errors.InvalidResponseError` at the position's field: a
``mgnMode`` other than ``cross``/``isolated``, a ``posId`` listed twice, an isolated position
requiring margin without a ``mgnRatio``, ``margin`` or ``upl``, a ``mgnRatio`` without ``mmr``
or above ``(margin + upl) / mmr``; and an answer that contradicts the balance (it may have
changed between the two reads): isolated equity with no isolated position in its currency, or
an isolated position requiring margin in a currency without isolated equity.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from adapters.okx import convert
from adapters.okx.wire import Balance, Position
from framework.models import EXACT, MarginRisk

__all__ = ["holds_isolated", "weakest_pool"]


def holds_isolated(balance: Balance) -> bool:
    """Whether the balance shows isolated equity (``isoEq`` of the account or a currency)."""
    return bool(balance.iso_eq) or any(row.iso_eq for row in balance.details)


def _exposed(row: Position, at: str) -> tuple[Decimal, Decimal, Decimal] | None:
    """An isolated position's checked ``mgnRatio``, ``mmr`` and ``upl``; ``None``: no margin."""
    mmr = convert.at_least_zero(row.mmr, f"{at}.mmr")
    ratio, margin, upl = row.mgn_ratio, row.margin, row.upl
    convert.check_ratio(ratio, None, mmr, at)  # refuses a ratio over no maintenance margin
    if not mmr:
        return None  # margin moved in, no position yet: nothing to liquidate
    if ratio is None or margin is None or upl is None:
        name = "mgnRatio" if ratio is None else "margin" if margin is None else "upl"
        raise convert.invalid(f"isolated position {row.pos_id[:40]} requires margin {mmr} and "
                              f"has no {name}: how near liquidation is unknown", f"{at}.{name}")
    equity = EXACT.add(convert.at_least_zero(margin, f"{at}.margin"), upl)
    convert.check_ratio(ratio, equity, mmr, at)
    return ratio, mmr, upl


def weakest_pool(risk: MarginRisk, balance: Balance, data: list[Any]) -> MarginRisk:
    """``risk`` (the cross pool's, from ``balance``) with the isolated pools of ``data``."""
    rows = convert.structure(data, tuple[Position, ...])
    held = {row.ccy for row in balance.details if row.iso_eq}
    listed = {row.ccy for row in rows if row.mgn_mode == "isolated"}
    usd = {row.ccy: convert.DIVIDE.divide(row.eq_usd, row.eq) for row in balance.details if row.eq}
    seen: set[str] = set()
    ratios: list[Decimal] = []
    margin, upl = risk.maintenance_margin or Decimal(0), Decimal(0)  # cross, then isolated
    for i, row in enumerate(rows):
        at = f"$.data[{i}]"
        convert.once(seen, row.pos_id, f"{at}.posId", "position")
        if row.mgn_mode not in {"cross", "isolated"}:
            raise convert.invalid(f"unknown margin mode {row.mgn_mode[:20]!r} (known: cross, "
                                  "isolated): folio does not guess it", f"{at}.mgnMode")
        figures = _exposed(row, at) if row.mgn_mode == "isolated" else None  # cross: counted
        if figures is None:
            continue
        price = Decimal(1) if row.ccy == risk.quote_asset else usd.get(row.ccy, Decimal(0))
        if row.ccy not in held or price <= 0:
            raise convert.invalid(f"isolated position {row.pos_id[:40]} in {row.ccy[:40]}, "
                                  "where the balance has no isoEq or price", f"{at}.ccy")
        ratios.append(figures[0])
        margin = EXACT.add(margin, convert.DIVIDE.multiply(figures[1], price))
        upl = EXACT.add(upl, convert.DIVIDE.multiply(figures[2], price))
    if held - listed or (balance.iso_eq and not listed):
        where = ", ".join(sorted(held - listed))[:80] or "the account"
        raise convert.invalid(f"the balance shows isolated equity (isoEq) in {where} and no "
                              "isolated position holds it (changed between the reads?)", "$.data")
    cross = risk.health.value if isinstance(risk.health.value, Decimal) else None
    total, owed, pnl = risk.total_value, risk.borrowed_value, risk.unrealized_pnl
    if risk.extras.get("acct_lv") != 2 and pnl is not None:  # the account's upl: cross only
        total, pnl = EXACT.subtract(total, upl), EXACT.add(pnl, upl)
        if total < 0:  # held as zero, owed, as convert.py does
            total, owed = Decimal(0), EXACT.subtract(owed, total)
    weakest = min(ratios, default=None)
    extras = {**risk.extras, "isolated_positions": Decimal(len(ratios)),
              **({} if cross is None else {"cross_ratio": cross}),
              **({} if weakest is None else {"weakest_isolated_ratio": weakest})}
    return attrs.evolve(
        risk, total_value=total, borrowed_value=owed, unrealized_pnl=pnl, extras=extras,
        leverage=convert.leverage_of(total, risk.equity), maintenance_margin=margin,
        health=convert.cushion_health(  # OKX's debt is borrowed_value (interest included)
            min(ratios + ([cross] if cross is not None else []), default=None),
            equity=risk.equity, debt=owed, margin=margin, field="$.data"))
