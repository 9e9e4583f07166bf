"""JSON -> Binance wire classes -> folio domain models, exactly, or a typed error naming the field.

The strict reader (:class:`adapters.kit.strict.WireReader`) builds this adapter's converters on
first use, so a host without a Binance account never pays for them; its amount hook parses each
amount once, and the wire classes hold ``Decimal``. What each answer means, and the checks
that keep a wrong reading from becoming a wrong total:

* **Spot** (``GET /api/v3/account``): ``total = free + locked``, ``available = free``.
* **Cross margin** (``userAssets`` of ``GET /sapi/v1/margin/account``): the same, plus
  ``borrowed`` and ``interest``. Binance also sends ``netAsset``, its own ``free + locked -
  borrowed - interest``; folio recomputes it and **refuses the answer** when the two differ.
  Every amount is an exact ledger figure with 8 decimals, so the subtraction is exact: a
  difference means the answer is not what the documentation says it is, and a portfolio built
  on a misread answer is worse than an error that names ``$.userAssets[i].netAsset``.
* **Margin risk**: totals in BTC. ``totalLiabilityOfBtc`` is borrowed *plus* interest (the
  margin level divides by their sum), and Binance does not split it in BTC, so it is reported as
  ``borrowed_value`` with ``interest_value`` ``None`` (not reported; the per-asset interest is
  exact in the margin balances). ``available_value`` and ``max_leverage`` are ``None`` too: the
  endpoint values neither. ``equity`` is ``totalAssetOfBtc - totalLiabilityOfBtc``;
  ``totalNetAssetOfBtc`` is checked against it to one unit in the last digit (each total is
  rounded on its own) and a larger gap is refused like a ``netAsset`` mismatch.
* **Prices** (``GET /api/v3/ticker/price``): a symbol (``BNBBTC``) has no separator, so its
  pair is never guessed from its letters but looked up in ``GET /api/v3/exchangeInfo``
  (``baseAsset``/``quoteAsset``). Only markets ``TRADING`` now are priced: a halted market's last
  price is stale. A symbol or a pair listed twice, a price that is not above zero, a symbol not
  asked for, or one asked for and missing, refuse the whole answer.
* **Health**: Cross Margin Classic (``MARGIN_1``, and answers without ``accountType``) reports
  the margin level, total asset / (liability + interest), liquidated at 1.1. Cross Margin Pro
  (``MARGIN_2``) puts net equity over maintenance margin in the same field and is liquidated at
  1.0, which is folio's *cushion* metric. The state (:class:`~framework.models.HealthState`)
  comes from the amounts: without debt there is nothing to liquidate and Binance sends a
  sentinel (``"999"``), so the state is ``not_applicable``; debt without positive net assets is
  ``insolvent``; an unknown account type has no known threshold and is ``unrated``.

Arithmetic runs in a local decimal context that traps inexact results, so a sum is exact or an
error, never silently rounded; the process-wide context is never touched.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from adapters.binance.wire import (
    WIRE_CLASSES,
    ExchangeInfo,
    MarginAccount,
    MarginAsset,
    SpotAccount,
    SpotBalance,
    TickerPrice,
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
    "CLASSIC_LIQUIDATION_LEVEL",
    "EXCHANGE",
    "PRO_LIQUIDATION_LEVEL",
    "QUOTE_ASSET",
    "margin_risk",
    "margin_snapshot",
    "markets",
    "prices",
    "spot_snapshot",
    "structure",
]

EXCHANGE: Final = "binance"
QUOTE_ASSET: Final = "BTC"
"""Binance values a cross-margin account in BTC."""
CLASSIC_LIQUIDATION_LEVEL: Final = Decimal("1.1")
"""Cross Margin Classic (3x and 5x) is liquidated when its margin level falls to 1.1."""
PRO_LIQUIDATION_LEVEL: Final = Decimal("1.0")
"""Cross Margin Pro is liquidated when its margin level (equity / maintenance) falls to 1.0."""
LEVERAGE_PLACES: Final = 8
"""Binance writes ratios with 8 decimals; the leverage folio derives is rounded to match."""

_HEALTH: Final[Mapping[str | None, tuple[HealthMetric, Decimal]]] = {
    None: (HealthMetric.MARGIN_LEVEL, CLASSIC_LIQUIDATION_LEVEL),
    "MARGIN_1": (HealthMetric.MARGIN_LEVEL, CLASSIC_LIQUIDATION_LEVEL),
    "MARGIN_2": (HealthMetric.CUSHION, PRO_LIQUIDATION_LEVEL),
}

_READER: Final = WireReader(EXCHANGE, WIRE_CLASSES)


def structure(payload: Any, wire_type: Any, *, path: str = "$") -> Any:
    """``payload`` as ``wire_type``, or :class:`InvalidResponseError` naming every JSON path."""
    return _READER.structure(payload, wire_type, path=path)


@contextmanager
def _exact() -> Iterator[None]:
    """Decimal arithmetic that is exact or raises, whatever the process-wide context says."""
    with decimal.localcontext() as context:
        # Any width above two amounts' digits works (a mutation to 5x is equivalent).
        context.prec = 4 * MAX_AMOUNT_DIGITS
        context.traps[decimal.Inexact] = True
        context.traps[decimal.Rounded] = True
        yield


def _invalid(detail: str, field: str) -> InvalidResponseError:
    return InvalidResponseError(detail, field=field, exchange=EXCHANGE)


# -- prices ----------------------------------------------------------------------------------


def markets(info: ExchangeInfo) -> dict[str, Pair]:
    """Symbol -> pair of each market trading now; a market folio cannot name is left out."""
    found: dict[str, Pair] = {}
    symbols: set[str] = set()
    pairs: set[Pair] = set()
    for i, row in enumerate(info.symbols):
        if row.symbol in symbols:
            raise _invalid(f"symbol {row.symbol[:40]!r} is listed twice", f"$.symbols[{i}].symbol")
        symbols.add(row.symbol)
        try:
            pair = Pair(row.base_asset, row.quote_asset)
        except ValueError:
            continue  # assets no holding is named by (lower case, empty): nothing to value
        if row.status != "TRADING":
            continue
        if pair in pairs:
            raise _invalid(f"two symbols trade {pair}", f"$.symbols[{i}]")
        pairs.add(pair)
        found[row.symbol] = pair
    return found


def prices(
    rows: Sequence[TickerPrice], markets: Mapping[str, Pair], asked: Sequence[str] | None, *,
    source: str, at: datetime,
) -> list[Price]:
    """The prices of ``rows`` (for ``asked`` symbols, or all): each pair once, above zero."""
    seen: set[str] = set()
    result: list[Price] = []
    for i, row in enumerate(rows):
        if row.symbol in seen or (asked is not None and row.symbol not in asked):
            why = "is listed twice" if row.symbol in seen else "was not asked for"
            raise _invalid(f"symbol {row.symbol[:40]!r} {why}", f"$[{i}].symbol")
        seen.add(row.symbol)
        pair = markets.get(row.symbol)
        if pair is None:
            continue  # not trading, or listed after exchangeInfo was read: its assets unknown
        if not row.price.is_finite() or row.price <= 0:
            raise _invalid(f"the price of {row.symbol} must be above zero, got {row.price}",
                           f"$[{i}].price")
        result.append(Price(pair, row.price, EXCHANGE, source, at))
    missing = sorted(set(asked or ()) - seen)
    if missing:
        raise _invalid(f"symbols asked for are missing: {', '.join(missing)}", "$")
    return result


# -- balances --------------------------------------------------------------------------------


def _not_negative(value: Decimal, field: str) -> Decimal:
    return not_negative(value, field=field, exchange=EXCHANGE)


def _checked_assets(rows: Sequence[SpotBalance | MarginAsset], key: str) -> None:
    codes = [row.asset for row in rows]
    check_asset_codes(codes, path=lambda i: f"$.{key}[{i}].asset", exchange=EXCHANGE)


def spot_snapshot(
    account: SpotAccount, *, account_name: str, fetched_at: datetime
) -> BalanceSnapshot:
    """The spot wallet: ``total = free + locked``, ``available = free``."""
    _checked_assets(account.balances, "balances")
    with _exact():
        balances = [
            AssetBalance(
                row.asset,
                _not_negative(row.free, f"$.balances[{i}].free")
                + _not_negative(row.locked, f"$.balances[{i}].locked"),
                row.free,
            )
            for i, row in enumerate(account.balances)
        ]
    return BalanceSnapshot(EXCHANGE, account_name, WalletKind.CASH, balances, fetched_at)


def _is_empty(row: MarginAsset) -> bool:
    return not any((row.free, row.locked, row.borrowed, row.interest, row.net_asset))


def _margin_balance(row: MarginAsset, index: int) -> AssetBalance:
    at = f"$.userAssets[{index}]"
    free = _not_negative(row.free, f"{at}.free")
    balance = AssetBalance(
        asset=row.asset,
        total=free + _not_negative(row.locked, f"{at}.locked"),
        available=free,
        borrowed=_not_negative(row.borrowed, f"{at}.borrowed"),
        interest=_not_negative(row.interest, f"{at}.interest"),
    )
    if balance.net != row.net_asset:
        raise _invalid(
            f"netAsset {row.net_asset} of {row.asset[:40]!r} is not free + locked - borrowed - "
            f"interest = {balance.net}; refusing an answer that contradicts itself",
            f"$.userAssets[{index}].netAsset",
        )
    return balance


def margin_snapshot(
    account: MarginAccount, *, account_name: str, fetched_at: datetime, omit_zero: bool = True
) -> BalanceSnapshot:
    """The cross-margin wallet; ``omit_zero`` drops assets whose every amount is zero."""
    balances = _margin_rows(account, omit_zero=omit_zero)
    return BalanceSnapshot(EXCHANGE, account_name, WalletKind.MARGIN, balances, fetched_at)


def _margin_rows(account: MarginAccount, *, omit_zero: bool) -> list[AssetBalance]:
    """The checked rows of a margin answer: unique codes, no negative amount, netAsset agreed.

    The balances and the risk profile are read from the same answer, so both run these checks:
    an answer refused as a wallet must not be read as a risk profile.
    """
    _checked_assets(account.user_assets, "userAssets")
    with _exact():
        return [
            _margin_balance(row, index)
            for index, row in enumerate(account.user_assets)
            if not (omit_zero and _is_empty(row))
        ]


# -- risk ------------------------------------------------------------------------------------


NO_DEBT_LEVEL: Final = Decimal(999)
"""The margin level Binance sends when nothing is owed; with debt, a cap (see below)."""


def _check_classic_level(level: Decimal, total: Decimal, liability: Decimal) -> None:
    """A Classic level must be ``total / liability`` as far as the 8-decimal totals tell.

    Binance computes the level from unrounded values (its sample's 11.64405625 is not the
    rounded totals' 11.644056308), so it is compared with the range the totals allow: each may
    be off by one unit in its last digit, and the level by one in its own. ``999`` with debt is
    read as a cap, accepted where the totals allow a level that high. A level outside the
    range would be a wrong state (``"999"`` for an account at its call level reads as ``ok``):
    refused at ``$.marginLevel`` (docs/exchanges/binance.md, "Margin level").
    """
    unit = last_place(total, liability)
    slack = last_place(level)
    with decimal.localcontext() as context:
        context.prec = 4 * MAX_AMOUNT_DIGITS
        low = (total - unit) / (liability + unit) - slack
        high = None if liability <= unit else (total + unit) / (liability - unit) + slack
    too_low = level < low and level != NO_DEBT_LEVEL  # 999 with debt: a cap on a higher level
    too_high = high is not None and level > high
    if too_low or too_high:
        raise _invalid(
            f"a Cross Margin Classic level of {level} for totalAssetOfBtc {total} over "
            f"totalLiabilityOfBtc {liability}; refusing an answer that contradicts itself",
            "$.marginLevel",
        )


def _health(
    account: MarginAccount, total: Decimal, liability: Decimal, equity: Decimal
) -> MarginHealth:
    """The margin level read as a state, decided from the amounts (``framework.models``).

    Without debt the level is a division by zero and Binance fills in a large sentinel
    (``"999"``): not applicable. With debt and no positive net value the account is insolvent,
    whatever the level says (a Classic level is still a positive number then, below 1). With
    debt and positive equity a Classic level is checked against the totals
    (:func:`_check_classic_level`); a Pro level is another ratio and cannot be.
    """
    known = _HEALTH.get(account.account_type)
    metric, threshold = known if known is not None else (HealthMetric.MARGIN_LEVEL, None)
    level = account.margin_level
    if level < 0:
        raise _invalid(f"a negative margin level: {account.margin_level}", "$.marginLevel")
    classic = known is not None and metric is HealthMetric.MARGIN_LEVEL
    if classic and liability > 0 and equity > 0:
        _check_classic_level(level, total, liability)
    return MarginHealth.assess(
        metric=metric,
        ratio=level,
        liquidation_threshold=threshold,
        equity=equity,
        debt=liability,
    )


def margin_risk(
    account: MarginAccount, *, account_name: str, fetched_at: datetime
) -> MarginRisk:
    """The cross-margin account's risk profile, in BTC (see the module docstring)."""
    _margin_rows(account, omit_zero=False)  # the rows are part of the answer: checked alike
    total = _not_negative(account.total_asset_of_btc, "$.totalAssetOfBtc")
    liability = _not_negative(account.total_liability_of_btc, "$.totalLiabilityOfBtc")
    stated_net = account.total_net_asset_of_btc  # may be negative: debt over assets
    with _exact():
        equity = total - liability
        gap = abs(stated_net - equity)
    if gap > last_place(total, liability, stated_net):
        raise _invalid(
            f"totalNetAssetOfBtc {account.total_net_asset_of_btc} is not totalAssetOfBtc - "
            f"totalLiabilityOfBtc = {equity}",
            "$.totalNetAssetOfBtc",
        )
    leverage: Ratio = NOT_APPLICABLE
    if equity > 0:
        with decimal.localcontext() as context:
            context.prec = 4 * MAX_AMOUNT_DIGITS
            leverage = (total / equity).quantize(
                Decimal(1).scaleb(-LEVERAGE_PLACES), rounding=decimal.ROUND_HALF_EVEN
            )
    extras = {
        name: figure
        for name, figure in (
            ("collateral_margin_level", account.collateral_margin_level),
            ("total_collateral_value_usdt", account.total_collateral_value_in_usdt),
            ("total_open_order_loss_usdt", account.total_open_order_loss_in_usdt),
        )
        if figure is not None
    }
    return MarginRisk(
        exchange=EXCHANGE,
        account=account_name,
        quote_asset=QUOTE_ASSET,
        total_value=total,
        available_value=None,  # not reported in BTC: no invented upper bound
        borrowed_value=liability,
        interest_value=None,  # included in borrowed_value (totalLiabilityOfBtc)
        equity=equity,
        leverage=leverage,
        max_leverage=None,  # the endpoint does not report it
        health=_health(account, total, liability, equity),
        fetched_at=fetched_at,
        extras=extras,
    )
