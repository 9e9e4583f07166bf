"""``folio plugins``: every plugin found (loaded, blocked, failed) and what each exchange offers."""

from __future__ import annotations

import argparse
import os
from typing import Any

from framework.cli.output import EXIT_OK, EXIT_SOME_FAILED, emit_json
from framework.config import PluginPolicy, load_config
from framework.host import Plugins
from framework.registry import ExchangeSupport
from framework.render import plugins_table

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the ``plugins`` subcommand to ``commands`` (argparse's subparsers)."""
    plugins = commands.add_parser(
        "plugins",
        help="list installed exchange plugins and what they can read",
        description="List every plugin found (loaded, blocked or failed) and each exchange's "
        "capabilities. Does not need a configuration file.",
    )
    plugins.add_argument("--json", action="store_true", help="print JSON")
    plugins.set_defaults(run=run)


def _exchange_json(support: ExchangeSupport) -> dict[str, Any]:
    return {
        "exchange": support.exchange,
        "capabilities": {c.value: p for c, p in sorted(support.capabilities.items())},
    }


def run(args: argparse.Namespace) -> int:
    """List the plugins; exit 1 when one failed to load or two claim one exchange."""
    plugins = Plugins(_policy_from(args.config))
    records = plugins.records
    exchanges = plugins.exchanges()
    conflicts = plugins.registry.conflicts()
    if args.json:
        emit_json({
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


def _policy_from(path: str) -> PluginPolicy | None:
    """The plugin policy of the config file if there is one; plugins need no accounts.

    A file that exists but cannot be used is an error, not ignored: its ``[plugins]`` table
    may block a plugin, and listing that plugin as loaded would tell the operator otherwise.
    """
    if not os.path.lexists(path):
        return None
    return load_config(path).plugins
