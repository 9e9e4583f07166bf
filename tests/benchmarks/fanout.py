"""Fan-out: every account's cash balances at once, through each client, in a fresh process.

::

    python -m tests.benchmarks.fanout --client folio --accounts FILE --count 300 --url URL

runs one cold round (clients created, connections opened, account groups and, for CCXT,
markets loaded) and ``--rounds`` warm rounds, checks every amount of every round against the
accounts file, reads the simulator's counters, and prints one JSON line. The runner
(``python -m tests.benchmarks``) starts one such process per client and size.

Clients:

* ``folio``: the host API, ``Folio.all_balances`` (one ``AsyncAscendexClient`` per account,
  all sending through the process's shared aiohttp pool, the host's concurrency cap).
* ``httpx``: the naive baseline, ``asyncio.gather`` of hand-signed GETs through one shared
  ``httpx.AsyncClient`` with its default limits.
* ``httpx-aiohttp``: the same through one ``httpx.AsyncClient`` on the ``httpx-aiohttp``
  transport: the bare client folio is built on, with none of folio's work.
* ``aiohttp``: the same through one ``aiohttp.ClientSession`` without a connection limit: the
  floor a Python client reaches on this machine.
* ``ccxt``: CCXT async 4.5.63, one ``ascendex`` instance per account, throttle off.
"""

from __future__ import annotations

import abc
import argparse
import asyncio
import cProfile
import importlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from tests.benchmarks.accounts import BenchAccount, read_accounts_file, truth_of
from tests.benchmarks.measure import (
    BenchClient,
    Exactness,
    FolioClient,
    Outcome,
    Reading,
    aiohttp_session,
    check_all,
    emit,
    gather_outcomes,
    peak_rss_mib,
    rss_mib,
)
from tests.benchmarks.raw import INFO_PATH, RawKey, balance_path, check_envelope
from tests.benchmarks.simproc import SimControl

__all__ = ["CLIENTS", "FanOutClient", "main"]

FanOutClient = BenchClient[BenchAccount, str]
"""One way of reading every account of the AscendEX simulator at one URL."""


class FolioFanOut(FolioClient[BenchAccount, str]):
    """folio's host API, as an application uses it."""

    modules: ClassVar[tuple[str, ...]] = (
        "framework.host", "framework.config", "framework.models", "plugins.ascendex",
    )

    async def open(self, accounts: Sequence[BenchAccount], url: str, /) -> None:
        self.configure((account.name, "ascendex", account.api_key, account.api_secret, None,
                        url, {}) for account in accounts)


class RawFanOut(FanOutClient):
    """Hand-signed GETs through one shared connection pool; groups discovered on first use."""

    async def open(self, accounts: Sequence[BenchAccount], url: str, /) -> None:
        self.keys = [RawKey(account.api_key, account.api_secret) for account in accounts]
        self.groups: list[int | None] = [None] * len(accounts)
        self.url = url

    @abc.abstractmethod
    async def get(self, path: str, headers: dict[str, str]) -> bytes:
        """One GET of ``url + path``: the body."""

    async def _one(self, index: int) -> Reading:
        key = self.keys[index]
        group = self.groups[index]
        if group is None:
            info = check_envelope(await self.get(INFO_PATH, key.headers("info")))
            group = self.groups[index] = int(info["accountGroup"])
        rows = check_envelope(await self.get(balance_path(group), key.headers("balance")))
        return {row["asset"]: (row["totalBalance"], row["availableBalance"]) for row in rows}

    async def read_all(self) -> list[Outcome]:
        return await gather_outcomes(self._one(index) for index in range(len(self.keys)))


class HttpxFanOut(RawFanOut):
    """The naive baseline: one ``httpx.AsyncClient`` with default limits, ``gather``."""

    label = "httpx"
    modules: ClassVar[tuple[str, ...]] = ("httpx",)

    async def open(self, accounts: Sequence[BenchAccount], url: str, /) -> None:
        import httpx  # noqa: PLC0415

        await super().open(accounts, url)
        self.client = httpx.AsyncClient(base_url=url, timeout=60)

    async def get(self, path: str, headers: dict[str, str]) -> bytes:
        response = await self.client.get(path, headers=headers)
        return response.content

    async def close(self) -> None:
        await self.client.aclose()


class HttpxAiohttpFanOut(HttpxFanOut):
    """The bare httpx client on aiohttp: ``httpx-aiohttp``'s transport, signing only, ``gather``.

    What folio's own work is measured against: the same client, no retries, no pacing, no
    validation (docs/performance.md).
    """

    label = "httpx-aiohttp"
    modules: ClassVar[tuple[str, ...]] = ("httpx", "httpx_aiohttp")

    async def open(self, accounts: Sequence[BenchAccount], url: str, /) -> None:
        import httpx  # noqa: PLC0415
        from httpx_aiohttp import AiohttpTransport  # noqa: PLC0415

        await RawFanOut.open(self, accounts, url)
        # No connection cap, like the aiohttp floor: ``None`` would leave aiohttp's 100.
        transport = AiohttpTransport(limits=httpx.Limits(max_connections=1_000_000))
        self.client = httpx.AsyncClient(base_url=url, timeout=60, transport=transport)


class AiohttpFanOut(RawFanOut):
    """The floor: one ``aiohttp.ClientSession``, no connection limit, ``gather``."""

    label = "aiohttp"
    modules = ("aiohttp",)

    async def open(self, accounts: Sequence[BenchAccount], url: str, /) -> None:
        await super().open(accounts, url)
        self.session = aiohttp_session()

    async def get(self, path: str, headers: dict[str, str]) -> bytes:
        async with self.session.get(self.url + path, headers=headers) as response:
            body: bytes = await response.read()
        return body

    async def close(self) -> None:
        await self.session.close()


class CcxtFanOut(FanOutClient):
    """CCXT async, one exchange instance per account (its documented way), throttle off."""

    label = "ccxt"
    modules = ("ccxt.async_support",)

    async def open(self, accounts: Sequence[BenchAccount], url: str, /) -> None:
        import ccxt.async_support as ccxt  # noqa: PLC0415

        self.exchanges: list[Any] = []
        for account in accounts:
            exchange = ccxt.ascendex({
                "apiKey": account.api_key, "secret": account.api_secret,
                "enableRateLimit": False, "timeout": 60_000,
            })
            exchange.urls["api"]["rest"] = url
            self.exchanges.append(exchange)

    @staticmethod
    async def _one(exchange: Any) -> Reading:
        balance = await exchange.fetch_balance()
        return {asset: (balance[asset]["total"], balance[asset]["free"])
                for asset in balance["total"]}

    async def read_all(self) -> list[Outcome]:
        return await gather_outcomes(self._one(exchange) for exchange in self.exchanges)

    async def close(self) -> None:
        await asyncio.gather(*(exchange.close() for exchange in self.exchanges))


CLIENTS: dict[str, type[FanOutClient]] = {
    cls.label: cls
    for cls in (FolioFanOut, HttpxFanOut, HttpxAiohttpFanOut, AiohttpFanOut, CcxtFanOut)
}


async def _timed(
    client: FanOutClient, cpu: list[float] | None = None
) -> tuple[float, list[Outcome]]:
    """Wall time of one round; with ``cpu``, the process's CPU time of it is appended there."""
    started, used = time.perf_counter(), time.process_time()
    outcomes = await client.read_all()
    if cpu is not None:
        cpu.append(time.process_time() - used)
    return time.perf_counter() - started, outcomes


def _traffic(stats: dict[str, Any]) -> dict[str, Any]:
    return {"requests": stats["total"], "connections": stats["connections"],
            "peak_in_flight": stats["peak_in_flight"], "statuses": stats["statuses"]}


async def measure(
    client: FanOutClient, accounts: Sequence[BenchAccount], url: str, rounds: int,
    profile: Path | None = None, *, tune_gc: bool = False,
) -> dict[str, Any]:
    """Cold round, then ``rounds`` warm rounds; every amount of every round is checked.

    With ``profile``, the warm rounds run under cProfile and its stats are written there
    (``python -m pstats FILE``); the timings are then the profiler's, not the client's. With
    ``tune_gc``, :func:`framework.tuning.tune_gc_for_fan_out` runs after the cold round, as
    docs/performance.md advises hosts with thousands of accounts (any client: the collector
    settings are the process's, not folio's).
    """
    control = SimControl(url)
    profiler = cProfile.Profile()
    names = [account.name for account in accounts]
    truths = [truth_of(account) for account in accounts]
    exactness = Exactness()
    try:
        for module in client.modules:
            importlib.import_module(module)
        rss_before = rss_mib()
        await client.open(accounts, url)
        control.reset_stats()
        cold, outcomes = await _timed(client)
        cold_traffic = _traffic(control.stats())
        errors = check_all(exactness, names, outcomes, truths)
        if tune_gc:
            from framework.tuning import tune_gc_for_fan_out  # noqa: PLC0415

            tune_gc_for_fan_out()
        control.reset_stats()
        warm: list[float] = []
        warm_cpu: list[float] = []
        if profile is not None:
            profiler.enable()
        for _ in range(rounds):
            seconds, outcomes = await _timed(client, warm_cpu)
            warm.append(seconds)
            errors += check_all(exactness, names, outcomes, truths)
        if profile is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        warm_traffic = _traffic(control.stats())
        peak = peak_rss_mib()
        await client.close()
    finally:
        control.close()
    return {
        "client": client.label + ("+tuned-gc" if tune_gc else ""),
        "accounts": len(accounts), "cold_s": cold, "warm_s": warm, "warm_cpu_s": warm_cpu,
        "cold_traffic": cold_traffic, "warm_traffic": warm_traffic,
        "failures": len(errors), "failure_examples": sorted(set(errors))[:3],
        "rss_before_mib": rss_before, "peak_rss_mib": peak,
        "exactness": exactness.to_json(),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run one client at one size and print its JSON result."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.fanout")
    parser.add_argument("--client", choices=sorted(CLIENTS), required=True)
    parser.add_argument("--accounts", type=Path, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", type=Path, help="cProfile the warm rounds into this file")
    parser.add_argument("--tune-gc", action="store_true",
                        help="framework.tuning.tune_gc_for_fan_out() after the cold round")
    args = parser.parse_args(argv)
    accounts = read_accounts_file(args.accounts, args.count)
    client = CLIENTS[args.client]()
    emit(asyncio.run(measure(client, accounts, args.url, args.rounds, args.profile,
                             tune_gc=args.tune_gc)))


if __name__ == "__main__":
    main()
