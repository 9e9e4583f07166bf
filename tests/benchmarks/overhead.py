"""Per-call overhead: one cash-balance read, full stack against a hand-written signed GET.

::

    python -m tests.benchmarks.overhead --accounts FILE --url URL

No latency is injected: what is left is the client's CPU per call plus the simulator's answer
(the same for every variant). Variants run in interleaved blocks, so drift of the machine
(another process, frequency scaling) touches all of them alike; each block times
``--calls`` calls and the result per variant is the median of the blocks' per-call times.
The last answer of every variant is checked against the simulator's truth.

Variants: ``raw async`` / ``raw sync`` (one ``httpx`` client, :class:`~tests.benchmarks.raw
.RawKey` headers, ``json.loads``), ``folio async`` (``Folio.balances``), ``folio sync``
(``SyncFolio.balances``, which hands the call to the host's event-loop thread), ``adapter
async`` (``AsyncAscendexClient.balances`` on its own HTTP client, no host around it),
``ccxt async`` and ``ccxt sync`` (``fetch_balance`` with markets and accounts loaded, throttle
off). folio's own per-key rate limit (100 requests per second by default) is switched off too:
at a thousand calls per second it would be what is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

from tests.benchmarks.accounts import BenchAccount, read_accounts_file, truth_of
from tests.benchmarks.measure import Exactness, Reading, emit, install_sniffio_stand_in
from tests.benchmarks.raw import RawKey, balance_path, check_envelope

__all__ = ["main"]

Call = Callable[[], Reading]
AsyncCall = Callable[[], Awaitable[Reading]]


def _raw_rows(body: bytes) -> Reading:
    return {row["asset"]: (row["totalBalance"], row["availableBalance"])
            for row in check_envelope(body)}


def _snapshot_rows(snapshot: Any) -> Reading:
    return {row.asset: (row.total, row.available) for row in snapshot}


def _ccxt_rows(balance: Any) -> Reading:
    return {asset: (balance[asset]["total"], balance[asset]["free"]) for asset in balance["total"]}


class Variants:
    """Every variant, opened against one account and kept warm between blocks."""

    def __init__(self, account: BenchAccount, url: str, loop: asyncio.AbstractEventLoop) -> None:
        import ccxt  # noqa: PLC0415
        import ccxt.async_support as ccxt_async  # noqa: PLC0415

        from adapters.ascendex import AscendexOptions, AsyncAscendexClient  # noqa: PLC0415
        from framework.config import AccountConfig, StaticCredentials  # noqa: PLC0415
        from framework.credentials import Credentials  # noqa: PLC0415
        from framework.host import Folio  # noqa: PLC0415
        from framework.models import WalletKind  # noqa: PLC0415
        from framework.sync import SyncFolio  # noqa: PLC0415

        self.loop = loop
        name = account.name
        key = RawKey(account.api_key, account.api_secret)
        path = balance_path(account.account_group)
        credentials = Credentials.from_strings(account.api_key, account.api_secret)
        # Throttles off on both sides: the rate limiter would be measured instead of the code.
        config = AccountConfig(name=name, exchange="ascendex", options={"rate_limit": 0},
                               credentials=StaticCredentials(credentials), base_url=url)
        ccxt_settings = {"apiKey": account.api_key, "secret": account.api_secret,
                         "enableRateLimit": False}

        self.raw_sync_client = httpx.Client(base_url=url)
        self.raw_async_client = httpx.AsyncClient(base_url=url)
        self.folio = Folio([config])
        self.sync_folio = SyncFolio([config])
        self.adapter = AsyncAscendexClient(credentials, base_url=url, account=name,
                                           options=AscendexOptions(rate_limit=0))
        self.ccxt_sync = ccxt.ascendex(ccxt_settings)
        self.ccxt_async = ccxt_async.ascendex(ccxt_settings)
        for exchange in (self.ccxt_sync, self.ccxt_async):
            exchange.urls["api"]["rest"] = url

        async def raw_async() -> Reading:
            response = await self.raw_async_client.get(path, headers=key.headers("balance"))
            return _raw_rows(response.content)

        async def folio_async() -> Reading:
            return _snapshot_rows(await self.folio.balances(name, WalletKind.CASH))

        async def adapter_async() -> Reading:
            return _snapshot_rows(await self.adapter.balances(WalletKind.CASH))

        async def ccxt_async_call() -> Reading:
            return _ccxt_rows(await self.ccxt_async.fetch_balance())

        self.sync_calls: dict[str, Call] = {
            "raw sync": lambda: _raw_rows(
                self.raw_sync_client.get(path, headers=key.headers("balance")).content
            ),
            "folio sync": lambda: _snapshot_rows(self.sync_folio.balances(name, WalletKind.CASH)),
            "ccxt sync": lambda: _ccxt_rows(self.ccxt_sync.fetch_balance()),
        }
        self.async_calls: dict[str, AsyncCall] = {
            "raw async": raw_async, "folio async": folio_async, "adapter async": adapter_async,
            "ccxt async": ccxt_async_call,
        }

    @property
    def names(self) -> list[str]:
        """Variant names, in table order."""
        return ["raw async", "folio async", "raw sync", "folio sync", "adapter async",
                "ccxt async", "ccxt sync"]

    def block(self, name: str, calls: int) -> tuple[float, Reading]:
        """Time ``calls`` sequential calls of one variant: seconds per call, last reading."""
        if name in self.sync_calls:
            call = self.sync_calls[name]
            started = time.perf_counter()
            for _ in range(calls):
                reading = call()
            return (time.perf_counter() - started) / calls, reading
        async_call = self.async_calls[name]

        async def run() -> tuple[float, Reading]:
            started = time.perf_counter()
            for _ in range(calls):
                reading = await async_call()
            return (time.perf_counter() - started) / calls, reading

        return self.loop.run_until_complete(run())

    def close(self) -> None:
        """Close every client."""
        self.raw_sync_client.close()
        self.sync_folio.close()

        async def close_async() -> None:
            await self.adapter.aclose()
            await self.raw_async_client.aclose()
            await self.folio.aclose()
            await self.ccxt_async.close()

        self.loop.run_until_complete(close_async())


def measure(account: BenchAccount, url: str, *, blocks: int, calls: int) -> dict[str, Any]:
    """Interleaved blocks of every variant; medians of the per-call times, in microseconds."""
    loop = asyncio.new_event_loop()
    variants = Variants(account, url, loop)
    truth = truth_of(account)
    per_call: dict[str, list[float]] = {name: [] for name in variants.names}
    exactness: dict[str, Exactness] = {name: Exactness() for name in variants.names}
    try:
        for name in variants.names:  # warm up: connections, account groups, CCXT markets
            variants.block(name, 20)
        for _ in range(blocks):
            for name in variants.names:
                seconds, reading = variants.block(name, calls)
                per_call[name].append(seconds)
                exactness[name].check(account.name, reading, truth)
    finally:
        variants.close()
        loop.close()
    return {
        "calls_per_block": calls, "blocks": blocks,
        "us": {name: statistics.median(times) * 1e6 for name, times in per_call.items()},
        "spread_us": {name: [min(times) * 1e6, max(times) * 1e6]
                      for name, times in per_call.items()},
        "exactness": {name: e.to_json() for name, e in exactness.items()},
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Measure every variant against the first account of the file; print JSON."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.overhead")
    parser.add_argument("--accounts", type=Path, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--blocks", type=int, default=15)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--sniffio", action="store_true",
                        help="make `import sniffio` succeed first (what-if)")
    args = parser.parse_args(argv)
    if args.sniffio:
        install_sniffio_stand_in()
    account = read_accounts_file(args.accounts, 1)[0]
    emit(measure(account, args.url, blocks=args.blocks, calls=args.calls))


if __name__ == "__main__":
    main()
