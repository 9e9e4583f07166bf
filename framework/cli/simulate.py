"""``folio simulate EXCHANGE``: one exchange simulator served in the foreground."""

from __future__ import annotations

import argparse
import errno
import shlex
import socket
import sys
import threading
from contextlib import ExitStack
from typing import Any

from framework.cli.output import EXIT_OK, EXIT_UNUSABLE
from framework.config.shown import NAME
from framework.host import Plugins
from framework.loading import PluginStatus
from framework.providers import DemoEndpoint
from framework.unserved import not_loaded_clause

__all__ = ["register"]

_WHY: dict[int, str] = {
    errno.EADDRINUSE: "the port is already in use (choose another --port, or 0 for a free one)",
    errno.EADDRNOTAVAIL: "the address is not one of this machine's (try 127.0.0.1 or 0.0.0.0)",
    errno.EACCES: "permission denied (ports below 1024 need privileges; try 0 for a free one)",
}
"""What a failed bind means for the operator, by errno; others show the system's words."""


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:  # the TCP port range
        msg = f"must be a port number from 0 to 65535, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return port


def _host(text: str) -> str:
    """Parse ``--host``: an address or host name; an empty one would print ``http://:PORT``."""
    if not text.strip():
        msg = "expected an address or host name (127.0.0.1, or 0.0.0.0 for every interface)"
        raise argparse.ArgumentTypeError(msg)
    return text.strip()


def _account_name(text: str) -> str:
    if not NAME.match(text):
        msg = f"an account name is 1-64 letters, digits, '_', '.' or '-', got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return text


def _cannot_serve(exc: OSError) -> str:
    """One line saying why the simulator could not listen."""
    if isinstance(exc, socket.gaierror):
        return "the host name does not resolve to an address of this machine"
    if exc.errno in _WHY:
        return _WHY[exc.errno]
    return exc.strerror or type(exc).__name__


def _not_loaded(exchange: str, plugins: Plugins) -> str:
    """Why the exchange's own plugin, if it is installed, did not load (blocked, failed...).

    Without it, "no simulator for 'ascendex' (available: binance)" reads as "not installed"
    when the operator blocked the plugin or a package shadows it (framework/unserved.py).
    """
    own = [r for r in plugins.records if r.name == exchange and r.status is not PluginStatus.LOADED]
    return f"; its plugin {exchange!r} {not_loaded_clause(own[0])}" if own else ""


def register(commands: Any) -> None:
    """Add the ``simulate`` subcommand to ``commands``."""
    simulate = commands.add_parser(
        "simulate",
        help="run an exchange simulator in the foreground (Ctrl-C to stop)",
        description="Serve an exchange simulator for testing a host application offline. "
        "Prints its URL and a ready-to-use configuration.",
    )
    simulate.add_argument("exchange", help="exchange name, e.g. ascendex")
    simulate.add_argument(
        "--host", type=_host, default="127.0.0.1", help="address to bind (default loopback)"
    )
    simulate.add_argument(
        "--port", type=_port, default=0, help="port (0-65535); 0 picks a free one (default)"
    )
    simulate.add_argument(
        "--account",
        type=_account_name,
        default="main",
        metavar="NAME",
        help="name of the account in the printed folio.toml table (default: main, the "
        "README's example)",
    )
    simulate.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; exit 2 when the simulator cannot be served.

    That is: no installed plugin simulates the exchange, or the simulator cannot listen where
    asked (a busy port, an address not of this machine, a name that does not resolve).
    """
    plugins = Plugins()
    simulators = {s.exchange: s for s in plugins.registry.simulators()}
    simulator = simulators.get(args.exchange.lower())
    if simulator is None:
        available = ", ".join(sorted(simulators)) or "none"
        print(f"folio: no simulator for {args.exchange!r} (available: {available})"
              f"{_not_loaded(args.exchange.lower(), plugins)}", file=sys.stderr)
        return EXIT_UNUSABLE
    # Ctrl-C may come at any moment after start, even before the wait: the whole serving
    # block is inside the handler, and leaving the ``with`` stops the server either way.
    try:
        with ExitStack() as stack:
            try:
                handle = stack.enter_context(simulator.start(args.host, args.port))
            except OSError as exc:  # a busy port, an address not of this machine, a bad name
                where = f"{args.host}:{args.port}"
                print(
                    f"folio: cannot serve the {simulator.exchange} simulator on {where}: "
                    f"{_cannot_serve(exc)}",
                    file=sys.stderr,
                )
                return EXIT_UNUSABLE
            print(f"{simulator.exchange} simulator listening on {handle.url}", flush=True)
            print("\n# folio.toml")
            # The bundled plugins' handle names the account as asked; another plugin's handle
            # keeps the name it chose (SimulatorHandle.sample_config takes no name).
            if isinstance(handle, DemoEndpoint):
                print(handle.sample_config(args.account))
            else:
                print(handle.sample_config())
            print("# environment (test credentials of the simulator only)")
            for name, value in handle.sample_environment().items():
                # Quoted for the shell: a passphrase may hold a space or a $ (OKX lets the
                # user choose it), and the line must set exactly the value the simulator wants.
                print(f"export {name}={shlex.quote(value)}")
            print("\nPress Ctrl-C to stop.", flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", flush=True)
    return EXIT_OK
