"""JSON -> OKX wire classes -> folio domain models, exactly, or a typed error naming the field.

What each answer means (docs/exchanges/okx.md, "Field mapping"):

* **Balances** (``details[]`` of ``GET /api/v5/account/balance``, the trading account served
  as the ``cash`` wallet). OKX keeps a *net ledger* per currency: a currency is held
  (``eq > 0``) or owed (``eq < 0`` and ``liab = -eq``), and ``eq`` includes the unrealized PnL
  ``upl`` of the currency's positions. So, per row: ``unrealized_pnl = upl``,
  ``interest = interest``, ``borrowed = liab - interest`` (``liab`` includes the accrued
  interest), and ``total = eq - upl + liab``, which makes folio's ``equity`` (``total + upl -
  borrowed - interest``) exactly OKX's ``eq``. An equity below zero beyond what ``liab`` says
  is owed is a debt too (added to ``borrowed`` and ``total``), and a cash ledger below zero
  (a profit not yet settled covers it) is owed as well: ``total`` is then 0. ``available`` is
  ``availBal`` (``availEq`` where OKX sends ``availBal`` ``""``, as Futures-mode and
  Multi-currency margin answers do), never above ``total + upl``. Other figures ``""`` under
  the account's mode are 0.
* **Risk** (with ``acctLv`` of ``GET /api/v5/account/config``): Spot (1), Multi-currency
  margin (3) and Portfolio margin (4) have one account-level pool valued in USD: equity
  ``totalEq``, maintenance margin ``mmr``, health the *cushion* ``mgnRatio`` (``adjEq`` over
  maintenance margin plus fees), liquidated at 1. ``borrowed_value`` is the net liability:
  the USD value of what is owed beyond what is held, currency by currency (``-eqUsd`` of the
  owed currencies). Futures mode (2) has a pool per settlement currency: reported when exactly
  one currency is exposed (maintenance margin, a margin ratio, an equity below zero: a debt,
  or isolated equity ``isoEq``), the account-level figures when none, refused when several
  (:class:`~framework.errors.AccountStateError`); never a partial answer. An unknown
  ``acctLv`` is refused. A ``mgnRatio`` without the maintenance margin it is over, or above
  equity / ``mmr`` (at most zero when equity is not above zero), contradicts the answer and is
  refused: a liquidating account must never read ``ok`` or ``not_applicable``. Those figures
  are the *cross* pool's: OKX's ``mmr`` is "the sum of maintenance margins of all open
  positions and pending orders under cross-margin mode", and ``upl`` is the cross positions'.
  Isolated positions (``isoEq`` not 0, a Futures-mode currency holding them being exposed)
  are each liquidated on their own: the caller then reads them and
  :func:`adapters.okx.isolated.weakest_pool` makes the wallet's risk of both.

**Float noise.** OKX computes some figures in binary floating point and prints up to 17
significant digits (``"-7.545600000000006"``). Amounts keep the digits sent; where figures
are compared, the tolerance is :data:`NOISE` of the largest figure involved, and a figure
that passes its bound by no more is held at the bound (``availBal`` above ``eq``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Context, Decimal
from typing import Any, Final

from adapters.kit.strict import WireReader, check_asset_codes
from adapters.okx.wire import (
    WIRE_CLASSES,
    AccountConfig,
    Balance,
    BalanceDetail,
    Instrument,
    Ticker,
)
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
from framework.prices import Pair, Price

__all__ = ["DIVIDE", "EXCHANGE", "NOISE", "QUOTE", "account_mode", "at_least_zero",
           "balance_snapshot", "check_ratio", "cushion_health", "invalid", "leverage_of",
           "margin_risk", "markets", "once", "prices", "structure"]

EXCHANGE: Final = "okx"
QUOTE: Final = "USD"
"""OKX values the account in US dollars (a unit, not USDT)."""
LIQUIDATION: Final = Decimal(1)
"""``mgnRatio`` at or below 1: OKX starts forced liquidation."""
NOISE: Final = Decimal("1e-12")
"""Relative tolerance for comparing OKX figures: a double's noise is near 1e-16, so this
leaves room for a few operations and none for a wrong figure."""
MODES: Final = frozenset({"1", "2", "3", "4"})
"""Spot, Futures, Multi-currency margin and Portfolio margin mode (docs/exchanges/okx.md)."""
_ZERO: Final = Decimal(0)
_READER: Final = WireReader(EXCHANGE, WIRE_CLASSES, blank_is_none=True)
DIVIDE: Final = Context(prec=34)


def structure(payload: Any, wire_type: Any, *, path: str = "$.data") -> Any:
    """``payload`` as ``wire_type``, or :class:`InvalidResponseError` naming every JSON path."""
    return _READER.structure(payload, wire_type, path=path)


def one(rows: Sequence[Any], wire_type: Any) -> Any:
    """The single row of a one-object ``data`` list (balance, config, time)."""
    if len(rows) != 1:
        raise invalid(f"expected one object in data, got {len(rows)}", "$.data")
    return structure(rows[0], wire_type, path="$.data[0]")


def invalid(detail: str, field: str) -> InvalidResponseError:
    """The refusal of an answer at ``field`` (the read adds the account and endpoint)."""
    return InvalidResponseError(detail, field=field, exchange=EXCHANGE)


def at_least_zero(value: Decimal | None, field: str) -> Decimal:
    """``value`` (``""``: 0), refused at ``field`` when below zero."""
    if value is None:
        return _ZERO
    if value < 0:
        raise invalid(f"a negative amount where only zero or more makes sense: {value}", field)
    return value


def once(seen: set[str], key: str, field: str, what: str) -> None:
    """Refuse ``key`` at ``field`` when ``seen`` holds it already (a row listed twice)."""
    if key in seen:
        raise invalid(f"{what} {key[:40]!r} is listed twice", field)
    seen.add(key)


def _noise(*figures: Decimal) -> Decimal:
    return max(abs(figure) for figure in figures) * NOISE


# -- balances --------------------------------------------------------------------------------


def _available(row: BalanceDetail, at: str) -> tuple[Decimal, str]:
    """``availBal``, else ``availEq`` (below zero: nothing), else refused; and its name.

    Futures-mode and Multi-currency margin answers send ``availBal`` ``""`` and fill
    ``availEq`` (OKX's own samples); an answer with neither says nothing about what is free.
    """
    if row.avail_bal is not None:
        return at_least_zero(row.avail_bal, f"{at}.availBal"), "availBal"
    if row.avail_eq is not None:
        return max(row.avail_eq, _ZERO), "availEq"
    raise invalid(f"availBal and availEq of {row.ccy[:40]!r} are both empty: nothing says "
                  "what is available", f"{at}.availBal")


def _balance(row: BalanceDetail, at: str) -> AssetBalance:
    upl = row.upl or _ZERO
    liab = at_least_zero(row.liab, f"{at}.liab")
    interest = at_least_zero(row.interest, f"{at}.interest")
    if liab < interest:
        raise invalid(f"liab {liab} is below its accrued interest {interest}; liab is read as "
                      "owed including interest", f"{at}.liab")
    borrowed = EXACT.subtract(liab, interest)
    total = EXACT.add(EXACT.subtract(row.eq, upl), liab)
    beyond = EXACT.add(row.eq, liab)  # equity below zero beyond what is owed: a debt as well
    if beyond < 0:
        total, borrowed = EXACT.subtract(total, beyond), EXACT.subtract(borrowed, beyond)
    if total < 0:  # a cash ledger below zero: owed, held as zero
        total, borrowed = _ZERO, EXACT.subtract(borrowed, total)
    available, name = _available(row, at)
    cap = EXACT.add(total, upl)
    if available > cap:
        if EXACT.subtract(available, cap) > _noise(available, cap, row.eq, upl):
            raise invalid(f"{name} {available} of {row.ccy[:40]!r} is above what the "
                          f"currency holds ({cap})", f"{at}.{name}")
        available = cap
    return AssetBalance(row.ccy, total, available, borrowed, interest, upl)


def _checked_codes(rows: Sequence[BalanceDetail]) -> None:
    check_asset_codes([row.ccy for row in rows], exchange=EXCHANGE,
                      path=lambda i: f"$.data[0].details[{i}].ccy")


def balance_snapshot(
    balance: Balance, *, account_name: str, fetched_at: datetime
) -> BalanceSnapshot:
    """The trading account as the ``cash`` wallet, one row per currency (see the module)."""
    _checked_codes(balance.details)
    rows = [_balance(row, f"$.data[0].details[{i}]") for i, row in enumerate(balance.details)]
    return BalanceSnapshot(EXCHANGE, account_name, WalletKind.CASH, rows, fetched_at)


# -- risk ------------------------------------------------------------------------------------


def cushion_health(
    ratio: Decimal | None, *, equity: Decimal, debt: Decimal, margin: Decimal | None,
    field: str,
) -> MarginHealth:
    """A pool's health from its ``mgnRatio``, or the refusal of a contradiction at ``field``."""
    try:
        return MarginHealth.assess(metric=HealthMetric.CUSHION, ratio=ratio,
                                   liquidation_threshold=LIQUIDATION, equity=equity, debt=debt,
                                   maintenance_margin=margin)
    except ValueError as exc:
        raise invalid(f"{exc}; refusing an answer that contradicts itself", field) from None


def leverage_of(total: Decimal, equity: Decimal) -> Ratio:
    """``total / equity``, not applicable without positive equity."""
    return DIVIDE.divide(total, equity) if equity > 0 else NOT_APPLICABLE


def check_ratio(ratio: Decimal | None, adj: Decimal | None, mmr: Decimal | None,
                at: str) -> None:
    """``mgnRatio`` over ``mmr``, never above equity / mmr: over maintenance margin *plus fees*.

    A ratio without the maintenance margin it is over (``mmr`` ``""`` or 0) is refused: a
    liquidating pool must not read "nothing to liquidate". Equity is ``adjEq`` for the account,
    ``eq`` for a Futures-mode currency (its cross part is at most ``eq``) and ``margin + upl``
    for an isolated position; with equity at or below zero the ratio is at most zero.
    """
    if ratio is not None and not mmr:
        raise invalid(f"mgnRatio {ratio} without the maintenance margin it is over",
                      f"{at}.mgnRatio")
    if ratio is None or adj is None or not mmr:
        return
    bound = DIVIDE.divide(adj, mmr) if adj > 0 else _ZERO  # adj/(mmr x fees) <= 0 if adj <= 0
    if ratio > bound and ratio - bound > _noise(ratio, bound):
        raise invalid(f"mgnRatio {ratio} is above its equity / mmr = {bound}: a ratio safer "
                      "than its own figures", f"{at}.mgnRatio")


def _account_risk(
    balance: Balance, level: str, *, account_name: str, fetched_at: datetime
) -> MarginRisk:
    owed = _ZERO
    for row in balance.details:
        if row.eq_usd < 0:
            owed = EXACT.subtract(owed, row.eq_usd)
    upl = balance.upl
    margin = balance.mmr and at_least_zero(balance.mmr, "$.data[0].mmr")
    equity = balance.total_eq
    total = EXACT.add(EXACT.subtract(equity, upl or _ZERO), owed)
    if total < 0:
        total, owed = _ZERO, EXACT.subtract(owed, total)
    check_ratio(balance.mgn_ratio, balance.adj_eq, balance.mmr, "$.data[0]")
    return MarginRisk(
        exchange=EXCHANGE, account=account_name, quote_asset=QUOTE, total_value=total,
        available_value=balance.avail_eq and at_least_zero(balance.avail_eq, "$.data[0].availEq"),
        borrowed_value=owed, interest_value=None, equity=equity,
        leverage=leverage_of(total, equity), max_leverage=None,
        health=cushion_health(balance.mgn_ratio, equity=equity, debt=owed, margin=margin,
                              field="$.data[0].mgnRatio"),
        fetched_at=fetched_at, wallet=WalletKind.CASH, maintenance_margin=margin,
        unrealized_pnl=upl, position_notional=balance.notional_usd and at_least_zero(
            balance.notional_usd, "$.data[0].notionalUsd"),
        extras={name: value for name, value in (("adj_eq", balance.adj_eq), ("imr", balance.imr),
                ("iso_eq", balance.iso_eq), ("acct_lv", Decimal(level))) if value is not None},
    )


def _currency_risk(
    balance: Balance, *, account_name: str, fetched_at: datetime
) -> MarginRisk:
    """Futures mode: one risk pool per settlement currency (see the module docstring)."""
    pools = [(i, row) for i, row in enumerate(balance.details)  # margin, debt or isolated
             if row.mmr or row.mgn_ratio is not None or row.eq < 0 or row.iso_eq]
    if len(pools) > 1:
        names = ", ".join(row.ccy[:40] for _, row in pools)
        raise AccountStateError(
            f"Futures mode (acctLv 2) margins each settlement currency on its own and "
            f"{len(pools)} of them are exposed ({names}): one risk profile cannot stand "
            "for the account", exchange=EXCHANGE)
    if not pools:  # no position, no debt: the account-level figures, nothing to liquidate
        return _account_risk(balance, "2", account_name=account_name, fetched_at=fetched_at)
    i, row = pools[0]
    at = f"$.data[0].details[{i}]"
    asset = _balance(row, at)
    margin = at_least_zero(row.mmr, f"{at}.mmr")
    check_ratio(row.mgn_ratio, row.eq, margin, at)
    debt = EXACT.add(asset.borrowed, asset.interest)
    return MarginRisk(
        exchange=EXCHANGE, account=account_name, quote_asset=row.ccy, total_value=asset.total,
        available_value=row.avail_eq if row.avail_eq is not None and row.avail_eq >= 0 else None,
        borrowed_value=debt, interest_value=None, equity=row.eq,
        leverage=leverage_of(asset.total, row.eq), max_leverage=None,
        health=cushion_health(row.mgn_ratio, equity=row.eq, debt=debt, margin=margin,
                              field=f"{at}.mgnRatio"),
        fetched_at=fetched_at, wallet=WalletKind.CASH, maintenance_margin=margin,
        unrealized_pnl=row.upl, position_notional=None,
        extras={name: value for name, value in (
            ("imr", row.imr), ("iso_eq", row.iso_eq), ("notional_lever", row.notional_lever),
            ("acct_lv", Decimal(2))) if value is not None},
    )


def account_mode(config: AccountConfig) -> AccountConfig:
    """``config`` of a mode folio knows; read with ``account/config``, so errors name it."""
    if config.acct_lv not in MODES:
        raise invalid(f"unknown account mode acctLv {config.acct_lv[:20]!r} (known: 1 to 4): "
                      "folio does not guess what applies", "$.data[0].acctLv")
    return config


def margin_risk(
    config: AccountConfig, balance: Balance, *, account_name: str, fetched_at: datetime
) -> MarginRisk:
    """The risk the balance shows under the account's mode (``acctLv``): the cross pool's.

    The wallet's when :func:`adapters.okx.isolated.holds_isolated` is false; else
    :func:`adapters.okx.isolated.weakest_pool` completes it (see the module docstring).
    """
    level = account_mode(config).acct_lv
    _checked_codes(balance.details)
    if level == "2":
        return _currency_risk(balance, account_name=account_name, fetched_at=fetched_at)
    return _account_risk(balance, level, account_name=account_name, fetched_at=fetched_at)


# -- prices ----------------------------------------------------------------------------------


def markets(rows: Sequence[Instrument]) -> dict[str, Pair]:
    """The pair of each spot ``instId`` live now, from its ``baseCcy`` and ``quoteCcy``."""
    found: dict[str, Pair] = {}
    pairs: set[Pair] = set()
    seen: set[str] = set()
    for i, row in enumerate(rows):
        once(seen, row.inst_id, f"$.data[{i}].instId", "instrument")
        try:
            pair = Pair(row.base_ccy, row.quote_ccy)
        except ValueError:
            continue  # a code no holding is named by: nothing to value
        if row.state != "live":
            continue
        if pair in pairs:
            raise invalid(f"two instruments trade {pair}", f"$.data[{i}]")
        pairs.add(pair)
        found[row.inst_id] = pair
    return found


def prices(
    rows: Sequence[Ticker], known: Mapping[str, Pair], asked: Sequence[str] | None, *,
    source: str,
) -> list[Price]:
    """The last prices of ``rows`` whose market is known (and asked): each once, above zero."""
    seen: set[str] = set()
    result: list[Price] = []
    for i, row in enumerate(rows):
        once(seen, row.inst_id, f"$.data[{i}].instId", "instrument")
        pair = known.get(row.inst_id)
        if pair is None or (asked is not None and row.inst_id not in asked) or row.last is None:
            continue  # not live, listed since, not asked for, or never traded
        if row.last <= 0:
            raise invalid(f"the price of {row.inst_id} must be above zero, got {row.last}",
                          f"$.data[{i}].last")
        result.append(Price(pair, row.last, EXCHANGE, source, datetime.fromtimestamp(
            unix_ms(row.ts, f"$.data[{i}].ts") / 1000, UTC)))
    return result


def unix_ms(text: str, field: str) -> int:
    """A Unix-ms string (``ts``) as an integer; at most 13 digits (before the year 2287)."""
    if not (text.isascii() and text.isdigit() and len(text) <= 13):
        raise invalid(f"a time must be Unix milliseconds, got {text[:40]!r}", field)
    return int(text)
