"""The adapter's async client against the simulator over loopback sockets.

Every test reads through :class:`AsyncAscendexClient` on folio's own transport (the
``connect`` fixture). Expected numbers are copied from the seed specification
(``shared/seed/ascendex-balance-api.md``), not read from the simulator's data files, so the
simulator and the client are both checked against the document.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import pytest

from adapters.ascendex.simulator import (
    AscendexSimulator,
    CashRow,
    Fault,
    RunningSimulator,
    SimAccount,
    system_clock_ms,
)
from adapters.ascendex.simulator.pytest_plugin import SimulatorFactory
from framework.credentials import Credentials
from framework.errors import (
    AuthenticationError,
    ExchangeError,
    ExchangeUnavailableError,
    InvalidResponseError,
    PermissionDeniedError,
    RateLimitedError,
    TransportError,
)
from framework.models import (
    NOT_APPLICABLE,
    BalanceSnapshot,
    HealthMetric,
    MarginRisk,
    WalletKind,
)
from tests.integration.conftest import (
    WITHOUT_RETRIES,
    Connect,
    Reader,
    assert_located_without_secret,
)

# (asset, total, available, borrowed, interest) exactly as the seed writes them; cash rows have
# no debt fields, which the domain model reports as zero.
SEED_CASH = [
    ("USDT", "1285.366663467", "1285.366663467", "0", "0"),
    ("BTC", "22.1308675", "16.1308675", "0", "0"),
    ("ETH", "0.6", "0.6", "0", "0"),
]
SEED_MARGIN = [
    ("USDT", "11200", "11200", "0", "0"),
    ("ETH", "20", "20", "0", "0"),
]
SEED_RISK = {
    "accountMaxLeverage": "10",
    "availableBalanceInUSDT": "17715.8175",
    "currentLeverage": "1",
    "cushion": "-1",
    "netBalanceInUSDT": "17715.8175",
    "pointsBalance": "0",
    "totalBalanceInUSDT": "17715.8175",
    "totalBorrowedInUSDT": "0",
    "totalInterestInUSDT": "0",
}
PREFIX = {"v1": "/api/pro/v1", "legacy": "/api/pro"}
"""What comes before ``info`` / after ``/<group>`` in each path style, written out by hand."""


def _rows(snapshot: BalanceSnapshot) -> list[tuple[str, str, str, str, str]]:
    return [
        (row.asset, str(row.total), str(row.available), str(row.borrowed), str(row.interest))
        for row in snapshot
    ]


def _assert_exact_rows(
    snapshot: BalanceSnapshot, wallet: WalletKind, expected: list[tuple[str, str, str, str, str]]
) -> None:
    assert (snapshot.exchange, snapshot.account, snapshot.wallet) == ("ascendex", "main", wallet)
    assert _rows(snapshot) == expected  # every digit, in the seed's order
    as_decimals = [
        (row.asset, row.total, row.available, row.borrowed, row.interest) for row in snapshot
    ]
    assert as_decimals == [(asset, *map(Decimal, amounts)) for asset, *amounts in expected]


def _risk_fields(risk: MarginRisk) -> dict[str, object]:
    """The domain risk profile under the wire names of the nine fields it came from."""
    return {
        "accountMaxLeverage": risk.max_leverage,
        "availableBalanceInUSDT": risk.available_value,
        "currentLeverage": risk.leverage,
        "cushion": risk.health.value,
        "netBalanceInUSDT": risk.equity,
        "pointsBalance": risk.extras["points_balance"],
        "totalBalanceInUSDT": risk.total_value,
        "totalBorrowedInUSDT": risk.borrowed_value,
        "totalInterestInUSDT": risk.interest_value,
    }


@pytest.mark.anyio
@pytest.mark.parametrize("risk_method", ["GET", "POST"])
@pytest.mark.parametrize("path_style", ["v1", "legacy"])
async def test_seed_numbers_come_back_exactly(
    ascendex_simulator: RunningSimulator, connect: Connect, path_style: str, risk_method: str
) -> None:
    client = connect(ascendex_simulator.url, path_style=path_style, risk_method=risk_method)
    cash = await client.balances(WalletKind.CASH)
    margin = await client.balances(WalletKind.MARGIN)
    risk = await client.margin_risk()

    _assert_exact_rows(cash, WalletKind.CASH, SEED_CASH)
    _assert_exact_rows(margin, WalletKind.MARGIN, SEED_MARGIN)

    assert (risk.exchange, risk.account, risk.quote_asset) == ("ascendex", "main", "USDT")
    fields = _risk_fields(risk)
    assert fields.keys() == SEED_RISK.keys()
    assert fields.pop("cushion") is NOT_APPLICABLE  # "-1": nothing borrowed, not a low cushion
    numbers = {name: text for name, text in SEED_RISK.items() if name != "cushion"}
    assert {name: str(value) for name, value in fields.items()} == numbers
    assert fields == {name: Decimal(text) for name, text in numbers.items()}
    assert risk.health.metric is HealthMetric.CUSHION
    assert risk.health.liquidation_threshold == Decimal(1)
    assert set(risk.extras) == {"points_balance"}

    prefix = PREFIX[path_style]
    assert client.sent == [
        f"GET {prefix}/info",
        f"GET /6{prefix}/cash/balance",
        f"GET /6{prefix}/margin/balance",
        f"{risk_method} /6{prefix}/margin/risk",
    ]
    stats = ascendex_simulator.stats()
    assert stats.statuses == {200: 4}


# -- key checks --------------------------------------------------------------------------------

NOW_MS = system_clock_ms()
HOUR_MS = 3_600_000
EXPIRED = SimAccount("expired-key", "expired-secret-5b1e0c9f", 6, expire_time_ms=NOW_MS - HOUR_MS)
EXPIRING = SimAccount("expiring-key", "expiring-secret-77d2e1a4", 6,
                      expire_time_ms=NOW_MS + HOUR_MS)
VIEWLESS = SimAccount("viewless-key", "viewless-secret-0c3a9b1d", 6, view_permission=False,
                      trade_permission=True, cash=[CashRow("BTC", "1", "1")])
KEYED = SimAccount("good-key", "good-secret-4e8f2a6c", 6)


def _credentials(account: SimAccount, secret: str | None = None) -> Credentials:
    return Credentials.from_strings(account.api_key, secret or account.api_secret)


@dataclass(frozen=True)
class KeyCase:
    credentials: Credentials
    error: type[ExchangeError]
    endpoint: str
    says: str
    options: dict[str, object] = field(default_factory=dict)
    now: Callable[[], datetime] | None = None


PINNED: dict[str, object] = {"account_group": 6}
KEY_CASES = {
    "expired-rejected-by-exchange-at-discovery": KeyCase(
        _credentials(EXPIRED), AuthenticationError, "GET info", "API key is expired"
    ),
    "expired-rejected-by-exchange-pinned-group": KeyCase(
        _credentials(EXPIRED), AuthenticationError, "GET cash/balance", "API key is expired",
        options=PINNED,
    ),
    # Expiry is the exchange's call on its own clock, not the client's on the local clock:
    # tests/integration/test_clock_sharing.py (a host clock running ahead keeps a valid key).
    "no-view-noticed-by-client-from-info": KeyCase(
        _credentials(VIEWLESS), PermissionDeniedError, "GET info", "View permission"
    ),
    "no-view-rejected-by-exchange-pinned-group": KeyCase(
        _credentials(VIEWLESS), PermissionDeniedError, "GET cash/balance",
        "does not have view permission", options=PINNED,
    ),
    "wrong-secret": KeyCase(
        _credentials(KEYED, "not-the-secret-91fa7c"), AuthenticationError, "GET info",
        "API signature mismatch",
    ),
    "unknown-key": KeyCase(
        Credentials.from_strings("unknown-key", "unknown-secret-2d6b"), AuthenticationError,
        "GET info", "Invalid API key",
    ),
}


@pytest.fixture(scope="module")
def key_simulator() -> Iterator[RunningSimulator]:
    """One simulator holding every key of the key-check cases (read-only, shared)."""
    with AscendexSimulator([EXPIRED, EXPIRING, VIEWLESS, KEYED]).serve() as running:
        yield running


@pytest.mark.anyio
@pytest.mark.parametrize("case", KEY_CASES.values(), ids=KEY_CASES.keys())
async def test_key_problems_are_typed_and_explained(
    key_simulator: RunningSimulator, connect: Connect, case: KeyCase
) -> None:
    client = connect(
        key_simulator.url, credentials=case.credentials, account="keyed", now=case.now,
        **case.options,
    )
    with pytest.raises(ExchangeError) as caught:
        await client.balances(WalletKind.CASH)
    error = caught.value
    assert type(error) is case.error  # exactly: not a parse error, not a clock problem
    assert case.says in error.detail
    assert_located_without_secret(error, "keyed", case.endpoint, case.credentials)
    with pytest.raises(ExchangeError) as again:  # the same clear answer on the next call
        await client.balances(WalletKind.CASH)
    assert type(again.value) is case.error
    assert case.says in again.value.detail


# -- faults ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FaultCase:
    fault: Callable[[str], Fault]
    """Builds the fault for a route (``times`` unlimited: no attempt could get through)."""
    error: type[ExchangeError]
    attributes: dict[str, object] = field(default_factory=dict)
    says: str = ""
    sends: int = 1
    """Requests that reach the simulator (retries are off, so 1 but where noted)."""


FAULT_CASES = {
    "502-cloudflare-html": FaultCase(
        lambda route: Fault.http_status(502, route=route),
        ExchangeUnavailableError, {"status": 502}, "HTTP 502",
    ),
    "524-cloudflare-html": FaultCase(
        lambda route: Fault.http_status(524, route=route),
        ExchangeUnavailableError, {"status": 524}, "HTTP 524",
    ),
    "429-with-retry-after": FaultCase(
        lambda route: Fault.rate_limited(retry_after=2, route=route),
        RateLimitedError, {"status": 429, "retry_after": 2.0}, "retry after 2 s",
    ),
    "429-without-retry-after": FaultCase(
        lambda route: Fault.rate_limited(route=route),
        RateLimitedError, {"status": 429, "retry_after": None}, "HTTP 429",
    ),
    "garbage-body": FaultCase(
        lambda route: Fault.malformed_body("<html>oops</html>", route=route),
        InvalidResponseError, {"field": "$"}, "not valid JSON",
    ),
    "json-cut-in-half-in-a-complete-answer": FaultCase(
        lambda route: Fault.malformed_body(route=route),
        InvalidResponseError, {"field": "$"}, "truncated or garbled",
    ),
    # Content-Length promises more than arrives: the HTTP message itself is broken, which is
    # a (retryable) transport failure, not a permanent schema error.
    "body-cut-short-on-the-wire": FaultCase(
        lambda route: Fault.truncated_body(route=route), TransportError,
        says="RemoteProtocolError",
    ),
    # aiohttp, under the shared httpx client (framework/transport.py), sends an idempotent
    # request once more by itself when a reused connection is reset (RFC 9112 9.3.1.1),
    # whatever folio's retry policy; folio itself sent it once (``client.sent``).
    "connection-reset": FaultCase(
        lambda route: Fault.connection_reset(route=route), TransportError,
        says="connection to 127.0.0.1 failed", sends=2,
    ),
}

READS: list[tuple[str, str, Callable[[Reader], Awaitable[object]]]] = [
    ("cash/balance", "GET cash/balance", lambda c: c.balances(WalletKind.CASH)),
    ("margin/balance", "GET margin/balance", lambda c: c.balances(WalletKind.MARGIN)),
    ("margin/risk", "GET margin/risk", lambda c: c.margin_risk()),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("route", "endpoint", "read"), READS, ids=[r[0] for r in READS])
@pytest.mark.parametrize("case", FAULT_CASES.values(), ids=FAULT_CASES.keys())
async def test_faults_become_typed_located_errors(
    ascendex_simulator_factory: SimulatorFactory,
    connect: Connect,
    demo_credentials: Credentials,
    case: FaultCase,
    route: str,
    endpoint: str,
    read: Callable[[Reader], Awaitable[object]],
) -> None:
    running = ascendex_simulator_factory()
    running.faults.add(case.fault(route))
    client = connect(running.url, account="faulty", http=WITHOUT_RETRIES)
    with pytest.raises(ExchangeError) as caught:
        await read(client)
    error = caught.value
    assert type(error) is case.error
    for name, value in case.attributes.items():
        assert getattr(error, name) == value, name
    assert case.says in error.detail
    assert_located_without_secret(error, "faulty", endpoint, demo_credentials)
    (installed,) = running.faults.active()
    assert installed.fired == case.sends  # the error is the fault's doing: retries are off
    stats = running.stats()
    assert (stats.count(route="info"), stats.count(route=route)) == (1, case.sends)
    assert client.sent.count(f"GET /6/api/pro/v1/{route}") == 1

