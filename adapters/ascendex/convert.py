"""JSON -> AscendEX wire classes -> folio domain models, exactly, or a typed error naming the field.

The converters are built on first use and reused. Five rules, each there because getting it
wrong loses money:

* **Strict primitives.** cattrs' default hooks coerce (``str(1.5)``, ``int("7")``); a number
  where the exchange always sends a string means the payload is not what we think, so every
  primitive hook refuses the wrong JSON type. Amounts must be strings holding a finite decimal
  in ASCII digits (an exponent is accepted: ``"1E-8"`` is how Java prints 0.00000001) of at
  most :data:`MAX_AMOUNT_DIGITS` digits written out: floats, ``true``, ``""``, ``"NaN"``,
  ``"1_000"``, ``" 1"``, fullwidth digits and ``"1e999999999"`` are rejected.
* **Every problem named.** A failed structure is re-run with cattrs' detailed validation and
  rendered with :func:`cattrs.transform_error`, so the error says ``$.data[1].availableBalance``
  rather than "bad response". One path reads every answer: the converter's generated
  structuring functions parse each amount once (:func:`adapters.kit.strict.amount`), and
  :func:`balance_snapshot` turns the rows into domain models (docs/performance.md,
  "Conversion").
* **Impossible balances are refused.** A cash or margin row whose total, available amount,
  ``borrowed`` or ``interest`` is negative, or whose available amount exceeds its total (a
  negative ``locked``), cannot be a true ledger; it is refused at that field, e.g.
  ``$.data[2].availableBalance``, and so are asset codes that differ only in case. Why each
  holds on AscendEX: docs/exchanges/ascendex.md, "Validation".
* **Sentinels become states.** ``"-1"`` for ``currentLeverage`` and ``cushion`` means "not
  defined"; it becomes :data:`framework.models.NOT_APPLICABLE`, never a negative ratio. For the
  cushion, *why* it is undefined is decided from the amounts: nothing borrowed is
  ``not_applicable``, debt without a positive net value is ``insolvent``
  (:class:`framework.models.HealthState`).
* **Risk figures that contradict each other are refused.** The state is read from the net
  value and the debt, so ``netBalanceInUSDT`` must be ``total - borrowed - interest`` within
  the rounding of the four figures, ``currentLeverage`` is ``-1`` exactly when the net value is
  not positive, and what is available is part of the total (docs/exchanges/ascendex.md,
  "Validation of the risk answer").

The 2019 draft specification spells the total ``totalABalance``; every later source says
``totalBalance``. Both are accepted (``totalBalance`` wins when both are present).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from adapters.ascendex.wire import (
    AccountInfoData,
    CashBalanceRow,
    ErrorBody,
    MarginBalanceRow,
    MarginRiskData,
    ServerTimeData,
    TickerRow,
)
from adapters.kit.strict import (
    MAX_AMOUNT_DIGITS,
    WireReader,
    check_asset_codes,
    last_place,
    not_negative,
)
from framework.errors import InvalidResponseError
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

__all__ = [
    "CUSHION_LIQUIDATION_LEVEL",
    "EXCHANGE",
    "MAX_AMOUNT_DIGITS",
    "QUOTE_ASSET",
    "balance_snapshot",
    "margin_risk",
    "prices",
    "structure",
]

EXCHANGE: Final = "ascendex"
QUOTE_ASSET: Final = "USDT"
CUSHION_LIQUIDATION_LEVEL: Final = Decimal(1)
"""AscendEX starts liquidating a margin account when its cushion falls to 1."""

_SENTINEL: Final = Decimal(-1)

_READER: Final = WireReader(
    EXCHANGE,
    (CashBalanceRow, MarginBalanceRow, MarginRiskData, AccountInfoData, ServerTimeData,
     ErrorBody, TickerRow),
    top_level=(list[CashBalanceRow], list[MarginBalanceRow], list[TickerRow]),
)
_BALANCE_ROWS: Final = (list[CashBalanceRow], list[MarginBalanceRow])
_MISSING_TOTAL: Final = re.compile(r"required field missing( @ \S*\.totalBalance\b)")
_DRAFT_HINT: Final = r"required field missing (totalBalance, or the 2019 draft's totalABalance)\1"
_SYMBOL: Final = re.compile(r"[^\s/]+/[^\s/]+")
TICKER_SOURCE: Final = "GET /api/pro/v1/spot/ticker"
"""Where every AscendEX price comes from (:attr:`framework.prices.Price.source`)."""


def _with_draft_totals(rows: list[Any]) -> list[Any]:
    """Rows with the 2019 draft's ``totalABalance`` read as ``totalBalance``.

    Only where the draft used it (balance rows), and only when ``totalBalance`` is absent.
    """
    return [
        {**row, "totalBalance": row["totalABalance"]}
        if isinstance(row, dict) and "totalBalance" not in row and "totalABalance" in row
        else row
        for row in rows
    ]


def _draft_variant(payload: Any) -> Any:
    return _with_draft_totals(payload) if isinstance(payload, list) else payload


def structure(payload: Any, wire_type: Any, *, path: str = "$.data") -> Any:
    """Structure ``payload`` into ``wire_type`` or raise :class:`InvalidResponseError`.

    The error's message lists every problem with its JSON path; ``field`` is the first path.
    Balance rows in the 2019 draft's spelling are read when the current spelling does not read.
    """
    variant = _draft_variant if wire_type in _BALANCE_ROWS else None
    try:
        return _READER.structure(payload, wire_type, path=path, variant=variant)
    except InvalidResponseError as exc:
        exc.detail = _MISSING_TOTAL.sub(_DRAFT_HINT, exc.detail)
        raise


# -- wire -> domain ---------------------------------------------------------------------


def _ratio(value: Decimal, field: str) -> Ratio:
    if value == _SENTINEL:
        return NOT_APPLICABLE
    if value < 0:
        msg = f"a negative ratio other than the -1 sentinel: {value}"
        raise InvalidResponseError(msg, field=field, exchange=EXCHANGE)
    return value


def _check_assets(rows: Sequence[CashBalanceRow | MarginBalanceRow]) -> None:
    check_asset_codes(
        [row.asset for row in rows], path=lambda i: f"$.data[{i}].asset", exchange=EXCHANGE
    )


def _refuse_impossible(balances: Sequence[AssetBalance]) -> None:
    """Refuse the first amount that cannot be true of a cash or margin row, naming its key.

    What is held (``totalBalance``, ``availableBalance``) and what is owed (``borrowed``,
    ``interest``) are each zero or more, and what is available is part of the total (else
    ``locked`` would be negative). Debt is carried in ``borrowed`` and ``interest``, never as a
    negative holding (docs/exchanges/ascendex.md, "Validation"). One loop for all rows, not a
    call per row: a 1,000-asset answer runs it 1,000 times (docs/performance.md).
    """
    for index, balance in enumerate(balances):
        total, available = balance.total, balance.available
        if total < 0:
            key = "totalBalance"
        elif available < 0 or available > total:
            key = "availableBalance"
        elif balance.borrowed < 0:
            key = "borrowed"
        elif balance.interest < 0:
            key = "interest"
        else:
            continue
        msg = (
            f"impossible balance of {balance.asset[:40]!r}: total {total}, available "
            f"{available}, borrowed {balance.borrowed}, interest {balance.interest} "
            "(amounts held or owed are never negative, and available is part of the total)"
        )
        raise InvalidResponseError(msg, field=f"$.data[{index}].{key}", exchange=EXCHANGE)


def balance_snapshot(
    rows: Sequence[CashBalanceRow] | Sequence[MarginBalanceRow],
    *,
    wallet: WalletKind,
    account: str,
    fetched_at: datetime,
) -> BalanceSnapshot:
    """Build the domain snapshot of a cash or margin balance answer.

    The rows hold amounts parsed by the converter; an impossible row (see
    :func:`_refuse_impossible`) or a repeated asset code is refused naming its field.
    """
    _check_assets(rows)
    balances = [
        AssetBalance(row.asset, row.total_balance, row.available_balance, row.borrowed,
                     row.interest)
        if isinstance(row, MarginBalanceRow)
        else AssetBalance(row.asset, row.total_balance, row.available_balance)
        for row in rows
    ]
    _refuse_impossible(balances)
    return BalanceSnapshot(EXCHANGE, account, wallet, balances, fetched_at)


def _health(data: MarginRiskData, equity: Decimal, debt: Decimal) -> MarginHealth:
    """The cushion read as a state: the ``-1`` sentinel means opposite things by the amounts.

    AscendEX defines the cushion only when both net asset value and effective maintenance
    margin are positive, and sends ``-1`` otherwise (docs/exchanges/ascendex.md): with nothing
    borrowed that is the safest state there is, with debt and no positive net value it is an
    insolvent account. A cushion sent for a non-positive net value, or ``-1`` for an account
    that borrows and has a positive net value, contradicts that definition and is refused.
    """
    cushion = _ratio(data.cushion, "$.data.cushion")
    ratio = None if cushion is NOT_APPLICABLE else cushion
    if ratio is not None and equity <= 0:
        msg = (
            f"a cushion of {data.cushion} for a net asset value of {data.net_balance_in_usdt}; "
            "AscendEX defines it only for a positive net value"
        )
        raise InvalidResponseError(msg, field="$.data.cushion", exchange=EXCHANGE)
    try:
        return MarginHealth.assess(
            metric=HealthMetric.CUSHION,
            ratio=ratio,
            liquidation_threshold=CUSHION_LIQUIDATION_LEVEL,
            equity=equity,
            debt=debt,
        )
    except ValueError as exc:
        raise InvalidResponseError(
            f"{exc}; refusing an answer that contradicts itself",
            field="$.data.cushion",
            exchange=EXCHANGE,
        ) from None


def _risk_amount(value: Decimal, field: str) -> Decimal:
    return not_negative(value, field=field, exchange=EXCHANGE)


def _slack(*figures: Decimal) -> Decimal:
    """The rounding allowance of figures that are each rounded on their own."""
    allowance = Decimal(0)
    for figure in figures:
        allowance = EXACT.add(allowance, last_place(figure))
    return allowance


def _check_net(data: MarginRiskData, total: Decimal, debt: Decimal, equity: Decimal) -> None:
    """``netBalanceInUSDT`` is ``total - borrowed - interest``, within rounding.

    The net value decides whether an account with debt is insolvent, so a net value the other
    figures contradict would be a wrong state, not a rounding detail. Each figure may be
    rounded on its own: one unit in the last digit of each of the four is allowed. Without
    debt the net value is what is held and is never negative (docs/exchanges/ascendex.md).
    """
    expected = EXACT.subtract(total, debt)
    gap = abs(EXACT.subtract(equity, expected))
    allowance = _slack(data.total_balance_in_usdt, data.total_borrowed_in_usdt,
                       data.total_interest_in_usdt, data.net_balance_in_usdt)
    if gap > allowance or (debt == 0 and equity < 0):
        msg = (
            f"netBalanceInUSDT {data.net_balance_in_usdt} is not totalBalanceInUSDT - "
            f"totalBorrowedInUSDT - totalInterestInUSDT = {expected} (rounding allows "
            f"{allowance}); refusing an answer that contradicts itself"
        )
        raise InvalidResponseError(msg, field="$.data.netBalanceInUSDT", exchange=EXCHANGE)


def _available(data: MarginRiskData, total: Decimal) -> Decimal:
    """``availableBalanceInUSDT``, refused unless it is part of what is held.

    Zero or more, and at most the total within the rounding of the two figures.
    """
    available = _risk_amount(data.available_balance_in_usdt, "$.data.availableBalanceInUSDT")
    ceiling = EXACT.add(total, _slack(data.total_balance_in_usdt,
                                      data.available_balance_in_usdt))
    if available > ceiling:
        msg = (
            f"available value {data.available_balance_in_usdt} above the total value "
            f"{data.total_balance_in_usdt}"
        )
        raise InvalidResponseError(
            msg, field="$.data.availableBalanceInUSDT", exchange=EXCHANGE
        )
    return available


def _check_leverage(data: MarginRiskData, leverage: Ratio, equity: Decimal) -> None:
    """Refuse a ``currentLeverage`` that its definition contradicts.

    It is ``total / net`` when the net value is positive, else ``-1``; the other pairing is
    refused.
    """
    if (leverage is NOT_APPLICABLE) != (equity <= 0):
        msg = (
            f"a current leverage of {data.current_leverage} for a net asset value of "
            f"{data.net_balance_in_usdt}; AscendEX sends -1 exactly when the net value is not "
            "positive"
        )
        raise InvalidResponseError(msg, field="$.data.currentLeverage", exchange=EXCHANGE)


def margin_risk(data: MarginRiskData, *, account: str, fetched_at: datetime) -> MarginRisk:
    """Build the domain risk profile; AscendEX's health metric is the cushion.

    Figures that contradict each other are refused at the field that disagrees (see
    :func:`_available`, :func:`_check_net`, :func:`_health` and :func:`_check_leverage`),
    the cushion before the leverage: it is the figure the state is read from.
    """
    total = _risk_amount(data.total_balance_in_usdt, "$.data.totalBalanceInUSDT")
    borrowed = _risk_amount(data.total_borrowed_in_usdt, "$.data.totalBorrowedInUSDT")
    interest = _risk_amount(data.total_interest_in_usdt, "$.data.totalInterestInUSDT")
    equity = data.net_balance_in_usdt  # negative when debt exceeds the holdings
    debt = EXACT.add(borrowed, interest)
    available = _available(data, total)
    _check_net(data, total, debt, equity)
    leverage = _ratio(data.current_leverage, "$.data.currentLeverage")
    max_leverage = _ratio(data.account_max_leverage, "$.data.accountMaxLeverage")
    health = _health(data, equity, debt)
    _check_leverage(data, leverage, equity)
    return MarginRisk(
        exchange=EXCHANGE,
        account=account,
        quote_asset=QUOTE_ASSET,
        total_value=total,
        available_value=available,
        borrowed_value=borrowed,
        interest_value=interest,
        equity=equity,
        leverage=leverage,
        max_leverage=max_leverage,
        health=health,
        fetched_at=fetched_at,
        extras={"points_balance": data.points_balance},
    )


# -- tickers ------------------------------------------------------------------------------


def _pair(row: TickerRow, index: int) -> Pair:
    """The row's market, from its ``BASE/QUOTE`` symbol; anything else is refused."""
    field = f"$.data[{index}].symbol"
    if row.type is not None and row.type != "spot":
        msg = f"a {row.type[:40]!r} ticker where only spot tickers are served"
        raise InvalidResponseError(msg, field=f"$.data[{index}].type", exchange=EXCHANGE)
    try:
        pair = Pair.parse(row.symbol) if _SYMBOL.fullmatch(row.symbol) else None
    except ValueError:
        pair = None
    if pair is None:
        msg = f"symbol {row.symbol[:40]!r} is not BASE/QUOTE in upper-case asset codes"
        raise InvalidResponseError(msg, field=field, exchange=EXCHANGE)
    return pair


def prices(rows: Sequence[TickerRow], *, fetched_at: datetime) -> list[Price]:
    """Each ticker's last price (``close``) as a :class:`~framework.prices.Price`, or a refusal.

    All or nothing: a symbol that is not ``BASE/QUOTE``, one listed twice (or twice in
    different case), a price that is not above zero, or a non-spot ticker refuses the whole
    answer at its field, since a book missing one market would value a holding through a
    worse path without saying so. The ticker carries no time: ``fetched_at`` (when the
    answer was read) is each price's time (docs/exchanges/ascendex.md, "Prices").
    """
    check_asset_codes(
        [row.symbol for row in rows], path=lambda i: f"$.data[{i}].symbol", exchange=EXCHANGE
    )
    result = []
    for index, row in enumerate(rows):
        pair = _pair(row, index)
        if row.close <= 0:
            msg = f"a last price of {row.close} for {pair}; a price is above zero"
            raise InvalidResponseError(msg, field=f"$.data[{index}].close", exchange=EXCHANGE)
        result.append(Price(pair, row.close, EXCHANGE, TICKER_SOURCE, fetched_at))
    return result
