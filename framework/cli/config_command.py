"""``folio config check``: whether the configuration is ready, before any request is sent.

An operator setting up a new machine wants one command that says which file folio reads and
why, which accounts it would read and what each one's exchange serves, which environment
variables are still missing, and which exchanges no installed plugin serves, all without
sending a request and without ever printing a secret (docs/cli.md, "config check").

Exit codes: 0 every account is ready; 1 something is missing (a variable, a credentials file,
a plugin, or every account); 2 the file itself cannot be used (the shared error path of
:func:`framework.cli.app.main`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
from typing import Any

import attrs

from framework.cli.configuration import NO_ACCOUNTS
from framework.cli.output import EXIT_OK, EXIT_SOME_FAILED, emit_json
from framework.config import (
    AccountConfig,
    ConfigLocation,
    EnvCredentials,
    FileCredentials,
    FolioConfig,
    load_config,
    shown_variable,
)
from framework.errors import ConfigurationError, FolioError
from framework.host import Plugins
from framework.models import Capability, WalletKind
from framework.providers import AccountContext
from framework.registry import ExchangeSupport
from framework.render import table
from framework.unserved import unserved_message

__all__ = ["AccountCheck", "check_account", "register"]


def register(commands: Any) -> None:
    """Add the ``config`` command and its ``check`` subcommand to ``commands``."""
    config = commands.add_parser(
        "config",
        help="inspect the configuration (folio config check)",
        description="Inspect the configuration file folio would read.",
    )
    actions = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="validate the file and the environment; show the accounts that would be read",
        description="Validate the configuration file and the environment without sending any "
        "request: which file is read and why, which accounts would be read (exchange, wallets "
        "served, base URL), which environment variables are missing (names only, never a "
        "value) and which exchanges no installed plugin serves. Exit 0 when all is ready, 1 "
        "when something is missing, 2 when the file cannot be used.",
    )
    check.add_argument("--json", action="store_true", help="print JSON")
    check.set_defaults(run=run)


@attrs.frozen
class AccountCheck:
    """What ``config check`` found for one account; never holds a credential value."""

    name: str
    exchange: str
    wallets: tuple[str, ...]
    """Wallets the account's exchange is served for by an installed plugin, in folio's order;
    of those, only the ones the account lists when it has a ``wallets`` key."""
    risk: bool
    """Whether an installed plugin reads the exchange's margin risk."""
    base_url: str | None
    """The configured base URL; ``None`` means the plugin's default."""
    served: bool
    """Whether exactly one loaded plugin serves the exchange."""
    credentials: str
    """Where the key and secret come from: ``environment``, ``file`` or ``memory``."""
    missing: tuple[str, ...]
    """Environment variables named by the account and not set (a name that may be a secret
    is replaced by ``<not shown>``)."""
    problems: tuple[str, ...]
    """Every reason the account cannot be read now; empty when it is ready."""

    @property
    def ready(self) -> bool:
        """Whether the account would be read (as far as can be known without a request)."""
        return not self.problems


def _served(support: ExchangeSupport | None) -> tuple[tuple[str, ...], bool]:
    if support is None:
        return (), False
    wallets = tuple(
        w.value for w in WalletKind if Capability.for_wallet(w) in support.capabilities
    )
    return wallets, Capability.MARGIN_RISK in support.capabilities


def _missing_variables(account: AccountConfig) -> tuple[str, ...]:
    source = account.credentials
    if not isinstance(source, EnvCredentials):
        return ()
    names = (source.api_key_env, source.api_secret_env, source.api_passphrase_env)
    return tuple(
        shown_variable(n) or "<not shown>" for n in names if n is not None and not os.environ.get(n)
    )


def _credentials_problem(account: AccountConfig) -> str | None:
    """Why the key and secret cannot be used, from the source's own checks; never a value."""
    try:
        account.credentials.resolve(account.name)
    except ConfigurationError as exc:
        return str(exc)
    return None


def _reader_problem(
    account: AccountConfig, plugins: Plugins, support: ExchangeSupport
) -> str | None:
    """Why the exchange's plugin refuses to build the account's readers; ``None`` if it builds.

    A plugin checks what only it knows when it builds a reader, without a request: its
    ``options`` table, a credential its exchange needs beyond the key and secret (OKX's
    passphrase). Building the readers here (and closing what they opened) lets ``config
    check`` report those too, instead of a ready account that fails at its first read.
    """
    registry = plugins.registry

    async def build() -> None:
        context = AccountContext(account)
        try:
            for wallet in WalletKind:
                if Capability.for_wallet(wallet) in support.capabilities:
                    registry.balance_reader(wallet, context)
            if Capability.MARGIN_RISK in support.capabilities:
                registry.risk_reader(context)
        finally:
            await context.resources.aclose()

    try:
        asyncio.run(build())
    except FolioError as exc:
        return str(exc)
    except Exception as exc:  # a plugin's bug: reported as such, never a traceback
        return (f"the {account.exchange} plugin failed to build the account's reader "
                f"({type(exc).__name__})")
    return None


def _unserved_wallets(account: AccountConfig, served: tuple[str, ...]) -> list[str]:
    """The account's ``wallets`` key naming a wallet its exchange's plugin does not serve."""
    listed = [w.value for w in account.wallets or () if w.value not in served]
    if not listed:
        return []
    return [f"wallets: {', '.join(repr(w) for w in listed)} not served by the "
            f"{account.exchange} plugin (its wallets: {', '.join(served) or 'none'})"]


def check_account(account: AccountConfig, plugins: Plugins) -> AccountCheck:
    """Check one account against the installed plugins and the environment, sending nothing."""
    supports = {e.exchange: e for e in plugins.exchanges()}
    support = supports.get(account.exchange)
    wallets, risk = _served(support)
    problems: list[str] = []
    conflicts = plugins.registry.conflicts()
    if account.exchange in conflicts:
        claimants = ", ".join(conflicts[account.exchange])
        problems.append(
            f"exchange {account.exchange!r} is claimed by several plugins ({claimants}); "
            "block all but one (FOLIO_BLOCK_PLUGINS or [plugins] block)"
        )
    elif support is None:
        installed = ", ".join(supports) or "none"
        problems.append(unserved_message(account.exchange, plugins.records, installed))
    credentials_problem = _credentials_problem(account)
    if credentials_problem is not None:
        problems.append(credentials_problem)
    elif support is not None and not problems:
        reader_problem = _reader_problem(account, plugins, support)
        if reader_problem is not None:
            problems.append(reader_problem)
    if support is not None:
        problems.extend(_unserved_wallets(account, wallets))
    source = account.credentials
    origin = (
        "environment" if isinstance(source, EnvCredentials)
        else "file" if isinstance(source, FileCredentials)
        else "memory"
    )
    if account.wallets is not None:
        wallets = tuple(w for w in wallets if WalletKind(w) in account.wallets)
    return AccountCheck(
        name=account.name,
        exchange=account.exchange,
        wallets=wallets,
        risk=risk,
        base_url=account.base_url,
        served=not (account.exchange in conflicts or support is None),
        credentials=origin,
        missing=_missing_variables(account),
        problems=tuple(problems),
    )


def run(args: argparse.Namespace) -> int:
    """Check the configuration; exit 0 when ready, 1 when something is missing."""
    location: ConfigLocation = args.config_location
    config = load_config(location.path)
    plugins = Plugins(config.plugins)
    checks = [check_account(account, plugins) for account in config.accounts]
    general = [] if config.accounts else [NO_ACCOUNTS]
    ready = not general and all(c.ready for c in checks)
    if args.json:
        emit_json(_document(location, config, checks, general, ready=ready))
    else:
        print(_text(location, config, checks, general, ready=ready))
    return EXIT_OK if ready else EXIT_SOME_FAILED


def _document(
    location: ConfigLocation,
    config: FolioConfig,
    checks: list[AccountCheck],
    general: list[str],
    *,
    ready: bool,
) -> dict[str, Any]:
    missing = sorted({name for c in checks for name in c.missing})
    unserved = sorted({c.exchange for c in checks if not c.served})
    return {
        "ready": ready,
        "config": {"path": config.source, "origin": location.origin.name.lower(),
                   "reason": location.reason},
        "accounts": [
            {**attrs.asdict(c), "ready": c.ready} for c in checks
        ],
        "missing_variables": missing,
        "unserved_exchanges": unserved,
        "problems": general,
    }


def _text(
    location: ConfigLocation,
    config: FolioConfig,
    checks: list[AccountCheck],
    general: list[str],
    *,
    ready: bool,
) -> str:
    lines = [f"configuration: {config.source} ({location.reason})"]
    if checks:
        rows = [
            [
                c.name,
                c.exchange,
                ", ".join(c.wallets) or "-",
                "yes" if c.risk else "no",
                c.base_url or "(plugin default)",
                "ready" if c.ready else "NOT READY",
            ]
            for c in checks
        ]
        headers = ["ACCOUNT", "EXCHANGE", "WALLETS", "RISK", "BASE URL", "STATUS"]
        lines += ["", table(headers, rows, numeric=set())]
    missing = sorted({name for c in checks for name in c.missing})
    if missing:
        lines += ["", f"missing environment variables: {', '.join(missing)}"]
    problems = [*general, *(f"{c.name}: {p}" for c in checks for p in c.problems)]
    if problems:
        lines += ["", "problems:", *(f"  {p}" for p in problems)]
    ready_count = sum(c.ready for c in checks)
    verdict = "ready" if ready else "NOT READY"
    lines += ["", f"{verdict}: {ready_count} of {len(checks)} accounts would be read"]
    return "\n".join(lines)
