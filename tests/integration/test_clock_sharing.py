"""Clock correction over loopback, both exchanges: one server-time read per host, a read like any
other, shared by every account (docs/reliability.md, "Clock skew"; adapters/kit/client.py).

* 20 accounts on one host whose clock is off make exactly one server-time read;
* that read is retried like any read (a 429 then an answer ends in success), and when it keeps
  failing the caller gets its transient error, not ``ClockSkewError``;
* ``ClockSkewError`` only when the time was read and the corrected request was still refused;
* a rejection with the shared offset already applied measures again, once for all;
* the offset is kept per event loop safely (SyncFolio runs its own loop);
* AscendEX key expiry is the exchange's call: a host clock running ahead keeps a valid key.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.ascendex import AscendexOptions, AsyncAscendexClient
from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, AscendexSimulator
from adapters.ascendex.simulator import Fault as AscendexFault
from adapters.ascendex.simulator.accounts import SimAccount as AscendexAccount
from adapters.ascendex.simulator.simulator import system_clock_ms
from adapters.binance import AsyncBinanceClient, BinanceOptions
from adapters.binance.simulator import DEMO_API_KEY as BINANCE_KEY
from adapters.binance.simulator import DEMO_API_SECRET as BINANCE_SECRET
from adapters.binance.simulator import Fault as BinanceFault
from adapters.kit.clock import wall_clock_ms
from adapters.simkit.server import RunningSimulator
from framework.credentials import Credentials
from framework.errors import (
    ClockSkewError,
    ExchangeError,
    ExchangeUnavailableError,
    RateLimitedError,
)
from framework.models import WalletKind
from framework.retry import RetryPolicy
from framework.settings import HttpSettings

HTTP = HttpSettings(retry=RetryPolicy())  # the default policy: 4 attempts, 30 s deadline
ASCENDEX = Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)
BINANCE = Credentials.from_strings(BINANCE_KEY, BINANCE_SECRET)


class Waits:
    """A client's sleeper: records each wait, returns at once."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@dataclass(frozen=True)
class Exchange:
    """What differs between the two exchanges for these tests."""

    name: str
    time_route: str
    read_route: str
    start: Callable[[pytest.FixtureRequest], RunningSimulator]
    client: Callable[..., Any]
    fault: Any

    def connect(self, url: str, account: str, waits: Waits, **options: Any) -> Any:
        return self.client(url, account, waits, **options)


# Client-side rate limits are off: the limiters are process-wide per key, so the budget other
# tests spent would turn into limiter waits on the fake sleeper (they have their own tests).
NO_LIMITS = {"ascendex": {"rate_limit": 0}, "binance": {"weight_limit": 0, "sapi_weight_limit": 0}}


def _ascendex_client(url: str, account: str, waits: Waits, **options: Any) -> Any:
    options = {**NO_LIMITS["ascendex"], **options}
    return AsyncAscendexClient(ASCENDEX, base_url=url, account=account, http=HTTP, sleep=waits,
                               options=AscendexOptions.from_mapping(options))


def _binance_client(url: str, account: str, waits: Waits, **options: Any) -> Any:
    options = {**NO_LIMITS["binance"], **options}
    return AsyncBinanceClient(BINANCE, base_url=url, account=account, http=HTTP, sleep=waits,
                              options=BinanceOptions.from_mapping(options))


def _start_ascendex(request: pytest.FixtureRequest) -> RunningSimulator:
    factory: Callable[..., RunningSimulator] = request.getfixturevalue(
        "ascendex_simulator_factory")
    return factory()


def _start_binance(request: pytest.FixtureRequest) -> RunningSimulator:
    factory: Callable[..., RunningSimulator] = request.getfixturevalue(
        "binance_simulator_factory")
    return factory()


EXCHANGES = {
    "ascendex": Exchange("ascendex", "exchange-info", "cash/balance", _start_ascendex,
                         _ascendex_client, AscendexFault),
    "binance": Exchange("binance", "time", "account", _start_binance, _binance_client,
                        BinanceFault),
}

SKEW_MS = 47_000  # outside both exchanges' windows, and unlike other tests' offsets


@pytest.fixture(params=list(EXCHANGES.values()), ids=list(EXCHANGES))
def exchange(request: pytest.FixtureRequest) -> Exchange:
    chosen: Exchange = request.param
    return chosen


@pytest.fixture
def simulator(exchange: Exchange, request: pytest.FixtureRequest) -> RunningSimulator:
    return exchange.start(request)


async def _read_all(clients: list[Any]) -> list[Any]:
    try:
        return list(await asyncio.gather(*(c.balances(WalletKind.CASH) for c in clients)))
    finally:
        for client in clients:
            await client.aclose()


@pytest.mark.anyio
async def test_twenty_accounts_on_one_skewed_host_read_its_time_once(
    exchange: Exchange, simulator: RunningSimulator
) -> None:
    simulator.set_clock_offset_ms(SKEW_MS)
    waits = Waits()
    clients = [exchange.connect(simulator.url, f"acct-{n}", waits) for n in range(20)]
    snapshots = await _read_all(clients)
    assert len(snapshots) == 20
    assert len({tuple(s.assets) for s in snapshots}) == 1  # every account read the same seed
    assert simulator.stats().count(route=exchange.time_route) == 1
    assert all(abs(c.clock_offset_ms - SKEW_MS) < 5_000 for c in clients)
    # an account created later signs with the host's known offset from its first request
    later = exchange.connect(simulator.url, "later", waits)
    before = simulator.stats().count(route=exchange.read_route)
    await _read_all([later])
    assert simulator.stats().count(route=exchange.read_route) == before + 1
    assert simulator.stats().count(route=exchange.time_route) == 1


@pytest.mark.anyio
async def test_a_throttled_server_time_read_is_retried_and_the_read_succeeds(
    exchange: Exchange, simulator: RunningSimulator
) -> None:
    simulator.set_clock_offset_ms(SKEW_MS)
    simulator.faults.add(exchange.fault.rate_limited(route=exchange.time_route, times=1))
    waits = Waits()
    (snapshot,) = await _read_all([exchange.connect(simulator.url, "throttled", waits)])
    assert snapshot.assets
    assert simulator.stats().count(route=exchange.time_route) == 2  # the 429, then the time
    assert len(waits.seconds) == 1  # one backoff, as for any read


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "error"), [(429, RateLimitedError), (503, ExchangeUnavailableError)]
)
async def test_a_server_time_read_that_keeps_failing_gives_its_own_transient_error(
    exchange: Exchange, simulator: RunningSimulator, status: int, error: type[ExchangeError]
) -> None:
    simulator.set_clock_offset_ms(SKEW_MS)
    simulator.faults.add(exchange.fault.http_status(status, route=exchange.time_route))
    client = exchange.connect(simulator.url, "unlucky", Waits())
    with pytest.raises(ExchangeError) as caught:
        await _read_all([client])
    failure = caught.value
    assert isinstance(failure, error)
    assert not isinstance(failure, ClockSkewError)
    assert failure.retryable  # the next refresh may well succeed: no "fix NTP" advice
    assert (failure.exchange, failure.account) == (exchange.name, "unlucky")
    assert failure.endpoint is not None
    assert "time" in failure.endpoint or "info" in failure.endpoint
    assert "gave up after 4 attempts" in failure.detail
    assert simulator.stats().count(route=exchange.time_route) == 4  # the default max_attempts


@pytest.mark.anyio
async def test_concurrent_accounts_share_one_failing_server_time_read(
    exchange: Exchange, simulator: RunningSimulator
) -> None:
    simulator.set_clock_offset_ms(SKEW_MS)
    simulator.faults.add(exchange.fault.http_status(503, route=exchange.time_route))
    clients = [exchange.connect(simulator.url, f"acct-{n}", Waits()) for n in range(5)]
    results = await asyncio.gather(*(c.balances(WalletKind.CASH) for c in clients),
                                   return_exceptions=True)
    for client in clients:
        await client.aclose()
    errors = [r for r in results if isinstance(r, ExchangeUnavailableError)]
    assert len(errors) == 5
    # each account's error names that account, and is its own object
    assert sorted(str(e.account) for e in errors) == [f"acct-{n}" for n in range(5)]
    assert len({id(e) for e in errors}) == 5
    # one read of the time with its retries, not one per account
    assert simulator.stats().count(route=exchange.time_route) == 4


@pytest.mark.anyio
async def test_a_corrected_request_still_refused_is_a_clock_skew_error(
    exchange: Exchange, simulator: RunningSimulator
) -> None:
    # the read's route checks timestamps against a clock 60 s ahead; the time endpoint does not
    simulator.faults.add(exchange.fault.clock_offset(60_000, route=exchange.read_route))
    options = {"account_group": 6} if exchange.name == "ascendex" else {}
    client = exchange.connect(simulator.url, "stuck", Waits(), **options)
    with pytest.raises(ClockSkewError) as caught:
        await _read_all([client])
    assert "refused again after the signing clock was corrected" in caught.value.detail
    assert caught.value.account == "stuck"
    stats = simulator.stats()
    assert (stats.count(route=exchange.read_route), stats.count(route=exchange.time_route)) == (
        2, 1
    )


@pytest.mark.anyio
async def test_a_rejection_after_the_shared_offset_was_applied_measures_again_once(
    exchange: Exchange, simulator: RunningSimulator
) -> None:
    simulator.set_clock_offset_ms(SKEW_MS)
    clients = [exchange.connect(simulator.url, f"acct-{n}", Waits()) for n in range(5)]
    try:
        await asyncio.gather(*(c.balances(WalletKind.CASH) for c in clients))
        assert simulator.stats().count(route=exchange.time_route) == 1
        simulator.set_clock_offset_ms(-SKEW_MS)  # the host clock jumped (sleep, NTP step)
        await asyncio.gather(*(c.balances(WalletKind.CASH) for c in clients))
        assert simulator.stats().count(route=exchange.time_route) == 2
        assert all(abs(c.clock_offset_ms + SKEW_MS) < 5_000 for c in clients)
    finally:
        for client in clients:
            await client.aclose()


@pytest.mark.anyio
async def test_sync_clock_off_signs_with_the_local_clock_even_when_the_host_offset_is_known(
    exchange: Exchange, simulator: RunningSimulator
) -> None:
    simulator.set_clock_offset_ms(SKEW_MS)
    await _read_all([exchange.connect(simulator.url, "syncing", Waits())])
    strict = exchange.connect(simulator.url, "strict", Waits(), sync_clock=False)
    with pytest.raises(ClockSkewError):
        await _read_all([strict])
    assert simulator.stats().count(route=exchange.time_route) == 1


def test_two_event_loops_each_correct_the_clock_without_crossing_loops(
    binance_simulator_factory: Callable[..., RunningSimulator],
) -> None:
    """SyncFolio runs its own loop: the host's shared state must not bind to one loop."""
    simulator = binance_simulator_factory()
    simulator.set_clock_offset_ms(SKEW_MS)
    outcomes: list[object] = []
    gate = threading.Barrier(2)

    def on_own_loop(name: str) -> None:
        async def read() -> object:
            client = _binance_client(simulator.url, name, Waits())
            try:
                return await client.balances(WalletKind.CASH)
            finally:
                await client.aclose()

        gate.wait()
        try:
            outcomes.append(asyncio.run(read()))
        except Exception as exc:  # the assertion below shows it
            outcomes.append(exc)

    threads = [threading.Thread(target=on_own_loop, args=(f"loop-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [type(o).__name__ for o in outcomes] == ["BalanceSnapshot"] * 2
    assert 1 <= simulator.stats().count(route="time") <= 2  # at most one per loop


# -- AscendEX key expiry ----------------------------------------------------------------------

HOUR_MS = 3_600_000


@pytest.mark.anyio
async def test_a_host_clock_running_ahead_does_not_declare_a_valid_key_expired() -> None:
    expires = system_clock_ms() + HOUR_MS  # valid for another hour on the exchange's clock
    account = AscendexAccount("expiring-soon-key", "expiring-soon-secret-3a9c", 6,
                              expire_time_ms=expires)
    ahead = timedelta(hours=2)

    def local_ms() -> int:  # this host's clock runs two hours ahead
        return wall_clock_ms() + 2 * HOUR_MS

    with AscendexSimulator([account]).serve() as running:
        client = AsyncAscendexClient(
            Credentials.from_strings(account.api_key, account.api_secret),
            base_url=running.url, account="ahead", http=HTTP, sleep=Waits(),
            clock_ms=local_ms, now=lambda: datetime.now(UTC) + ahead,
        )
        async with client:
            snapshot = await client.balances(WalletKind.CASH)
            info = await client.account_info()
        assert snapshot.account == "ahead"
        assert abs(client.clock_offset_ms + 2 * HOUR_MS) < 5_000
        # the expiry is still reported, for a host that warns ahead of time
        assert info.expires_at is not None
        assert info.expires_at == datetime.fromtimestamp(expires / 1000, UTC)
        assert running.stats().count(route="exchange-info") == 1


@pytest.mark.anyio
async def test_an_expired_key_is_the_exchange_s_answer(
    ascendex_simulator_factory: Callable[..., RunningSimulator],
) -> None:
    account = AscendexAccount("expired-key-2", "expired-secret-2-77aa", 6,
                              expire_time_ms=system_clock_ms() - HOUR_MS)
    running = ascendex_simulator_factory(AscendexSimulator([account]))
    client = AsyncAscendexClient(Credentials.from_strings(account.api_key, account.api_secret),
                                 base_url=running.url, account="old", http=HTTP, sleep=Waits())
    async with client:
        with pytest.raises(ExchangeError) as caught:
            await client.balances(WalletKind.CASH)
    assert caught.value.code == 200001
    assert "API key is expired" in caught.value.detail
