"""The portfolio as plain-text tables for ``folio portfolio`` and ``folio demo``.

Amounts held are printed with exactly the digits the exchange sent, as in
:mod:`framework.render`. Values in the quote currency are the one thing rounded, and only here,
for reading (:func:`value_text`); the JSON output keeps them exact. The rules are documented in
docs/cli.md ("folio portfolio"):

- a value is rounded half to even to 8 decimal places, trailing zeros dropped down to 2;
- an asset's share is its value over the sum of the positive values (what is held, gross of
  the debts that are negative values), drawn as a bar of :data:`BAR_WIDTH` cells of unicode
  block characters in eighths, with the percentage to one decimal; an asset with no value or a
  value of zero or below gets no bar. Without a quote there are no bars: amounts of different
  assets cannot be compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Final

from framework.models import EXACT, WalletKind
from framework.portfolio import AccountRisk, AssetValue, Portfolio, Position
from framework.prices import Price
from framework.render import health_text, table
from framework.serialize import amount_text
from framework.valuation import Valuation

__all__ = [
    "BAR_WIDTH",
    "assets_table",
    "failures_block",
    "portfolio_text",
    "positions_table",
    "prices_table",
    "risks_table",
    "share_bar",
    "valuation_text",
    "value_text",
]

BAR_WIDTH: Final = 20
"""Cells of a share bar: each cell is 5%, drawn in eighths (0.625% steps)."""

_EIGHTHS: Final = " ▏▎▍▌▋▊▉"
_FULL: Final = "█"
_PLACES: Final = Decimal("1E-8")
_CENTS: Final = Decimal("1E-2")
_PERCENT: Final = Decimal("0.1")
_ZERO: Final = Decimal(0)


def value_text(value: Decimal) -> str:
    """A value for reading: rounded half to even to 8 places, at least 2 places shown."""
    rounded = value.quantize(_PLACES, rounding=ROUND_HALF_EVEN, context=EXACT)
    trimmed = rounded.normalize(EXACT)
    exponent = trimmed.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        trimmed = rounded.quantize(_CENTS, context=EXACT)
    return amount_text(trimmed)


def share_bar(share: Decimal, width: int = BAR_WIDTH) -> str:
    """``share`` (0 to 1) as a bar ``width`` cells wide; outside that range it is clamped."""
    eighths = int((share * width * 8).to_integral_value(rounding=ROUND_HALF_EVEN))
    eighths = min(max(eighths, 0), width * 8)
    full, part = divmod(eighths, 8)
    bar = _FULL * full + (_EIGHTHS[part] if part else "")
    return bar.ljust(width)


def _price_text(valuation: Valuation) -> str:
    return " x ".join(amount_text(price.value) for price in valuation.prices)


def positions_table(positions: Sequence[Position], quote: str | None) -> str:
    """One row per position; with a quote, its value, the prices and the path used.

    ``DEBT`` is borrowed plus interest, so ``NET = TOTAL - DEBT``; an unvalued position shows
    ``unvalued`` (its reason is in :func:`failures_block`). Where some position has an
    unrealized profit or loss, ``UNREALIZED PNL`` and ``EQUITY`` (net + unrealized, the amount
    valued) follow ``NET``; without one the table is as it always was.
    """
    with_pnl = any(p.unrealized_pnl for p in positions)
    headers = ["ACCOUNT", "EXCHANGE", "WALLET", "ASSET", "TOTAL", "DEBT", "NET"]
    if with_pnl:
        headers += ["UNREALIZED PNL", "EQUITY"]
    amounts = len(headers)
    if quote is not None:
        headers += [f"VALUE {quote}", "PRICE", "PATH"]
    rows: list[list[str]] = []
    for position in positions:
        balance = position.balance
        debt = EXACT.add(balance.borrowed, balance.interest)
        row = [
            position.account, position.exchange, position.wallet.value, position.asset,
            amount_text(balance.total), amount_text(debt), amount_text(balance.net),
        ]
        if with_pnl:
            row += [amount_text(balance.unrealized_pnl), amount_text(balance.equity)]
        valuation = position.valuation
        if quote is not None and valuation is not None:
            if valuation.value is None:
                row += ["unvalued", "", ""]
            else:
                row += [value_text(valuation.value), _price_text(valuation), valuation.path_text]
        rows.append(row)
    return table(headers, rows, numeric=set(range(4, amounts + 2)))


def _shares(assets: Sequence[AssetValue]) -> dict[str, Decimal]:
    held = _ZERO
    for asset in assets:
        if asset.value is not None and asset.value > 0:
            held = EXACT.add(held, asset.value)
    if held <= 0:
        return {}
    return {
        a.asset: a.value / held for a in assets if a.value is not None and a.value > 0
    }


def assets_table(portfolio: Portfolio) -> str:
    """Totals per asset across exchanges; with a quote, each value and share as a bar.

    ``NET`` is the ledger's; where some asset has an unrealized profit or loss, ``UNREALIZED
    PNL`` and ``EQUITY`` (their sum, the amount valued) follow it (docs/host-api.md).
    """
    value = portfolio.value
    totals = portfolio.totals
    unrealized = portfolio.unrealized_pnl
    extra = ["UNREALIZED PNL", "EQUITY"] if unrealized else []
    if value is None:
        nets: dict[str, Decimal] = {}
        for position in portfolio.positions:
            nets[position.asset] = EXACT.add(nets.get(position.asset, _ZERO), position.net)
        rows: list[list[str]] = []
        for name, equity in totals.totals.items():
            cells = [name, amount_text(nets.get(name, equity))]
            if unrealized:
                cells += [amount_text(unrealized.get(name, _ZERO)), amount_text(equity)]
            rows.append(cells)
        text = table(["ASSET", "NET", *extra], rows, numeric=set(range(1, 2 + len(extra))))
    else:
        shares = _shares(value.assets)
        rows = []
        for asset in value.assets:
            share = shares.get(asset.asset)
            shown = "unvalued" if asset.value is None else value_text(asset.value)
            if asset.value is not None and not asset.complete:
                shown += " (partly unvalued)"
            pnl_cells = (
                [amount_text(asset.unrealized_pnl), amount_text(asset.equity)] if extra else []
            )
            rows.append([
                asset.asset, amount_text(asset.net), *pnl_cells, shown,
                "" if share is None else share_bar(share),
                "" if share is None else f"{(share * 100).quantize(_PERCENT)}%",
            ])
        headers = ["ASSET", "NET", *extra, f"VALUE {value.quote}", "SHARE", ""]
        width = len(extra)
        text = table(headers, rows, {1, 2 + width, 4 + width, *range(2, 2 + width)})
        text += f"\nTOTAL {value_text(value.total)} {value.quote}"
        if not value.complete:
            # Not "a lower bound": an unvalued debt, or a missing wallet's, would lower it.
            text += " (INCOMPLETE: only what could be valued, see below)"
    count = len(totals.included)
    note = f"across {count} account{'s' if count != 1 else ''}"
    if totals.missing:
        note += f"; INCOMPLETE, missing: {', '.join(totals.missing)}"
    return f"{text}\n({note})"


def _wallets_shown(risks: Sequence[AccountRisk]) -> bool:
    """Whether the table names each risk's wallet: when one is not the margin wallet's."""
    return any(entry.wallet is not WalletKind.MARGIN for entry in risks)


def risks_table(risks: Sequence[AccountRisk], quote: str | None) -> str:
    """Each risk's state, its equity and debt, and both in the quote if given.

    ``WALLET`` names the risk pool where some risk is not the margin wallet's (a unified
    account's is ``cash``, a futures wallet's ``futures``); ``MAINT MARGIN`` and ``UNREALIZED
    PNL`` (``-``: not reported) appear where some risk reports positions' figures.
    """
    with_wallet = _wallets_shown(risks)
    positions = any(
        e.risk.maintenance_margin is not None or e.risk.unrealized_pnl is not None for e in risks
    )
    headers = ["ACCOUNT", "EXCHANGE"]
    headers += ["WALLET"] if with_wallet else []
    first = len(headers) + 1
    headers += ["QUOTE", "EQUITY", "DEBT"]
    headers += ["MAINT MARGIN", "UNREALIZED PNL"] if positions else []
    if quote is not None:
        headers += [f"EQUITY {quote}", f"DEBT {quote}"]
    numeric = set(range(first, len(headers)))
    headers.append("HEALTH")
    rows: list[list[str]] = []
    for entry in risks:
        risk = entry.risk
        row = [entry.account, entry.exchange]
        row += [entry.wallet.value] if with_wallet else []
        row += [risk.quote_asset, amount_text(risk.equity), amount_text(risk.debt)]
        if positions:
            row += [_reported(risk.maintenance_margin), _reported(risk.unrealized_pnl)]
        if quote is not None:
            valued = entry.valued
            equity = None if valued is None else valued.equity.value
            debt = None if valued is None else valued.debt.value
            row += [
                "unvalued" if equity is None else value_text(equity),
                "unvalued" if debt is None else value_text(debt),
            ]
        row.append(health_text(risk))
        rows.append(row)
    return table(headers, rows, numeric)


def _reported(value: Decimal | None) -> str:
    return "-" if value is None else amount_text(value)


def _prices_used(portfolio: Portfolio) -> list[Price]:
    seen: dict[tuple[str, str], Price] = {}
    valuations = [p.valuation for p in portfolio.positions]
    for risk in portfolio.risks:
        if risk.valued is not None:
            valuations.append(risk.valued.equity)
    for valuation in valuations:
        for price in valuation.prices if valuation is not None else ():
            seen.setdefault((price.exchange, str(price.pair)), price)
    return sorted(seen.values(), key=lambda p: (p.exchange, str(p.pair)))


def prices_table(portfolio: Portfolio) -> str:
    """Every price a valuation used: exchange, pair, price, kind, source endpoint and time."""
    rows = [
        [p.exchange, str(p.pair), amount_text(p.value), p.kind.value, p.source,
         p.at.isoformat().replace("+00:00", "Z")]
        for p in _prices_used(portfolio)
    ]
    return table(["EXCHANGE", "PAIR", "PRICE", "KIND", "SOURCE", "AT"], rows, numeric={2})


def failures_block(portfolio: Portfolio) -> str:
    """One line per failed part, then one per unvalued position, with the reason."""
    lines = [f"FAILED {failure}" for failure in portfolio.failures]
    if portfolio.value is not None:
        lines += [
            f"UNVALUED {p.account} ({p.exchange}) {p.wallet.value} {p.asset}: "
            f"{p.valuation.reason if p.valuation is not None else ''}"
            for p in portfolio.value.unvalued
        ]
    return "\n".join(lines)


def valuation_text(portfolio: Portfolio) -> str:
    """Totals per asset with values and shares, risk in the quote, prices used, failures.

    The part of :func:`portfolio_text` after the positions: what ``folio demo`` prints below
    its balance tables.
    """
    sections = [assets_table(portfolio)]
    if portfolio.risks and portfolio.quote is not None:
        sections.append(risks_table(portfolio.risks, portfolio.quote))
    if portfolio.quote is not None and _prices_used(portfolio):
        sections.append(f"prices used:\n{prices_table(portfolio)}")
    failures = failures_block(portfolio)
    if failures:
        sections.append(failures)
    return "\n\n".join(sections)


def portfolio_text(portfolio: Portfolio) -> str:
    """The whole portfolio: positions, totals with shares, risk, prices used, failures."""
    quote = portfolio.quote
    title = "portfolio" if quote is None else f"portfolio in {quote}"
    sections = [
        f"== {title}: positions ==\n{positions_table(portfolio.positions, quote)}",
        f"== totals per asset ==\n{assets_table(portfolio)}",
    ]
    if portfolio.risks:
        sections.append(f"== risk ==\n{risks_table(portfolio.risks, quote)}"
                        if _wallets_shown(portfolio.risks)
                        else f"== margin risk ==\n{risks_table(portfolio.risks, quote)}")
    if quote is not None and _prices_used(portfolio):
        sections.append(f"== prices used ==\n{prices_table(portfolio)}")
    failures = failures_block(portfolio)
    if failures:
        sections.append(failures)
    return "\n\n".join(sections)
