"""Mixed fan-out: cash balances of accounts spread over four exchanges, in a fresh process.

::

    python -m tests.benchmarks.mixed --client folio --set mixed --accounts FILE --count 1000 \\
        --urls '{"ascendex": URL, "binance": URL, "okx": URL, "bybit": URL}'

runs one cold round and ``--rounds`` warm rounds over the first ``--count`` accounts of the set
(:mod:`tests.benchmarks.mixed_accounts`: ``mixed`` spreads them evenly over AscendEX, Binance,
OKX and Bybit; ``ascendex`` puts them all on AscendEX), checks every amount of every round
against the file's truth, reads the simulators' counters and prints one JSON line. The runner
(``python -m tests.benchmarks``) starts one such process per client, set and size, against
:mod:`tests.benchmarks.mixed_sim`.

Clients:

* ``folio``: the host API, ``Folio.all_balances(WalletKind.CASH)`` over every account of
  every exchange, default settings except the two per-address budgets the simulators lift too
  (Binance ``weight_limit``, Bybit ``ip_rate_limit``: see :mod:`tests.benchmarks.mixed_sim`);
* ``aiohttp``: the hand-written floor, ``asyncio.gather`` of each exchange's signed GET
  (:mod:`tests.benchmarks.mixed_raw`) through one ``aiohttp.ClientSession`` without a limit.

Warm rounds start at least :data:`ROUND_PERIOD_S` apart (the pause is not timed): OKX allows
each key 10 balance reads per 2 s, which folio keeps on its side by waiting and a hand-written
client would break (``50011``); a round every 0.3 s reads each key at most 7 times per 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import importlib
import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Final

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
from tests.benchmarks.mixed_accounts import SETS, MixedAccount, read_set, truth_of
from tests.benchmarks.mixed_raw import RawAccount
from tests.benchmarks.simproc import SimControl

__all__ = ["CLIENTS", "ROUND_PERIOD_S", "MixedClient", "main", "measure"]

ROUND_PERIOD_S: Final = 0.3
FOLIO_OPTIONS: Final[Mapping[str, Mapping[str, Any]]] = {
    "binance": {"weight_limit": 0},
    "bybit": {"ip_rate_limit": 0},
}
"""What differs from folio's defaults: the per-address budgets the simulators lift too."""

MixedClient = BenchClient[MixedAccount, Mapping[str, str]]
"""One way of reading every account of every exchange (one simulator URL per exchange)."""


class FolioMixed(FolioClient[MixedAccount, Mapping[str, str]]):
    """folio's host API over all four exchanges, as an application uses it."""

    modules: ClassVar[tuple[str, ...]] = (
        "framework.host", "framework.config", "framework.models",
        "plugins.ascendex", "plugins.binance", "plugins.okx", "plugins.bybit",
    )

    async def open(self, accounts: Sequence[MixedAccount], urls: Mapping[str, str], /) -> None:
        self.configure((a.name, a.exchange, a.api_key, a.api_secret, a.passphrase,
                        urls[a.exchange], FOLIO_OPTIONS.get(a.exchange, {})) for a in accounts)


class AiohttpMixed(MixedClient):
    """The floor: hand-signed GETs through one ``aiohttp.ClientSession``, ``gather``."""

    label = "aiohttp"
    modules = ("aiohttp",)

    async def open(self, accounts: Sequence[MixedAccount], urls: Mapping[str, str], /) -> None:
        self.accounts = [RawAccount(account) for account in accounts]
        self.urls = urls
        self.session = aiohttp_session()

    async def _get(self, exchange: str, request: tuple[str, dict[str, str]]) -> tuple[int, bytes]:
        path, headers = request
        async with self.session.get(self.urls[exchange] + path, headers=headers) as response:
            body: bytes = await response.read()
            return response.status, body

    async def _one(self, raw: RawAccount) -> Reading:
        if raw.needs_info():
            raw.read_info((await self._get(raw.exchange, raw.info()))[1])
        return raw.read_balance(*await self._get(raw.exchange, raw.balance()))

    async def read_all(self) -> list[Outcome]:
        return await gather_outcomes(self._one(raw) for raw in self.accounts)

    async def close(self) -> None:
        await self.session.close()


CLIENTS: dict[str, type[MixedClient]] = {cls.label: cls for cls in (FolioMixed, AiohttpMixed)}


def _requests(controls: Mapping[str, SimControl]) -> dict[str, int]:
    return {name: int(control.stats()["total"]) for name, control in controls.items()}


def _reset(controls: Mapping[str, SimControl]) -> None:
    for control in controls.values():
        control.reset_stats()


async def measure(
    client: MixedClient, accounts: Sequence[MixedAccount], urls: Mapping[str, str],
    rounds: int, *, control: bool = True, profile: Path | None = None,
) -> dict[str, Any]:
    """Cold round, then ``rounds`` warm rounds; every amount of every round is checked.

    ``control``: read the simulators' request counters (their ``/__simulator__/`` routes).
    ``profile``: the warm rounds run under cProfile and its stats are written there (``python
    -m pstats FILE``); the timings are then the profiler's, not the client's.
    """
    profiler = cProfile.Profile()
    names = [account.name for account in accounts]
    truths = [truth_of(account) for account in accounts]
    exactness = Exactness()
    used = sorted({account.exchange for account in accounts})
    controls = {name: SimControl(urls[name]) for name in used} if control else {}
    try:
        for module in client.modules:
            importlib.import_module(module)
        rss_before = rss_mib()
        await client.open(accounts, urls)
        _reset(controls)
        started = time.perf_counter()
        outcomes = await client.read_all()
        cold = time.perf_counter() - started
        cold_requests = _requests(controls)
        errors = check_all(exactness, names, outcomes, truths)
        _reset(controls)
        warm: list[float] = []
        warm_cpu: list[float] = []
        for _ in range(rounds):
            await asyncio.sleep(max(0.0, started + ROUND_PERIOD_S - time.perf_counter()))
            started, cpu = time.perf_counter(), time.process_time()
            if profile is not None:
                profiler.enable()
            outcomes = await client.read_all()
            if profile is not None:
                profiler.disable()
            warm_cpu.append(time.process_time() - cpu)
            warm.append(time.perf_counter() - started)
            errors += check_all(exactness, names, outcomes, truths)
        if profile is not None:
            profiler.dump_stats(profile)
        warm_requests = _requests(controls)
        peak = peak_rss_mib()
        await client.close()
    finally:
        for sim in controls.values():
            sim.close()
    return {
        "client": client.label, "accounts": len(accounts), "exchanges": used,
        "cold_s": cold, "warm_s": warm, "warm_cpu_s": warm_cpu,
        "cold_requests": cold_requests, "warm_requests": warm_requests,
        "failures": len(errors), "failure_examples": sorted(set(errors))[:3],
        "rss_before_mib": rss_before, "peak_rss_mib": peak,
        "exactness": exactness.to_json(),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run one client over one set at one size and print its JSON result."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.mixed")
    parser.add_argument("--client", choices=sorted(CLIENTS), required=True)
    parser.add_argument("--set", choices=SETS, default="mixed")
    parser.add_argument("--accounts", type=Path, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--urls", type=json.loads, required=True,
                        help='JSON {"ascendex": URL, "binance": URL, "okx": URL, "bybit": URL}')
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--exchange", help="only the set's accounts on this exchange (a cut of "
                        "one exchange's cost; --count counts before the cut)")
    parser.add_argument("--profile", type=Path, help="cProfile the warm rounds into this file")
    args = parser.parse_args(argv)
    accounts = [account for account in read_set(args.accounts, args.set, args.count)
                if args.exchange in {None, account.exchange}]
    result = asyncio.run(measure(CLIENTS[args.client](), accounts, args.urls, args.rounds,
                                 profile=args.profile))
    emit({**result, "set": args.set})


if __name__ == "__main__":
    main()
