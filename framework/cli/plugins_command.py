"""``folio plugins``: every plugin found (loaded, blocked, failed) and what each exchange offers."""

from __future__ import annotations

import argparse
from typing import Any

import attrs

from framework.cli.output import EXIT_OK, EXIT_SOME_FAILED, emit_json
from framework.config import ConfigLocation, ConfigOrigin, PluginPolicy, load_config
from framework.host import Plugins
from framework.loading import PluginRecord, PluginStatus
from framework.registry import ExchangeSupport
from framework.render import plugins_table
from framework.unserved import why_not_loaded

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
        "risk_wallets": [w.value for w in support.risk_wallets],
    }


def run(args: argparse.Namespace) -> int:
    """List the plugins; exit 1 when one failed to load or two claim one exchange."""
    plugins = Plugins(_policy_from(args.config_location))
    records = [_said(r) for r in plugins.records]
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


def _said(record: PluginRecord) -> PluginRecord:
    """The record, a blocked or disabled plugin's reason saying by what.

    The loader's own words are "blocked by policy"; an account on its exchange is told by
    what (framework/unserved.py), and so is the operator who lists the plugins.
    """
    if record.status in (PluginStatus.BLOCKED, PluginStatus.DISABLED):
        return attrs.evolve(record, error=why_not_loaded(record))
    return record


def _policy_from(location: ConfigLocation) -> PluginPolicy | None:
    """The plugin policy of the configuration file; plugins need no accounts.

    No file is needed when none was named and none is found in the default places: every
    plugin is listed. A file that was named (``--config``, ``FOLIO_CONFIG``) must exist, and
    a file that exists but cannot be used is an error, not ignored: its ``[plugins]`` table
    may block a plugin, and listing that plugin as loaded would tell the operator otherwise.
    """
    if location.origin is ConfigOrigin.NOT_FOUND:
        return None
    # Not location.load(): framework.cli.app.main adds why this file was read, once.
    return load_config(location.path).plugins
