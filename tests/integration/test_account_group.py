"""Account-group handling of both clients, proven by what reached the simulator.

The group is the first path segment of every balance and risk URL and comes from
``GET /api/pro/v1/info``. The simulator answers a request to another group with
``200006 ACCOUNT_ERROR`` (HTTP 200), counts every request per route, and the clients record
the paths they sent, so "discovered once" and "rediscovered after a rejection" are facts about
the traffic rather than about the answers.
"""

from __future__ import annotations

import anyio
import pytest

from adapters.ascendex.simulator import (
    AscendexSimulator,
    CashRow,
    Fault,
    MarginRow,
    RunningSimulator,
    SimAccount,
)
from adapters.ascendex.simulator.pytest_plugin import SimulatorFactory
from framework.credentials import Credentials
from framework.errors import AccountStateError
from framework.models import WalletKind
from tests.integration.conftest import Connect, Reader, assert_located_without_secret

ROUTES = ("cash/balance", "margin/balance", "margin/risk")


async def read_everything(client: Reader, rounds: int) -> None:
    """Cash, margin and risk, ``rounds`` times over, one call after the other."""
    for _ in range(rounds):
        await client.balances(WalletKind.CASH)
        await client.balances(WalletKind.MARGIN)
        await client.margin_risk()


@pytest.mark.anyio
async def test_a_wrong_pinned_group_is_rediscovered_once(
    ascendex_simulator: RunningSimulator, connect: Connect
) -> None:
    client = connect(ascendex_simulator.url, account_group=5)  # the key's group is 6
    assert client.account_group == 5

    cash = await client.balances(WalletKind.CASH)

    assert cash.assets == ("USDT", "BTC", "ETH")
    assert client.account_group == 6
    assert client.sent == [
        "GET /5/api/pro/v1/cash/balance",  # rejected: 200006
        "GET /api/pro/v1/info",  # the one extra call
        "GET /6/api/pro/v1/cash/balance",
    ]
    stats = ascendex_simulator.stats()
    assert stats.count(route="info") == 1
    assert stats.count(route="cash/balance") == 2  # one call: one rejected + one answered

    await read_everything(client, rounds=2)
    assert client.sent[3:] == [
        f"GET /6/api/pro/v1/{route}" for route in ROUTES * 2
    ]  # straight to the new group
    assert ascendex_simulator.stats().count(route="info") == 1


@pytest.mark.anyio
async def test_a_group_confirmed_by_rediscovery_is_an_account_state_error(
    ascendex_simulator: RunningSimulator, connect: Connect, demo_credentials: Credentials
) -> None:
    # The key's own group answers "wrong group" as well: rediscovery finds the same group.
    ascendex_simulator.faults.add(
        Fault.json_error(200006, "Unable to find User Account Data", "ACCOUNT_ERROR",
                         route="cash/balance")
    )
    client = connect(ascendex_simulator.url, account_group=6)

    with pytest.raises(AccountStateError) as caught:
        await client.balances(WalletKind.CASH)

    error = caught.value
    assert type(error) is AccountStateError
    assert error.code == 200006
    assert error.reason == "ACCOUNT_ERROR"
    assert "Unable to find User Account Data" in error.detail
    assert "account group 6 confirmed by GET info" in error.detail
    assert_located_without_secret(error, "main", "GET cash/balance", demo_credentials)
    assert client.account_group == 6
    assert client.sent == ["GET /6/api/pro/v1/cash/balance", "GET /api/pro/v1/info"]  # no loop


GROUP_ZERO = SimAccount(
    "group-zero-key",
    "group-zero-secret-6c1d",
    0,
    cash=[CashRow("BTC", "0.5", "0.25")],
    margin=[MarginRow("USDT", "100", "90", "10", "0.01")],
)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("options", "info_calls"),
    [
        pytest.param({}, 1, id="discovered"),
        pytest.param({"account_group": 0}, 0, id="pinned"),
    ],
)
async def test_group_zero_is_a_group_not_a_missing_one(
    ascendex_simulator_factory: SimulatorFactory,
    connect: Connect,
    options: dict[str, object],
    info_calls: int,
) -> None:
    running = ascendex_simulator_factory(AscendexSimulator([GROUP_ZERO]))
    credentials = Credentials.from_strings(GROUP_ZERO.api_key, GROUP_ZERO.api_secret)
    client = connect(running.url, credentials=credentials, **options)

    await read_everything(client, rounds=3)
    cash = await client.balances(WalletKind.CASH)

    assert client.account_group == 0
    assert [(r.asset, str(r.total), str(r.available)) for r in cash] == [("BTC", "0.5", "0.25")]
    assert running.stats().count(route="info") == info_calls
    group_calls = [sent for sent in client.sent if not sent.endswith("/info")]
    assert len(group_calls) == 10
    assert all(sent.split()[1].startswith("/0/api/pro/v1/") for sent in group_calls)


@pytest.mark.anyio
async def test_discovery_happens_once_per_client(
    ascendex_simulator: RunningSimulator, connect: Connect
) -> None:
    first = connect(ascendex_simulator.url)
    await read_everything(first, rounds=5)
    stats = ascendex_simulator.stats()
    assert stats.count(route="info") == 1
    assert [stats.count(route=route) for route in ROUTES] == [5, 5, 5]
    assert first.account_group == 6

    second = connect(ascendex_simulator.url)  # a new client learns the group for itself
    await read_everything(second, rounds=1)
    assert ascendex_simulator.stats().count(route="info") == 2


@pytest.mark.anyio
async def test_concurrent_first_calls_share_one_discovery(
    ascendex_simulator: RunningSimulator, connect: Connect
) -> None:
    # Hosts read cash, margin and risk of one account at once through one shared client
    # (``folio demo`` gathers all three). Latency on info makes the overlap certain.
    ascendex_simulator.faults.add(Fault.latency(100, route="info"))
    client = connect(ascendex_simulator.url)
    async with anyio.create_task_group() as group:
        group.start_soon(client.balances, WalletKind.CASH)
        group.start_soon(client.balances, WalletKind.MARGIN)
        group.start_soon(client.margin_risk)
    assert client.account_group == 6
    assert ascendex_simulator.stats().count(route="info") == 1
