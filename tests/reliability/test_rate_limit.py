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
# The simulated edge runs in a process of its own, as an exchange would: sharing this test's
# process (and its GIL), a burst of 50 new connections could reach it hundreds of ms after
# folio released them, bunching two of folio's windows into one of the edge's. The slack above
# folio's limit absorbs what remains (new connections being set up), and the control below
# shows the edge still refuses a fan-out that folio does not pace. Bursts of 20 keep the spread
# of new connections small next to folio's 20% reserve (a starved 2-core machine spread bursts
# of 50 past it).
SERVER_LIMIT = (26, 1_000)


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
