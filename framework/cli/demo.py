"""``folio demo``: every installed simulator started and read through the whole stack."""

from __future__ import annotations

import argparse
import asyncio
import sys
from contextlib import ExitStack
from typing import Any

from framework.cli.output import EXIT_OK, EXIT_SOME_FAILED, EXIT_UNUSABLE, emit_json
from framework.cli.reading import balances_json, print_balances, print_risk
from framework.config import AccountConfig
from framework.host import Folio, Plugins
from framework.models import WalletKind
from framework.render import totals_table
from framework.results import total_by_asset
from framework.serialize import to_jsonable

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the ``demo`` subcommand to ``commands``."""
    demo = commands.add_parser(
        "demo",
        help="start the bundled exchange simulators and read them through the full stack",
        description="Start every installed plugin's exchange simulator on a loopback port, "
        "then read cash and margin balances and margin risk through the real plugin stack. "
        "Needs no configuration and no keys.",
    )
    demo.add_argument("--json", action="store_true", help="print JSON")
    demo.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Start the simulators, read them, print; exit 1 if any part failed."""
    plugins = Plugins()
    simulators = plugins.registry.simulators()
    if not simulators:
        print("folio: no installed plugin ships a simulator", file=sys.stderr)
        return EXIT_UNUSABLE
    with ExitStack() as stack:
        accounts: list[AccountConfig] = []
        urls: dict[str, str] = {}
        for simulator in simulators:
            handle = stack.enter_context(simulator.start("127.0.0.1", 0))
            urls[simulator.exchange] = handle.url
            accounts.extend(handle.demo_accounts())
        return asyncio.run(_demo_run(accounts, plugins, urls, as_json=args.json))


async def _demo_run(
    accounts: list[AccountConfig], plugins: Plugins, urls: dict[str, str], *, as_json: bool
) -> int:
    async with Folio(accounts, plugins=plugins) as folio:
        cash, margin, risk = await asyncio.gather(
            folio.all_balances(WalletKind.CASH),
            folio.all_balances(WalletKind.MARGIN),
            folio.all_risk(),
        )
    # The portfolio: every wallet of every account on every exchange, net of debt.
    portfolio = total_by_asset([*cash, *margin], field="net")
    if as_json:
        emit_json({
            "simulators": urls,
            "cash": balances_json(cash, WalletKind.CASH),
            "margin": balances_json(margin, WalletKind.MARGIN),
            "risk": {"accounts": to_jsonable(risk)},
            "portfolio": to_jsonable(portfolio),
        })
    else:
        for exchange, url in urls.items():
            print(f"{exchange} simulator listening on {url} (seed sample data)")
        print()
        print_balances(cash, WalletKind.CASH, as_json=False)
        print()
        print_balances(margin, WalletKind.MARGIN, as_json=False)
        print()
        print_risk(risk, as_json=False)
        print()
        print("Portfolio: net per asset, cash and margin wallets of every exchange")
        print(totals_table(portfolio))
    ok = cash.ok and margin.ok and risk.ok
    return EXIT_OK if ok else EXIT_SOME_FAILED
