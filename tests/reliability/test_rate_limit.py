"""Many accounts on one API key: folio paces them under the exchange's per-key limit.

The simulator enforces a per-key sliding-window limit like an exchange edge and counts what it
refuses. With folio's limiter on, a fan-out over 60 accounts sharing one key is refused
nothing; with it off, the same fan-out is throttled (the control that gives the test teeth).
"""

from __future__ import annotations

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.host import Folio
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings
from tests.benchmarks.simproc import SimulatorProcess

ACCOUNTS = 60
CLIENT_LIMIT = 20  # per second, per key
# The simulated edge runs in a process of its own, as an exchange would, and allows twice what
# folio is told to keep to. Arrivals are timed at the edge, after each burst's connections are
# set up; in CI a burst of a busy test process reached the edge over 200 ms after folio released
# it, so two of folio's windows fell into one of the edge's. Twice the budget absorbs a whole
# window of such delay (a timing margin is no test of pacing); what the test proves is that
# the accounts on one key share one limiter: unpaced, the same fan-out is refused (the control).
# The limiter's exact windows are pinned without sockets in tests/framework/.
SERVER_LIMIT = (2 * CLIENT_LIMIT, 1_000)


async def fan_out_on_one_key(client_limit: int) -> tuple[int, int]:
    """(successful reads, requests the simulated edge refused)."""
    credentials = StaticCredentials(Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET))
    edge = f"{SERVER_LIMIT[0]}/{SERVER_LIMIT[1]}"
    with SimulatorProcess(None, "--rate-limit", edge) as simulator:
        accounts = [
            AccountConfig(
                name=f"sub-{i:03d}",
                exchange="ascendex",
                credentials=credentials,
                base_url=simulator.url,
                options={"account_group": 6, "rate_limit": client_limit},
            )
            for i in range(ACCOUNTS)
        ]
        async with Folio(accounts, http=HttpSettings(retry=NO_RETRIES)) as folio:
            fan_out = await folio.all_balances()
        throttled: int = simulator.control.stats()["throttled"]
        return len(fan_out.values), throttled


@pytest.mark.anyio
async def test_folio_keeps_a_shared_key_under_the_exchange_limit() -> None:
    read, refused = await fan_out_on_one_key(CLIENT_LIMIT)
    assert refused == 0
    assert read == ACCOUNTS


@pytest.mark.anyio
async def test_without_folio_s_limiter_the_same_fan_out_is_throttled() -> None:
    read, refused = await fan_out_on_one_key(0)
    assert refused == ACCOUNTS - SERVER_LIMIT[0]
    assert read == SERVER_LIMIT[0]
