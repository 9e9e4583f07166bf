"""``folio demo``: every installed simulator started and read through the whole stack."""

from __future__ import annotations

import argparse
import asyncio
import sys
from contextlib import ExitStack
from typing import Any, Final

from framework.cli.next_steps import next_steps
from framework.cli.output import EXIT_OK, EXIT_SOME_FAILED, EXIT_UNUSABLE, emit_json
from framework.cli.reading import balances_json, print_balances, print_risk
from framework.config import AccountConfig
from framework.host import Folio, Plugins
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.portfolio import PART_ACCOUNT, Portfolio, balance_part, risk_part
from framework.render_portfolio import valuation_text
from framework.results import AccountResult, FanOut
from framework.serialize import to_jsonable

__all__ = ["DEMO_QUOTE", "register"]

DEMO_QUOTE: Final = "USDT"
"""The currency the demo values the portfolio in."""


def register(commands: Any) -> None:
    """Add the ``demo`` subcommand to ``commands``."""
    demo = commands.add_parser(
        "demo",
        help="start the bundled exchange simulators and read them through the full stack",
        description="Start every installed plugin's exchange simulator on a loopback port, "
        "then read every wallet's balances (cash, margin, futures) and the risk of every risk "
        "wallet through the real plugin stack, "
        "and value the portfolio in USDT at each exchange's last prices. "
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
        # The portfolio: every wallet and the risk of every account on every exchange, in one
        # read, valued in one quote; the sections below are views of that one read.
        portfolio = await folio.portfolio(quote=DEMO_QUOTE)
    wallets = {wallet: _wallet(portfolio, wallet) for wallet in WalletKind}
    shown = {wallet: result for wallet, result in wallets.items() if result.results}
    risks = {wallet: _risk(portfolio, wallet) for wallet in WalletKind}
    risks = {wallet: result for wallet, result in risks.items() if result.results}
    if as_json:
        emit_json({
            "simulators": urls,
            **{wallet.value: balances_json(result, wallet) for wallet, result in shown.items()},
            "risk": {wallet.value: {"accounts": to_jsonable(risk)}
                     for wallet, risk in risks.items()},
            "portfolio": to_jsonable(portfolio.totals),
            "valued_portfolio": to_jsonable(portfolio),
        })
    else:
        for exchange, url in urls.items():
            print(f"{exchange} simulator listening on {url} (simulated demo data)")
        print()
        for wallet, result in shown.items():
            print_balances(result, wallet, as_json=False)
            print()
        for wallet, risk in risks.items():
            print_risk(risk, as_json=False, wallet=wallet)
            print()
        print(
            f"Portfolio in {DEMO_QUOTE}: equity per asset (net plus unrealized profit) over "
            "every wallet of every exchange, each valued at its own exchange's last prices"
        )
        print(valuation_text(portfolio))
        print()
        print(next_steps(urls))
    return EXIT_SOME_FAILED if portfolio.failures else EXIT_OK


def _wallet(portfolio: Portfolio, wallet: WalletKind) -> FanOut[BalanceSnapshot]:
    """One wallet of every account whose exchange serves it, or the error that stopped it."""
    results: list[AccountResult[BalanceSnapshot]] = []
    for account in portfolio.accounts:
        snapshot = account.snapshot(wallet)
        if snapshot is not None:
            results.append(AccountResult(account.account, account.exchange, value=snapshot))
        results.extend(
            AccountResult(account.account, account.exchange, error=failure.error)
            for failure in account.failures
            if failure.part in {balance_part(wallet), PART_ACCOUNT}
        )
    return FanOut(results)


def _risk(portfolio: Portfolio, wallet: WalletKind) -> FanOut[MarginRisk]:
    """One risk wallet's risk of every account that has it, or the error that stopped it."""
    results: list[AccountResult[MarginRisk]] = []
    for account in portfolio.accounts:
        results.extend(
            AccountResult(account.account, account.exchange, value=risk)
            for risk in account.risks
            if risk.wallet is wallet
        )
        results.extend(
            AccountResult(account.account, account.exchange, error=failure.error)
            for failure in account.failures
            if failure.part in {risk_part(wallet), PART_ACCOUNT}
        )
    return FanOut(results)
