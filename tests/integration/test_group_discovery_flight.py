"""AscendEX account-group discovery is single-flight: one discovery's outcome, success or
failure, is shared by every read of the account that waited for it (adapters/ascendex/client.py).

Before, a failed discovery was retried by each waiter in turn, so against a dead host the
deadlines added up (3 s, 6 s, 9 s for cash, margin and risk; ~90 s at the default 30 s). The
tests count requests at the simulator and the client's waits (a fake sleeper): one discovery,
all waiters get the same error.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import pytest

from adapters.ascendex import AscendexOptions, AsyncAscendexClient
from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, Fault, RunningSimulator
from framework.credentials import Credentials
from framework.errors import (
    ExchangeError,
    ExchangeUnavailableError,
    RequestTimeoutError,
    TransportError,
)
from framework.models import WalletKind
from framework.retry import RetryPolicy
from framework.settings import HttpSettings

HTTP = HttpSettings(connect_timeout=1.0, retry=RetryPolicy())  # default retries and deadline
DEMO = Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)
NO_LIMIT = AscendexOptions(rate_limit=0)
"""The per-key limiter is process-wide: other tests' spent budget would add limiter waits to
the fake sleeper these tests count (the limiter has its own tests)."""


class Waits:
    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def _refusing_url() -> str:
    """A loopback port nobody listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def _three_reads(client: AsyncAscendexClient) -> list[BaseException | object]:
    return list(await asyncio.gather(
        client.balances(WalletKind.CASH),
        client.balances(WalletKind.MARGIN),
        client.margin_risk(),
        return_exceptions=True,
    ))


def _same_error(results: list[BaseException | object]) -> ExchangeError:
    errors = [r for r in results if isinstance(r, ExchangeError)]
    assert len(errors) == len(results)
    first = errors[0]
    for error in errors:
        assert type(error) is type(first)
        assert (error.detail, error.endpoint, error.account) == (
            first.detail, first.endpoint, first.account
        )
    assert len({id(e) for e in errors}) == len(errors)  # each caller its own object
    return first


@pytest.mark.anyio
async def test_reads_against_a_refusing_host_share_one_discovery() -> None:
    waits = Waits()
    async with AsyncAscendexClient(DEMO, base_url=_refusing_url(), account="dead", http=HTTP,
                                   sleep=waits, options=NO_LIMIT) as client:
        results = await _three_reads(client)
    error = _same_error(results)
    assert isinstance(error, TransportError)
    assert error.endpoint == "GET info"
    assert error.account == "dead"
    assert "gave up after 4 attempts" in error.detail
    # one discovery's backoffs (3 waits between 4 attempts), not three discoveries' (9)
    assert len(waits.seconds) == 3


@pytest.mark.anyio
async def test_reads_share_one_failing_discovery_counted_at_the_exchange(
    ascendex_simulator_factory: Callable[..., RunningSimulator],
) -> None:
    simulator = ascendex_simulator_factory()
    simulator.faults.add(Fault.http_status(503, route="info"))
    async with AsyncAscendexClient(DEMO, base_url=simulator.url, account="down", http=HTTP,
                                   sleep=Waits(), options=NO_LIMIT) as client:
        results = await _three_reads(client)
    error = _same_error(results)
    assert isinstance(error, ExchangeUnavailableError)
    assert error.account == "down"
    assert simulator.stats().count(route="info") == 4  # one discovery: its 4 attempts
    assert simulator.stats().count(route="cash/balance") == 0


@pytest.mark.anyio
async def test_a_later_read_after_a_failed_discovery_tries_again(
    ascendex_simulator_factory: Callable[..., RunningSimulator],
) -> None:
    simulator = ascendex_simulator_factory()
    simulator.faults.add(Fault.http_status(503, route="info", times=4))
    async with AsyncAscendexClient(DEMO, base_url=simulator.url, account="recovers",
                                   http=HTTP, sleep=Waits(), options=NO_LIMIT) as client:
        failed = await _three_reads(client)
        assert all(isinstance(r, ExchangeUnavailableError) for r in failed)
        recovered = await _three_reads(client)
    assert not any(isinstance(r, BaseException) for r in recovered)
    assert simulator.stats().count(route="info") == 5  # 4 failed attempts, then one answer


@pytest.mark.anyio
async def test_a_successful_discovery_is_shared_too(
    ascendex_simulator: RunningSimulator,
) -> None:
    async with AsyncAscendexClient(DEMO, base_url=ascendex_simulator.url, account="ok",
                                   http=HTTP, sleep=Waits(), options=NO_LIMIT) as client:
        results = await _three_reads(client)
        assert client.account_group == 6
    assert not any(isinstance(r, BaseException) for r in results)
    assert ascendex_simulator.stats().count(route="info") == 1


@pytest.mark.anyio
async def test_waiters_cut_by_the_deadline_name_the_discovery_they_waited_for() -> None:
    # A host that takes the connection and never answers: the kernel completes the handshake
    # (the socket listens) but nobody reads or replies, so discovery hangs until the deadline.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        quick = HttpSettings(read_timeout=30.0, retry=RetryPolicy(deadline=0.3))
        async with AsyncAscendexClient(DEMO, base_url=url, account="mute", http=quick,
                                       options=NO_LIMIT) as client:
            results = await _three_reads(client)
    errors = [r for r in results if isinstance(r, ExchangeError)]
    assert len(errors) == 3
    for error in errors:
        assert isinstance(error, RequestTimeoutError), repr(error)
        assert error.endpoint == "GET info", repr(error)
        assert error.account == "mute"
