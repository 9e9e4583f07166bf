"""The four exchange simulators of the mixed benchmark, in one process of their own.

::

    python -m tests.benchmarks.mixed_sim --accounts FILE

serves every account of the file (:mod:`tests.benchmarks.mixed_accounts`) on four ports, one
per exchange, all on one event loop: the simulators are CPU work too, and in their own process
they run on the other core instead of the loop being measured (as the AscendEX-only benchmark
runs its simulator, docs/performance.md). Once every port listens it prints one line,
``listening {"ascendex": URL, ...}``; SIGTERM stops it. The ``/__simulator__/`` control routes
are on, each server with its own faults and counters.

Each simulator is the exchange's own (signatures, timestamps and its answers as in the
adapters' tests), holding the file's accounts, with two per-address budgets lifted: Binance's
request weight (6,000 per minute per IP: 250 balance reads of weight 20 already take 5,000)
and Bybit's 600 requests per 5 s per IP. The benchmark reads hundreds of keys from one
address, which those budgets exist to stop; folio's own limiters for them are turned off in
the same run (docs/performance.md, "Mixed run over all exchanges"). Per-key limits stay.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Final

from adapters.ascendex.simulator import AscendexSimulator, CashRow
from adapters.ascendex.simulator import SimAccount as AscendexAccount
from adapters.ascendex.simulator.handler import Exchange as AscendexExchange
from adapters.binance.simulator import BinanceSimulator, SpotRow
from adapters.binance.simulator import SimAccount as BinanceAccount
from adapters.binance.simulator import SimulatorOptions as BinanceOptions
from adapters.binance.simulator.handler import BinanceExchange
from adapters.bybit.simulator import BybitSimulator, Coin, Market
from adapters.bybit.simulator import SimAccount as BybitAccount
from adapters.bybit.simulator import SimulatorOptions as BybitOptions
from adapters.bybit.simulator.handler import BybitExchange
from adapters.okx.simulator import OkxSimulator, Row
from adapters.okx.simulator import SimAccount as OkxAccount
from adapters.okx.simulator.handler import OkxExchange
from adapters.simkit.runtime import Runtime
from adapters.simkit.server import HttpServer, Service
from tests.benchmarks.mixed_accounts import EXCHANGES, SETS, MixedAccount, read_set, usd_prices
from tests.benchmarks.simproc import ReadyProcess, SimControl

__all__ = ["READY_PREFIX", "MixedSimulatorProcess", "Simulators", "build_simulators", "main"]

READY_PREFIX: Final = "listening "
UNLIMITED_WEIGHT: Final = 1_000_000_000
"""Binance's per-IP weight budget in the benchmark: never reached."""

Simulators = tuple[AscendexSimulator, BinanceSimulator, OkxSimulator, BybitSimulator]


def build_simulators(accounts: Sequence[MixedAccount]) -> Simulators:
    """The four simulators holding ``accounts`` (each exchange at least one: a placeholder key
    when a set has none there)."""
    by: dict[str, list[MixedAccount]] = {name: [] for name in EXCHANGES}
    for account in accounts:
        by[account.exchange].append(account)
    prices = usd_prices()
    ascendex = AscendexSimulator([
        AscendexAccount(a.api_key, a.api_secret, a.number,
                        cash=[CashRow(asset, total, free) for asset, total, free in a.rows])
        for a in by["ascendex"]
    ] or [AscendexAccount("idle-ascendex", "idle", 0)])
    binance = BinanceSimulator([
        BinanceAccount(a.api_key, a.api_secret,
                       spot=[SpotRow(asset, free, locked) for asset, free, locked in a.rows],
                       has_margin=False)
        for a in by["binance"]
    ] or [BinanceAccount("0" * 64, "idle", has_margin=False)],
        options=BinanceOptions(api_weight_limit=UNLIMITED_WEIGHT))
    okx = OkxSimulator([
        OkxAccount(a.api_key, a.api_secret, a.passphrase or "",
                   rows=[Row(asset, cash, frozen=frozen) for asset, cash, frozen in a.rows])
        for a in by["okx"]
    ] or [OkxAccount("idle-okx", "idle", "idle", rows=())], usd=prices)
    bybit = BybitSimulator([
        BybitAccount(a.api_key, a.api_secret, uid=a.number,
                     coins=[Coin(asset, wallet, locked=locked) for asset, wallet, locked in a.rows])
        for a in by["bybit"]
    ] or [BybitAccount("idle-bybit", "idle")],
        markets=[Market(asset, "USDT", str(price), str(price))
                 for asset, price in prices.items() if asset != "USDT"],
        options=BybitOptions(ip_limit=None))
    return ascendex, binance, okx, bybit


def _services(simulators: Simulators) -> dict[str, Service]:
    """One request handler per exchange, as each simulator's ``serve()`` builds it, for one
    event loop (``serve()`` would give each its own thread)."""
    ascendex, binance, okx, bybit = simulators

    def runtime(clock: Callable[[], int]) -> Runtime:
        return Runtime(clock, control=True)

    return {
        "ascendex": AscendexExchange({a.api_key: a for a in ascendex.accounts}, ascendex.options,
                                     runtime(ascendex.clock), ascendex.tickers),
        "binance": BinanceExchange({a.api_key: a for a in binance.accounts}, binance.options,
                                   runtime(binance.clock), binance.markets),
        "okx": OkxExchange({a.api_key: a for a in okx.accounts}, okx.markets, okx.usd,
                           runtime(okx.clock), okx.options),
        "bybit": BybitExchange({a.api_key: a for a in bybit.accounts}, bybit.markets,
                               runtime(bybit.clock), bybit.options),
    }


async def _serve(simulators: Simulators, host: str) -> None:
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    servers = {name: HttpServer(service) for name, service in _services(simulators).items()}
    try:
        for server in servers.values():
            await server.start(host, 0)
        urls = {name: server.url for name, server in servers.items()}
        print(READY_PREFIX + json.dumps(urls), flush=True)  # the one output
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.Event().wait()
    finally:
        for server in servers.values():
            await server.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Serve every set of the accounts file until SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.mixed_sim")
    parser.add_argument("--accounts", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    accounts = [a for kind in SETS for a in read_set(args.accounts, kind)]
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(build_simulators(accounts), args.host))
    return 0


class MixedSimulatorProcess(ReadyProcess):
    """``python -m tests.benchmarks.mixed_sim`` for the span of a ``with``."""

    def __init__(self, accounts_file: Path) -> None:
        super().__init__("tests.benchmarks.mixed_sim", ["--accounts", str(accounts_file)],
                         READY_PREFIX, "the mixed simulators")
        self.urls: Mapping[str, str] = json.loads(self.ready)
        self.controls = {name: SimControl(url) for name, url in self.urls.items()}

    def set_latency(self, latency_ms: int) -> None:
        """The same latency fault on every simulator (0: none)."""
        for control in self.controls.values():
            control.set_latency(latency_ms)


if __name__ == "__main__":
    raise SystemExit(main())
