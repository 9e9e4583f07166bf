"""Response bodies: envelopes, balances, the risk profile, account info, errors.

Bodies are compact JSON (``ccapi`` detects success by the substring ``"code":0``, so the
spacing is part of the contract), except seed-mode verbatim bodies which are the seed
document's text byte for byte. Key order follows the documentation samples of each mode.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any, Final

from adapters.ascendex.simulator.accounts import (
    DEFAULT_MAINTENANCE_RATE,
    RISK_FIELDS,
    CashRow,
    ComputedRisk,
    FixedRisk,
    MarginRow,
    SimAccount,
)
from adapters.simkit.amounts import plain

__all__ = [
    "compute_risk",
    "dumps",
    "encode_balances",
    "encode_error",
    "encode_info",
    "encode_not_found",
    "encode_ok",
    "encode_risk",
    "format_decimal",
    "is_zero_row",
]

SEED_TOTAL_KEY: Final = "totalBalance"
"""The total's key in seed mode when a row names none (``total_key``): the exchange's."""


def dumps(document: Any) -> bytes:
    """Compact JSON, as the exchange wrote it (no spaces, non-ASCII kept as UTF-8)."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def encode_ok(data: Any) -> bytes:
    """The success envelope ``{"code":0,"data":...}``."""
    return dumps({"code": 0, "data": data})


def encode_error(code: int, message: str | None, reason: str | None) -> bytes:
    """A failure envelope; ``message``/``reason`` are left out when ``None`` (legacy codes)."""
    body: dict[str, Any] = {"code": code}
    if message is not None:
        body["message"] = message
    if reason is not None:
        body["reason"] = reason
    return dumps(body)


def encode_not_found(path: str) -> bytes:
    """The 404 body the exchange sent for unknown routes; ``reason`` echoes the path."""
    return encode_error(404, "URL requested was not found", path)


def is_zero_row(row: CashRow | MarginRow) -> bool:
    """Whether every amount of the row is zero (hidden unless ``showAll=true``)."""
    return all(Decimal(amount) == 0 for amount in row.amounts)


def _cash_row(row: CashRow, seed: bool) -> dict[str, str]:
    if seed:
        # the seed draft listed the available balance first in the cash sample
        return {"asset": row.asset, "availableBalance": row.available,
                row.total_key or SEED_TOTAL_KEY: row.total}
    return {"asset": row.asset, "totalBalance": row.total, "availableBalance": row.available}


def _margin_row(row: MarginRow, seed: bool) -> dict[str, str]:
    total_key = (row.total_key or SEED_TOTAL_KEY) if seed else "totalBalance"
    return {"asset": row.asset, total_key: row.total, "availableBalance": row.available,
            "borrowed": row.borrowed, "interest": row.interest}


def encode_balances(account: SimAccount, rows: Sequence[CashRow | MarginRow]) -> bytes:
    """The balance answer for ``rows`` (already filtered) in the account's mode."""
    seed = account.mode == "seed"
    data = [
        _cash_row(row, seed) if isinstance(row, CashRow) else _margin_row(row, seed)
        for row in rows
    ]
    return encode_ok(data)


format_decimal = plain
"""Plain decimal text without exponent or trailing zeros (``"17715.8175"``, ``"1"``)."""


def compute_risk(margin: Sequence[MarginRow], config: ComputedRisk) -> dict[str, str]:
    """The risk profile from the margin rows and reference prices (docs/exchanges/ascendex.md).

    ``netBalanceInUSDT = total - borrowed - interest``; ``currentLeverage = total / net`` if
    net > 0 else ``"-1"``; ``cushion = net / EMM`` if both > 0 else ``"-1"`` (undefined: no
    margin requirement, which is *not* a cushion below 1).
    """
    with localcontext() as context:
        context.prec = 60  # sums of exact products: never round before the final ratios
        total = borrowed = interest = available = Decimal(0)
        for row in margin:
            price = Decimal(config.prices.get(row.asset, "0"))
            total += Decimal(row.total) * price
            available += Decimal(row.available) * price
            borrowed += Decimal(row.borrowed) * price
            interest += Decimal(row.interest) * price
        net = total - borrowed - interest
        emm = (
            (borrowed + interest) * Decimal(DEFAULT_MAINTENANCE_RATE)
            if config.effective_maintenance_margin is None
            else Decimal(config.effective_maintenance_margin)
        )
        quantum = Decimal(1).scaleb(-config.ratio_places)
        leverage = (
            format_decimal((total / net).quantize(quantum, ROUND_HALF_EVEN)) if net > 0 else "-1"
        )
        cushion = (
            format_decimal((net / emm).quantize(quantum, ROUND_HALF_EVEN))
            if net > 0 and emm > 0
            else "-1"
        )
        values = {
            "accountMaxLeverage": config.account_max_leverage,
            "availableBalanceInUSDT": format_decimal(available),
            "currentLeverage": leverage,
            "cushion": cushion,
            "netBalanceInUSDT": format_decimal(net),
            "pointsBalance": config.points_balance,
            "totalBalanceInUSDT": format_decimal(total),
            "totalBorrowedInUSDT": format_decimal(borrowed),
            "totalInterestInUSDT": format_decimal(interest),
        }
    return {name: values[name] for name in RISK_FIELDS}


def encode_risk(account: SimAccount) -> bytes:
    """The risk answer: the verbatim seed text, the fixed values, or the computed profile."""
    verbatim = account.verbatim.get("margin/risk") if account.mode == "seed" else None
    if verbatim is not None:
        return verbatim
    risk = account.risk
    if isinstance(risk, FixedRisk):
        return encode_ok(dict(risk.values))
    assert isinstance(risk, ComputedRisk)  # SimAccount fills None in
    return encode_ok(compute_risk(account.margin, risk))


def encode_info(account: SimAccount) -> bytes:
    """The account-info answer, ``accountGroup`` as a JSON number (as the exchange sends it)."""
    return encode_ok({
        "accountGroup": account.account_group,
        "email": account.email,
        "expireTime": account.expire_time_ms,
        "allowedIps": list(account.allowed_ips),
        "cashAccount": list(account.cash_account_ids),
        "marginAccount": list(account.margin_account_ids),
        "futuresAccount": list(account.futures_account_ids),
        "userUID": account.user_uid,
        **account.permissions,
    })
