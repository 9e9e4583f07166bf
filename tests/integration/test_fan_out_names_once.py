"""An account named twice in a fan-out or a stream is read and listed once.

Listed twice, its balances would be summed twice by ``total_by_asset``: a total twice the real
one that still says "across 1 account" (found by a review of issue #11).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, AscendexSimulator
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.host import Folio
from framework.results import total_by_asset

pytestmark = pytest.mark.anyio

GOOD = StaticCredentials(Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET))


@pytest.fixture
def account() -> Iterator[AccountConfig]:
    with AscendexSimulator.seed().serve() as simulator:
        yield AccountConfig("main", "ascendex", GOOD, base_url=simulator.url)


async def test_all_balances_reads_a_repeated_name_once(account: AccountConfig) -> None:
    async with Folio([account]) as folio:
        once = await folio.all_balances()
        twice = await folio.all_balances(accounts=["main", "main"])
    assert [r.account for r in twice] == ["main"]
    assert total_by_asset(twice).totals == total_by_asset(once).totals
    assert str(total_by_asset(twice).totals["BTC"]) == "22.1308675"


async def test_all_risk_and_streams_read_a_repeated_name_once(account: AccountConfig) -> None:
    async with Folio([account]) as folio:
        risk = await folio.all_risk(["main", "main"])
        streamed = [r.account async for r in folio.stream_balances(accounts=["main", "main"])]
    assert [r.account for r in risk] == ["main"]
    assert streamed == ["main"]
