"""``folio simulate EXCHANGE``: one exchange simulator served in the foreground."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from framework.cli.output import EXIT_OK, EXIT_UNUSABLE
from framework.host import Plugins

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the ``simulate`` subcommand to ``commands``."""
    simulate = commands.add_parser(
        "simulate",
        help="run an exchange simulator in the foreground (Ctrl-C to stop)",
        description="Serve an exchange simulator for testing a host application offline. "
        "Prints its URL and a ready-to-use configuration.",
    )
    simulate.add_argument("exchange", help="exchange name, e.g. ascendex")
    simulate.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    simulate.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    simulate.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; exit 2 when no installed plugin simulates the exchange."""
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
