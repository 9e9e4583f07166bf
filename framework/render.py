"""Plain-text tables for the ``folio`` command line.

Amounts are printed with exactly the digits the exchange sent and right-aligned, so columns
of balances can be compared by eye; nothing is rounded for display.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

from framework.loading import PluginRecord
from framework.models import EXACT, BalanceSnapshot, HealthState, MarginRisk, Ratio
from framework.registry import ExchangeSupport
from framework.results import AssetTotals, FanOut
from framework.serialize import amount_text

__all__ = [
    "balances_table",
    "errors_block",
    "health_text",
    "plugins_table",
    "risk_table",
    "totals_table",
]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    """Align ``rows`` under ``headers``; columns in ``numeric`` are right-aligned."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.rjust(width) if index in numeric else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), *(line(row) for row in rows)])


def _amount(value: Decimal) -> str:
    return amount_text(value)


def _reported(value: Ratio | None) -> str:
    """A value the exchange may not report: ``-`` when it does not."""
    return "-" if value is None else _ratio(value)


def _ratio(value: Ratio) -> str:
    return "n/a" if not isinstance(value, Decimal) else amount_text(value)


_LEVERAGE_PLACES: Final = Decimal("1e-10")
_LEVERAGE_MOST_PLACES: Final = 12


def _leverage(value: Ratio | None) -> str:
    """A leverage for a table: a long quotient to 10 decimals (``--json`` keeps every digit).

    A leverage folio computed is carried at up to 34 significant digits
    (framework/valuation.py); 30 of them in a column say nothing and push the health, the
    column that matters, off the screen. Only a figure with more than 12 decimals is
    shortened: no exchange sends one that long, so an exchange's own figure (AscendEX's
    ``1.503759398``) is shown as sent. Amounts are never shortened.
    """
    if (isinstance(value, Decimal)
            and value.as_tuple().exponent < -_LEVERAGE_MOST_PLACES):  # type: ignore[operator]
        value = value.quantize(_LEVERAGE_PLACES, context=EXACT)  # no 28-digit limit
    return _reported(value)


def balances_table(fan_out: FanOut[BalanceSnapshot]) -> str:
    """One row per asset per successful account.

    Where some row has an unrealized profit or loss (a futures wallet), the table gains
    ``UNREALIZED PNL`` and ``EQUITY`` (net + unrealized) after ``NET``; without one it is as it
    always was.
    """
    snapshots = fan_out.values
    with_pnl = any(row.unrealized_pnl for s in snapshots.values() for row in s.balances)
    headers = ["ACCOUNT", "EXCHANGE", "WALLET", "ASSET", "TOTAL", "AVAILABLE", "LOCKED",
               "BORROWED", "INTEREST", "NET"]
    if with_pnl:
        headers += ["UNREALIZED PNL", "EQUITY"]
    rows: list[list[str]] = []
    for account, snapshot in snapshots.items():
        if not snapshot.balances:
            rows.append([account, snapshot.exchange, snapshot.wallet.value, "(none)",
                         *[""] * (len(headers) - 4)])
        for row in snapshot.balances:
            cells = [
                account, snapshot.exchange, snapshot.wallet.value, row.asset,
                _amount(row.total), _amount(row.available), _amount(row.locked),
                _amount(row.borrowed), _amount(row.interest), _amount(row.net),
            ]
            if with_pnl:
                cells += [_amount(row.unrealized_pnl), _amount(row.equity)]
            rows.append(cells)
    return table(headers, rows, numeric=set(range(4, len(headers))))


def totals_table(totals: AssetTotals) -> str:
    """Sums per asset, with a line naming the accounts left out."""
    rows = [[asset, _amount(amount)] for asset, amount in totals.totals.items()]
    text = table(["ASSET", totals.field.upper()], rows, numeric={1})
    count = len(totals.included)
    note = f"across {count} account{'s' if count != 1 else ''}"
    if totals.missing:
        note += f"; INCOMPLETE, missing: {', '.join(totals.missing)}"
    return f"{text}\n({note})"


def health_text(risk: MarginRisk) -> str:
    """The account's margin state in words, the alarming ones in capitals.

    An insolvent account is said with its figures, never as "n/a": a reader skimming the table
    for danger must find it (see :class:`framework.models.HealthState`).
    """
    health = risk.health
    quote = risk.quote_asset
    ratio = f"{health.metric.value} {_ratio(health.value)}"
    threshold = _reported(health.liquidation_threshold)  # written out: never ``1E+1``
    if not health.metric.higher_is_safer:
        # A rate of use is liquidated when it rises to the threshold: say which way it points.
        threshold = f">= {threshold}, lower is safer"
    if health.state is HealthState.INSOLVENT:
        owed = f"debt {_amount(risk.debt)} {quote}"
        if risk.maintenance_margin:
            owed += f", maintenance margin {_amount(risk.maintenance_margin)} {quote}"
        return f"INSOLVENT: net value {_amount(risk.equity)} {quote}, {owed}"
    if health.state is HealthState.NOT_APPLICABLE:
        if risk.maintenance_margin is None:
            return "n/a: nothing borrowed"
        return "n/a: nothing borrowed, no position"
    if health.state is HealthState.AT_RISK:
        return f"AT RISK: {ratio}, liquidation at {threshold}"
    if health.state is HealthState.UNRATED:
        return f"unrated: {ratio}, liquidation level unknown"
    return f"ok: {ratio} (liquidation at {threshold})"


def _has_positions(risks: Sequence[MarginRisk]) -> bool:
    """Whether some risk reports what positions add (their margin, profit or notional)."""
    return any(
        r.maintenance_margin is not None or r.unrealized_pnl is not None
        or r.position_notional is not None
        for r in risks
    )


def risk_table(fan_out: FanOut[MarginRisk]) -> str:
    """One row per successful account's risk profile.

    Where some account reports positions' figures, the table gains ``MAINT MARGIN``,
    ``UNREALIZED PNL``, ``NOTIONAL`` and ``NOTIONAL LEV`` (``-``: not reported); without, it is
    as it always was. Where the rows are of more than one wallet (each account's default risk
    wallet: a unified account's ``cash``, Binance's ``margin``), ``WALLET`` says whose each
    row is: a heading naming several wallets cannot.
    """
    risks = fan_out.values
    positions = _has_positions(list(risks.values()))
    with_wallet = len({r.wallet for r in risks.values()}) > 1
    headers = ["ACCOUNT", "EXCHANGE", *(["WALLET"] if with_wallet else []), "QUOTE", "TOTAL",
               "EQUITY", "BORROWED", "INTEREST", "AVAILABLE", "LEVERAGE", "MAX LEV"]
    if positions:
        headers += ["MAINT MARGIN", "UNREALIZED PNL", "NOTIONAL", "NOTIONAL LEV"]
    rows: list[list[str]] = []
    for account, risk in risks.items():
        row = [
            account, risk.exchange, *([risk.wallet.value] if with_wallet else []),
            risk.quote_asset, _amount(risk.total_value),
            _amount(risk.equity), _amount(risk.borrowed_value), _reported(risk.interest_value),
            _reported(risk.available_value), _leverage(risk.leverage),
            _reported(risk.max_leverage),
        ]
        if positions:
            row += [
                _reported(risk.maintenance_margin), _reported(risk.unrealized_pnl),
                _reported(risk.position_notional), _leverage(risk.notional_leverage),
            ]
        rows.append([*row, health_text(risk)])
    first = 4 if with_wallet else 3
    return table([*headers, "HEALTH"], rows, numeric=set(range(first, len(headers))))


def errors_block(fan_out: FanOut[Any]) -> str:
    """One line per failed account: the error type and its located message."""
    lines = [
        f"FAILED {account}: {type(error).__name__}: {error}"
        for account, error in fan_out.errors.items()
    ]
    return "\n".join(lines)


def plugins_table(records: Sequence[PluginRecord], exchanges: Sequence[ExchangeSupport]) -> str:
    """Installed plugins with their status, then exchanges with their capabilities.

    ``RISK WALLETS`` lists the wallets whose risk is served, the default (what ``folio risk``
    reads without ``--wallet``) first.
    """
    plugin_rows = [
        [r.name, r.status.value, f"{r.distribution or '-'} {r.version or ''}".strip(),
         r.error or ""]
        for r in records
    ]
    text = table(["PLUGIN", "STATUS", "DISTRIBUTION", "PROBLEM"], plugin_rows, numeric=set())
    exchange_rows = [
        [e.exchange, ", ".join(c.value for c in sorted(e.capabilities)),
         ", ".join(w.value for w in e.risk_wallets) or "-", ", ".join(e.plugins)]
        for e in exchanges
    ]
    headers = ["EXCHANGE", "CAPABILITIES", "RISK WALLETS", "PLUGIN"]
    text += "\n\n" + table(headers, exchange_rows, numeric=set())
    return text
