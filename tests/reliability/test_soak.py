"""Soak: 10,000 balance reads over 250 accounts with about 10% of answers broken.

What must hold, whatever the faults do:

* no wrong number: every snapshot folio returns equals the simulator's truth, digit for digit;
* no lost account and no untyped exception: every read ends as a value or a FolioError;
* the client-side rate limit holds: the simulator enforces a per-key limit above folio's and
  counts every request it had to refuse (it must refuse none);
* nothing leaks: the process has the same open file descriptors afterwards.

Retries wait milliseconds (a fast policy), so the run time is the work, not sleeping.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from decimal import Decimal

import pytest

from adapters.ascendex.simulator import (
    AscendexSimulator,
    CashRow,
    Fault,
    SimAccount,
    SimulatorOptions,
)
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.errors import (
    ExchangeUnavailableError,
    FolioError,
    InvalidResponseError,
    RateLimitedError,
    TransportError,
)
from framework.host import Folio
from framework.models import WalletKind
from framework.retry import RetryPolicy
from framework.settings import HttpSettings

ACCOUNTS = 250
ROUNDS = 40  # 250 x 40 = 10,000 reads
CLIENT_LIMIT = 15  # requests per second per key, kept by folio
SERVER_LIMIT = (20, 1_000)  # what the simulated edge lets through per key
FAULTS = (
    Fault.http_status(502, probability=0.03, seed=11),
    Fault.rate_limited(probability=0.02, seed=12),
    Fault.rate_limited(retry_after=1, probability=0.01, seed=13),
    Fault.connection_reset(probability=0.02, seed=14),
    Fault.truncated_body(probability=0.01, seed=15),
    Fault.malformed_body(probability=0.01, seed=16),
)
EXPECTED_FAILURES = (InvalidResponseError, ExchangeUnavailableError, RateLimitedError,
                     TransportError)


def amount(rng: random.Random) -> str:
    """A decimal string with up to 12 fraction digits, trailing zeros kept."""
    return f"{rng.randrange(10**9)}.{rng.randrange(10**12):012d}"


def make_accounts(rng: random.Random) -> list[SimAccount]:
    accounts = []
    for i in range(ACCOUNTS):
        rows = [CashRow(asset, total := amount(rng), total) for asset in ("BTC", "ETH", "USDT")]
        accounts.append(SimAccount(api_key=f"soak-key-{i:04d}", api_secret=f"soak-secret-{i}",
                                   account_group=i % 7, cash=rows))
    return accounts


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.anyio
async def test_soak_no_wrong_numbers_no_lost_accounts_no_leaks() -> None:
    accounts = make_accounts(random.Random(20261127))
    truth = {a.api_key: {row.asset: Decimal(row.total) for row in a.cash} for a in accounts}
    fds_before = open_fds()
    simulator = AscendexSimulator(accounts, options=SimulatorOptions(rate_limit=SERVER_LIMIT))
    http = HttpSettings(retry=RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.005,
                                          max_retry_after=0.01))
    outcomes: Counter[str] = Counter()
    with simulator.serve() as running:
        for fault in FAULTS:
            running.faults.add(fault)
        configs = [
            AccountConfig(
                name=a.api_key,
                exchange="ascendex",
                credentials=StaticCredentials(Credentials.from_strings(a.api_key, a.api_secret)),
                base_url=running.url,
                options={"rate_limit": CLIENT_LIMIT},
            )
            for a in accounts
        ]
        async with Folio(configs, http=http) as folio:
            for _ in range(ROUNDS):
                fan_out = await folio.all_balances(WalletKind.CASH)
                assert len(fan_out) == ACCOUNTS  # no account lost
                for result in fan_out:
                    if result.error is not None:
                        assert isinstance(result.error, FolioError)
                        assert isinstance(result.error, EXPECTED_FAILURES), repr(result.error)
                        assert result.error.account == result.account
                        outcomes[type(result.error).__name__] += 1
                        continue
                    snapshot = result.unwrap()
                    got = {b.asset: b.total for b in snapshot.balances}
                    assert got == truth[result.account]
                    assert all(str(got[k]) == str(v) for k, v in truth[result.account].items())
                    outcomes["ok"] += 1
        stats = running.stats()
        garbled = sum(a.fired for a in running.faults.active() if a.fault.kind == "malformed_body")
    assert sum(outcomes.values()) == ACCOUNTS * ROUNDS
    injected = stats.statuses.get(502, 0) + stats.resets + stats.statuses.get(429, 0)
    assert injected > ACCOUNTS * ROUNDS * 0.05  # the faults really fired
    assert outcomes["ok"] > ACCOUNTS * ROUNDS * 0.95  # retries absorbed the transient ones
    # garbage is re-read (and the re-read validated again, above): few reads end garbled
    assert outcomes["InvalidResponseError"] < garbled
    assert stats.throttled == 0  # folio never crossed the exchange's per-key limit
    assert open_fds() == fds_before  # every socket closed, client and server side
