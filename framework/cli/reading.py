"""``folio balances`` and ``folio risk``: one fan-out over the configured accounts, printed."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from framework.cli.configuration import load_for
from framework.cli.output import EXIT_OK, EXIT_SOME_FAILED, emit_json
from framework.cli.progress import Progress, read_in_order
from framework.cli.wallets import risk_wallet_served, wallet_argument, wallet_served
from framework.config import FolioConfig
from framework.host import Folio
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.render import balances_table, errors_block, risk_table, totals_table
from framework.results import FanOut, total_by_asset
from framework.serialize import to_jsonable

__all__ = ["balances_json", "print_balances", "print_risk", "register"]


def register(commands: Any) -> None:
    """Add the ``balances`` and ``risk`` subcommands to ``commands``."""
    balances = commands.add_parser(
        "balances",
        help="read balances of every configured account (or --account NAME)",
        description="Read one wallet of the configured accounts concurrently and print them "
        "with totals per asset. A failing account is reported and the others still shown.",
    )
    balances.add_argument(
        "--account", action="append", metavar="NAME", help="only this account (repeatable)"
    )
    balances.add_argument(
        "--wallet",
        type=wallet_argument,
        default=WalletKind.CASH,
        metavar="WALLET",
        help="which wallet to read: cash (alias spot; a unified account: OKX, Bybit), "
        "margin (alias cross-margin) or futures (Binance USD-M), as served by an installed "
        "plugin, see 'folio plugins' (default: cash)",
    )
    balances.add_argument("--json", action="store_true", help="print JSON (exact decimal strings)")
    balances.set_defaults(run=lambda a: asyncio.run(_balances(load_for(a), a)))

    risk = commands.add_parser(
        "risk",
        help="read the risk profile of every configured account (or --account NAME)",
        description="Read the risk profile (equity, leverage, cushion, margin level or "
        "maintenance margin rate) of one risk wallet of the configured accounts concurrently.",
    )
    risk.add_argument(
        "--account", action="append", metavar="NAME", help="only this account (repeatable)"
    )
    risk.add_argument(
        "--wallet",
        type=wallet_argument,
        default=None,
        metavar="WALLET",
        help="whose risk to read: margin, futures or cash (a unified account), aliases as for "
        "balances (default: each exchange's default risk wallet, see 'folio plugins')",
    )
    risk.add_argument("--json", action="store_true", help="print JSON (exact decimal strings)")
    risk.set_defaults(run=lambda a: asyncio.run(_risk(load_for(a), a)))


def _accounts(args: argparse.Namespace) -> list[str] | None:
    """The ``--account`` names, each once, in the order first given (``None``: every account).

    ``--account main --account main`` is one account: read twice, its balances would be added
    twice into the totals, which would still say "across 1 account".
    """
    selected: list[str] | None = args.account
    return None if selected is None else list(dict.fromkeys(selected))


async def _balances(config: FolioConfig, args: argparse.Namespace) -> int:
    wallet: WalletKind = args.wallet
    async with Folio.from_config(config) as folio:
        for name in _accounts(args) or ():
            folio.account(name)  # unknown names are a usage error, before any request
        wallet_served(wallet, folio.plugins)  # so is a wallet no plugin serves
        names = _accounts(args) or list(folio.accounts)
        with Progress.for_command(args, len(names)) as progress:
            result = await read_in_order(folio.stream_balances(wallet, names), names, progress)
    print_balances(result, wallet, as_json=args.json)
    return EXIT_OK if result.ok else EXIT_SOME_FAILED


def balances_json(result: FanOut[BalanceSnapshot], wallet: WalletKind) -> dict[str, Any]:
    """The JSON document of one wallet's fan-out: accounts and totals per asset."""
    return {
        "wallet": wallet.value,
        "accounts": to_jsonable(result),
        "totals": to_jsonable(total_by_asset(result)),
    }


def print_balances(result: FanOut[BalanceSnapshot], wallet: WalletKind, *, as_json: bool) -> None:
    """Print one wallet's fan-out as JSON or as tables with totals and failures."""
    if as_json:
        emit_json(balances_json(result, wallet))
        return
    print(f"== {wallet.value} balances ==")
    print(balances_table(result))
    print()
    print(totals_table(total_by_asset(result)))
    if not result.ok:
        print(errors_block(result))


async def _risk(config: FolioConfig, args: argparse.Namespace) -> int:
    wallet: WalletKind | None = getattr(args, "wallet", None)
    async with Folio.from_config(config) as folio:
        for name in _accounts(args) or ():
            folio.account(name)
        if wallet is not None:
            risk_wallet_served(wallet, folio.plugins)  # before any request, as for balances
        names = _accounts(args) or list(folio.accounts)
        with Progress.for_command(args, len(names)) as progress:
            stream = folio.stream_risk(names, wallet=wallet)
            result = await read_in_order(stream, names, progress)
    print_risk(result, as_json=args.json, wallet=wallet)
    return EXIT_OK if result.ok else EXIT_SOME_FAILED


def print_risk(
    result: FanOut[MarginRisk], *, as_json: bool, wallet: WalletKind | None = None
) -> None:
    """Print a risk fan-out as JSON or as a table with failures.

    The heading names ``wallet`` when one was asked for (``== futures risk ==``); without, each
    account's default risk wallet was read, and the heading names the wallets read: one as
    ``--wallet`` and ``folio demo`` name it (``== cash risk ==`` for OKX or Bybit accounts),
    several in a list (``== risk (cash, margin) ==``), so a unified account's risk is never
    titled "margin risk".
    """
    if as_json:
        document: dict[str, Any] = {"accounts": to_jsonable(result)}
        if wallet is not None:
            document = {"wallet": wallet.value, **document}
        emit_json(document)
        return
    read = {r.wallet for r in result.values.values()}
    if wallet is not None:
        print(f"== {wallet.value} risk ==")
    elif len(read) == 1:
        print(f"== {next(iter(read)).value} risk ==")
    elif not read:  # every account failed: whose default wallet it was is not known here
        print("== risk ==")
    else:
        print(f"== risk ({', '.join(w.value for w in WalletKind if w in read)}) ==")
    print(risk_table(result))
    if not result.ok:
        print(errors_block(result))
