"""``folio``: the command-line host. Reads accounts through the installed exchange plugins.

Exit codes: 0 every account was read; 1 at least one account failed, for whatever reason
(an exchange error, a missing credential, an exchange no installed plugin serves: the others
are still shown); 2 the command could not run at all (bad configuration file, unknown account
name, bad arguments).

With ``--json``, stdout always holds one JSON document: the results, or, when the command could
not run, ``{"error": {"type": ..., "message": ...}}`` (the same line also goes to stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import Any, Final

from framework.config import DEFAULT_CONFIG_PATH, AccountConfig, FolioConfig, load_config
from framework.errors import FolioError
from framework.host import Folio, Plugins
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.registry import ExchangeSupport
from framework.render import (
    balances_table,
    errors_block,
    plugins_table,
    risk_table,
    totals_table,
)
from framework.results import FanOut, total_by_asset
from framework.serialize import to_jsonable

__all__ = ["main"]

EXIT_OK: Final = 0
EXIT_SOME_FAILED: Final = 1
EXIT_UNUSABLE: Final = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="folio",
        description=(
            "Read balances and margin risk from crypto exchange accounts through installed "
            "plugins. Try 'folio demo' first: it needs no configuration and no keys."
        ),
    )
    parser.add_argument(
        "--config",
        default=DEFAULT_CONFIG_PATH,
        metavar="PATH",
        help=f"TOML file listing the accounts (default: {DEFAULT_CONFIG_PATH})",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    plugins = commands.add_parser(
        "plugins",
        help="list installed exchange plugins and what they can read",
        description="List every plugin found (loaded, blocked or failed) and each exchange's "
        "capabilities. Does not need a configuration file.",
    )
    plugins.add_argument("--json", action="store_true", help="print JSON")

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
        choices=[w.value for w in WalletKind],
        default=WalletKind.CASH.value,
        help="which wallet to read (default: cash)",
    )
    balances.add_argument("--json", action="store_true", help="print JSON (exact decimal strings)")

    risk = commands.add_parser(
        "risk",
        help="read the margin risk profile of every configured account (or --account NAME)",
        description="Read the margin risk profile (equity, leverage, cushion or margin level) "
        "of the configured accounts concurrently.",
    )
    risk.add_argument(
        "--account", action="append", metavar="NAME", help="only this account (repeatable)"
    )
    risk.add_argument("--json", action="store_true", help="print JSON (exact decimal strings)")

    demo = commands.add_parser(
        "demo",
        help="start the bundled exchange simulators and read them through the full stack",
        description="Start every installed plugin's exchange simulator on a loopback port, "
        "then read cash and margin balances and margin risk through the real plugin stack. "
        "Needs no configuration and no keys.",
    )
    demo.add_argument("--json", action="store_true", help="print JSON")

    simulate = commands.add_parser(
        "simulate",
        help="run an exchange simulator in the foreground (Ctrl-C to stop)",
        description="Serve an exchange simulator for testing a host application offline. "
        "Prints its URL and a ready-to-use configuration.",
    )
    simulate.add_argument("exchange", help="exchange name, e.g. ascendex")
    simulate.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    simulate.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "plugins": _plugins,
        "simulate": _simulate,
        "demo": _demo,
        "balances": lambda a: asyncio.run(_balances(load_config(a.config), a)),
        "risk": lambda a: asyncio.run(_risk(load_config(a.config), a)),
    }
    try:
        return commands[args.command](args)
    except FolioError as exc:
        if getattr(args, "json", False):
            _emit({"error": {"type": type(exc).__name__, "message": str(exc)}})
        print(f"folio: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``folio demo | head``): silence the flush at exit, as the
        # Python documentation recommends, instead of printing a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_SOME_FAILED


def _emit(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _exchange_json(support: ExchangeSupport) -> dict[str, Any]:
    return {
        "exchange": support.exchange,
        "capabilities": {c.value: p for c, p in sorted(support.capabilities.items())},
    }


def _plugins(args: argparse.Namespace) -> int:
    policy = _policy_from(args.config)
    plugins = Plugins(policy)
    records = plugins.records
    exchanges = plugins.exchanges()
    conflicts = plugins.registry.conflicts()
    if args.json:
        _emit({
            "plugins": [
                {
                    "name": r.name,
                    "status": r.status.value,
                    "distribution": r.distribution,
                    "version": r.version,
                    "target": r.target,
                    "error": r.error,
                }
                for r in records
            ],
            "exchanges": [_exchange_json(e) for e in exchanges],
            "conflicts": {name: list(owners) for name, owners in conflicts.items()},
        })
    else:
        print(plugins_table(records, exchanges))
        for name, owners in conflicts.items():
            print(f"CONFLICT {name}: claimed by {', '.join(owners)}")
    broken = any(r.status.value == "failed" for r in records) or bool(conflicts)
    return EXIT_SOME_FAILED if broken else EXIT_OK


def _policy_from(path: str) -> Any:
    """The plugin policy of the config file if there is one; plugins need no accounts.

    A file that exists but cannot be used is an error, not ignored: its ``[plugins]`` table
    may block a plugin, and listing that plugin as loaded would tell the operator otherwise.
    """
    if not os.path.lexists(path):
        return None
    return load_config(path).plugins


def _accounts(args: argparse.Namespace) -> list[str] | None:
    selected: list[str] | None = args.account
    return selected


async def _balances(config: FolioConfig, args: argparse.Namespace) -> int:
    wallet = WalletKind(args.wallet)
    async with Folio.from_config(config) as folio:
        for name in _accounts(args) or ():
            folio.account(name)  # unknown names are a usage error, before any request
        result = await folio.all_balances(wallet, _accounts(args))
    _print_balances(result, wallet, as_json=args.json)
    return EXIT_OK if result.ok else EXIT_SOME_FAILED


def _balances_json(result: FanOut[BalanceSnapshot], wallet: WalletKind) -> dict[str, Any]:
    return {
        "wallet": wallet.value,
        "accounts": to_jsonable(result),
        "totals": to_jsonable(total_by_asset(result)),
    }


def _print_balances(result: FanOut[BalanceSnapshot], wallet: WalletKind, *, as_json: bool) -> None:
    if as_json:
        _emit(_balances_json(result, wallet))
        return
    print(f"== {wallet.value} balances ==")
    print(balances_table(result))
    print()
    print(totals_table(total_by_asset(result)))
    if not result.ok:
        print(errors_block(result))


async def _risk(config: FolioConfig, args: argparse.Namespace) -> int:
    async with Folio.from_config(config) as folio:
        for name in _accounts(args) or ():
            folio.account(name)
        result = await folio.all_risk(_accounts(args))
    _print_risk(result, as_json=args.json)
    return EXIT_OK if result.ok else EXIT_SOME_FAILED


def _print_risk(result: FanOut[MarginRisk], *, as_json: bool) -> None:
    if as_json:
        _emit({"accounts": to_jsonable(result)})
        return
    print("== margin risk ==")
    print(risk_table(result))
    if not result.ok:
        print(errors_block(result))


def _demo(args: argparse.Namespace) -> int:
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
        _emit({
            "simulators": urls,
            "cash": _balances_json(cash, WalletKind.CASH),
            "margin": _balances_json(margin, WalletKind.MARGIN),
            "risk": {"accounts": to_jsonable(risk)},
            "portfolio": to_jsonable(portfolio),
        })
    else:
        for exchange, url in urls.items():
            print(f"{exchange} simulator listening on {url} (seed sample data)")
        print()
        _print_balances(cash, WalletKind.CASH, as_json=False)
        print()
        _print_balances(margin, WalletKind.MARGIN, as_json=False)
        print()
        _print_risk(risk, as_json=False)
        print()
        print("Portfolio: net per asset, cash and margin wallets of every exchange")
        print(totals_table(portfolio))
    ok = cash.ok and margin.ok and risk.ok
    return EXIT_OK if ok else EXIT_SOME_FAILED


def _simulate(args: argparse.Namespace) -> int:
    plugins = Plugins()
    simulators = {s.exchange: s for s in plugins.registry.simulators()}
    simulator = simulators.get(args.exchange.lower())
    if simulator is None:
        available = ", ".join(sorted(simulators)) or "none"
        print(
            f"folio: no simulator for {args.exchange!r} (available: {available})",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    # Ctrl-C may come at any moment after start, even before the wait: the whole serving
    # block is inside the handler, and leaving the ``with`` stops the server either way.
    try:
        with simulator.start(args.host, args.port) as handle:
            print(f"{simulator.exchange} simulator listening on {handle.url}", flush=True)
            print("\n# folio.toml")
            print(handle.sample_config())
            print("# environment (test credentials of the simulator only)")
            for name, value in handle.sample_environment().items():
                print(f"export {name}={value}")
            print("\nPress Ctrl-C to stop.", flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", flush=True)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
