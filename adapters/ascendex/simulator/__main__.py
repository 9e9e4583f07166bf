"""Serve the simulator in the foreground of its own process.

::

    python -m adapters.ascendex.simulator [--accounts FILE] [--host 127.0.0.1] [--port 0]
                                          [--no-control] [--draft-field-names]
                                          [--rate-limit REQUESTS/MS]

``--accounts`` reads the accounts file (format: :mod:`adapters.ascendex.simulator.accounts`);
without it the seed account is served, with the exchange's field names, or with the 2019
draft's ``totalABalance`` under ``--draft-field-names`` (docs/exchanges/ascendex.md). Once
the socket accepts connections one line, ``listening on http://HOST:PORT``, is printed and
flushed, so a parent process can read the URL from the child's standard output.
``--rate-limit 65/1000`` turns on the simulated edge's per-key limit
(``SimulatorOptions.rate_limit``). The
``/__simulator__/`` control routes are on unless ``--no-control`` is given: an out-of-process
simulator can only be driven over HTTP. SIGTERM and Ctrl-C stop it cleanly (exit code 0).

This is how the benchmarks start it: in a process of its own, the simulator's event loop
never shares a core's time slice with the loop being measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence

from adapters.ascendex.simulator.accounts import AccountsFileError
from adapters.ascendex.simulator.options import SimulatorOptions
from adapters.ascendex.simulator.simulator import AscendexSimulator

__all__ = ["main"]

READY_PREFIX = "listening on "
"""Start of the line printed once the server accepts connections; the URL follows."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m adapters.ascendex.simulator",
        description="Serve the AscendEX simulator until SIGTERM or Ctrl-C.",
    )
    parser.add_argument("--accounts", metavar="FILE",
                        help="accounts JSON file (default: the seed account)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    parser.add_argument("--no-control", action="store_true",
                        help="do not serve the /__simulator__/ control routes")
    parser.add_argument("--draft-field-names", action="store_true",
                        help="seed account only: spell the total totalABalance, as the 2019 "
                        "draft did (default: totalBalance, as the exchange does)")
    parser.add_argument("--rate-limit", metavar="REQUESTS/MS", type=_rate_limit,
                        help="the edge's per-key limit, e.g. 65/1000 (default: none)")
    return parser


def _rate_limit(text: str) -> tuple[int, int]:
    requests, _, window_ms = text.partition("/")
    try:
        return int(requests), int(window_ms)
    except ValueError:
        msg = f"expected REQUESTS/MS, e.g. 65/1000, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


async def _serve(simulator: AscendexSimulator, host: str, port: int, control: bool) -> None:
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, task.cancel)

    def ready(url: str) -> None:
        print(f"{READY_PREFIX}{url}", flush=True)  # noqa: T201 - the process's one output

    with contextlib.suppress(asyncio.CancelledError):
        await simulator.serve_forever(host, port, on_ready=ready, control=control)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the simulator; returns the exit code (2 for an unusable accounts file)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.accounts and args.draft_field_names:
        parser.error("--draft-field-names applies to the seed account; in an accounts file, "
                     'give a row "total_key": "totalABalance" (and "mode": "seed")')
    try:
        options = SimulatorOptions(rate_limit=args.rate_limit)
        simulator = (
            AscendexSimulator.from_file(args.accounts, options=options) if args.accounts
            else AscendexSimulator.seed(draft_field_names=args.draft_field_names,
                                        options=options)
        )
    except (AccountsFileError, OSError, ValueError) as exc:
        print(f"simulator: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(simulator, args.host, args.port, not args.no_control))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
