"""``folio portfolio``: every wallet and the risk of every account, totals, optionally valued.

One call of :meth:`framework.host.Folio.portfolio`, printed as tables
(:mod:`framework.render_portfolio`), as one JSON document (``--json``), or as one row or line
per position (``--format csv`` / ``--format jsonl``; the failures then go to stderr, so they
are never silently left out). Exit 1 when any part failed (docs/cli.md, "folio portfolio"); a
holding without a price is not a failure but is shown as unvalued, and the total then says
it is incomplete (``"complete": false`` in JSON).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
from typing import Any, Final

from framework.cli.configuration import load_for
from framework.cli.output import EXIT_OK, EXIT_SOME_FAILED, emit_json
from framework.cli.progress import Progress, read_in_order
from framework.config import FolioConfig
from framework.host import Folio
from framework.portfolio import Portfolio, checked_quote
from framework.render_portfolio import failures_block, portfolio_text
from framework.serialize import to_jsonable
from framework.serialize_portfolio import POSITION_COLUMNS, VALUATION_COLUMNS, position_row

__all__ = ["print_portfolio", "register"]

FORMATS = ("table", "csv", "jsonl")


def _quote(text: str) -> str:
    """``--quote``: an asset code, upper-cased as typed (``usdt`` is ``USDT``)."""
    try:
        return checked_quote(text.strip().upper())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(commands: Any) -> None:
    """Add the ``portfolio`` subcommand to ``commands``."""
    portfolio = commands.add_parser(
        "portfolio",
        help="read every wallet and the risk of every account, with totals "
        "(--quote USDT values them)",
        description="Read every wallet each account's exchange serves and the risk of each of "
        "its risk wallets, concurrently, and print positions, totals per asset across "
        "exchanges (equity: net plus unrealized profit), each risk's state and every part that "
        "failed. With --quote, each holding is "
        "valued with its own exchange's last prices.",
    )
    portfolio.add_argument(
        "--account", action="append", metavar="NAME", help="only this account (repeatable)"
    )
    portfolio.add_argument(
        "--quote", type=_quote, metavar="ASSET",
        help="value every holding in this asset (e.g. USDT), with the price, path and source",
    )
    output = portfolio.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print one JSON document")
    output.add_argument(
        "--format", choices=FORMATS, default="table",
        help="table (default), or the positions as csv or jsonl (one per position)",
    )
    portfolio.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Read and print the portfolio; exit 1 when any part failed."""
    return asyncio.run(_portfolio(load_for(args), args))


async def _portfolio(config: FolioConfig, args: argparse.Namespace) -> int:
    selected: list[str] | None = args.account
    async with Folio.from_config(config) as folio:
        for name in selected or ():
            folio.account(name)  # unknown names are a usage error, before any request
        names = selected or list(folio.accounts)
        # Streamed for the progress line (stderr, terminals only); printed in the order asked.
        with Progress.for_command(args, len(names)) as progress:
            read = await read_in_order(folio.stream_portfolio(names), names, progress)
            portfolio = await folio.assemble_portfolio(read, quote=args.quote)
    print_portfolio(portfolio, "json" if args.json else args.format)
    return EXIT_SOME_FAILED if portfolio.failures else EXIT_OK


_NUMBERS: Final = frozenset(
    {"total", "available", "locked", "borrowed", "interest", "net", "unrealized_pnl", "equity",
     "value", "rate", "prices"}
)
_FORMULA: Final = ("=", "+", "-", "@", "\t", "\r")


def _inert(row: dict[str, str]) -> dict[str, str]:
    """``row`` with each text cell that a spreadsheet would run as a formula quoted with ``'``.

    An asset or account named ``=HYPERLINK(...)`` comes from an exchange's answer or a config
    file; opened in a spreadsheet, the export must show it, not run it. Number columns keep
    their sign: ``-5000`` is a debt, not a formula (docs/cli.md, "folio portfolio").
    """
    return {
        column: f"'{cell}" if column not in _NUMBERS and cell.startswith(_FORMULA) else cell
        for column, cell in row.items()
    }


def print_portfolio(portfolio: Portfolio, output: str) -> None:
    """Print ``portfolio`` as ``table``, ``json``, ``csv`` or ``jsonl``.

    csv and jsonl hold positions only; every failed part and unvalued holding is then written
    to stderr, one line each.
    """
    if output == "json":
        emit_json(to_jsonable(portfolio))
        return
    if output == "table":
        print(portfolio_text(portfolio))
        return
    quoted = portfolio.quote is not None
    if output == "csv":
        columns = [*POSITION_COLUMNS, *(VALUATION_COLUMNS if quoted else ())]
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(_inert(position_row(p, quote=quoted)) for p in portfolio.positions)
    else:
        for position in portfolio.positions:
            # ASCII escapes: a name holding U+2028 or U+0085 must not split the line for a
            # reader that splits on every line break (Python's str.splitlines does).
            print(json.dumps(to_jsonable(position), ensure_ascii=True))
    problems = failures_block(portfolio)
    if problems:
        print(problems, file=sys.stderr)
