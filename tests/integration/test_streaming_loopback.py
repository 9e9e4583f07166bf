"""Streams over loopback: the real plugin stack against two AscendEX simulators.

One simulator answers its balance and risk routes only after ten minutes (a server that never
answers); the other at once. The quick account's result must come first (the slow one cannot
answer within the test), a refused account is a result beside it, and stopping early cancels
the read still waiting on its socket, with nothing left to warn about (the suite turns every
warning into an error).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from decimal import Decimal

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, AscendexSimulator
from adapters.simkit.faults import Fault
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.errors import AuthenticationError
from framework.host import Folio
from framework.models import WalletKind
from framework.sync import SyncFolio

GOOD = StaticCredentials(Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET))
WRONG = StaticCredentials(Credentials.from_strings(DEMO_API_KEY, "not-the-secret"))


@pytest.fixture
def accounts() -> Iterator[list[AccountConfig]]:
    """``slow`` (never answers), ``quick`` and ``typo`` (wrong secret), on loopback."""
    with AscendexSimulator.seed().serve() as slow, AscendexSimulator.seed().serve() as quick:
        for route in ("cash/balance", "margin/risk"):
            slow.faults.add(Fault.latency(600_000, route=route))
        group = {"account_group": 6}
        yield [
            AccountConfig("slow", "ascendex", GOOD, base_url=slow.url, options=group),
            AccountConfig("quick", "ascendex", GOOD, base_url=quick.url, options=group),
            AccountConfig("typo", "ascendex", WRONG, base_url=quick.url, options=group),
        ]


@pytest.mark.anyio
async def test_the_answers_come_as_they_arrive_and_an_early_end_cancels_the_socket_read(
    accounts: list[AccountConfig],
) -> None:
    async with Folio(accounts) as folio:
        async with contextlib.aclosing(folio.stream_balances(WalletKind.CASH)) as stream:
            first = await anext(stream)
            second = await anext(stream)
        # Closed while ``slow`` still waits for its answer: its read was cancelled and awaited.
        assert not [t for t in asyncio.all_tasks() if "_outcome" in repr(t.get_coro())]
    by_name = {first.account: first, second.account: second}
    assert set(by_name) == {"quick", "typo"}
    assert by_name["quick"].unwrap()["BTC"].total == Decimal("22.1308675")  # the seed's
    assert isinstance(by_name["typo"].error, AuthenticationError)
    assert by_name["typo"].error.account == "typo"


@pytest.mark.anyio
async def test_risk_streams_over_the_wire_and_a_bare_break_is_cleaned_up_by_closing(
    accounts: list[AccountConfig],
) -> None:
    async with Folio(accounts[:2]) as folio:
        async for outcome in folio.stream_risk():
            assert outcome.account == "quick"
            assert outcome.unwrap().total_value == Decimal("17715.8175")
            break
    # Leaving ``async with`` closed the Folio, which ended the stream's pending read first.
    assert not [t for t in asyncio.all_tasks() if "_outcome" in repr(t.get_coro())]


def test_the_blocking_stream_reads_the_same_and_stops_the_slow_read(
    accounts: list[AccountConfig],
) -> None:
    with SyncFolio(accounts) as folio:
        results = folio.stream_balances()
        first, second = next(results), next(results)
        results.close()
        assert {first.account, second.account} == {"quick", "typo"}
        assert folio.balances("quick")["USDT"].total == Decimal("1285.366663467")
