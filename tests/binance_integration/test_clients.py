"""The adapter's async client against the Binance simulator over loopback sockets.

Expected numbers are written out from Binance's documentation samples, not read from the
simulator's data files, so the simulator and the client are both checked against the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from adapters.binance import Budget
from adapters.binance.simulator import (
    BinanceSimulator,
    Fault,
    MarginRow,
    PricedTotals,
    RunningBinanceSimulator,
    SimAccount,
    SimulatorOptions,
    SpotRow,
)
from adapters.binance.simulator.pytest_plugin import BinanceSimulatorFactory
from framework.credentials import Credentials
from framework.errors import (
    AuthenticationError,
    BannedError,
    ClockSkewError,
    ExchangeError,
    ExchangeUnavailableError,
    InvalidResponseError,
    PermissionDeniedError,
    RateLimitedError,
    TransportError,
)
from framework.models import NOT_APPLICABLE, HealthMetric, WalletKind
from tests.binance_integration.conftest import DEMO, Connect, assert_located_without_secret

SPOT = [("BTC", "4723846.89208129", "4723846.89208129"),
        ("LTC", "4763368.68006011", "4763368.68006011")]
MARGIN = [("BTC", "0.00499500", "0.00000000", "0.00000000", "0.00499500"),
          ("BNB", "2346.50000000", "201.66666672", "0.00000000", "2144.83333328")]


def _plain(amount: Decimal) -> str:
    return format(amount, "f")


@pytest.mark.anyio
async def test_the_documentation_samples_come_back_exactly(
    binance_simulator: RunningBinanceSimulator, connect: Connect
) -> None:
    client = connect(binance_simulator.url)
    spot = await client.call("balances", WalletKind.CASH)
    margin = await client.call("balances", WalletKind.MARGIN)
    risk = await client.call("margin_risk")

    assert (spot.exchange, spot.account, spot.wallet) == ("binance", "main", WalletKind.CASH)
    assert [(b.asset, _plain(b.total), _plain(b.available)) for b in spot] == SPOT
    assert [(b.asset, _plain(b.total), _plain(b.borrowed), _plain(b.interest), _plain(b.net))
            for b in margin] == MARGIN
    assert (risk.quote_asset, _plain(risk.total_value), _plain(risk.equity)) == (
        "BTC", "6.82728457", "6.24095242"
    )
    assert risk.borrowed_value == Decimal("0.58633215")
    assert (risk.health.metric, risk.health.value, risk.health.liquidation_threshold) == (
        HealthMetric.MARGIN_LEVEL, Decimal("11.64405625"), Decimal("1.1")
    )
    assert risk.extras["collateral_margin_level"] == Decimal("3.2")
    stats = binance_simulator.stats()
    assert (stats.count(route="account"), stats.count(route="margin/account")) == (1, 2)
    assert stats.statuses == {200: 3}


@pytest.mark.anyio
async def test_a_priced_account_reads_as_the_simulator_computed_it(
    binance_simulator_factory: BinanceSimulatorFactory, connect: Connect
) -> None:
    key = "Q" * 64
    account = SimAccount(
        key, "q-secret",
        spot=[SpotRow("ETH", "1.25000000", "0.75000000"), SpotRow("XRP", "0.00000000")],
        margin=[MarginRow("BTC", "0.10000000"),
                MarginRow("USDT", "500.00000000", borrowed="1000.00000000",
                          interest="0.50000000")],
        totals=PricedTotals({"USDT": "0.00002"}),
    )
    running = binance_simulator_factory(BinanceSimulator([account]))
    client = connect(running.url, credentials=Credentials.from_strings(key, "q-secret"))
    spot = await client.call("balances", WalletKind.CASH)
    assert [(b.asset, _plain(b.total), _plain(b.available), _plain(b.locked))
            for b in spot] == [("ETH", "2.00000000", "1.25000000", "0.75000000")]
    risk = await client.call("margin_risk")
    # 0.1 BTC + 500 USDT = 0.11 BTC; owes 1000.5 USDT = 0.02001 BTC
    assert (_plain(risk.total_value), _plain(risk.borrowed_value), _plain(risk.equity)) == (
        "0.11000000", "0.02001000", "0.08999000"
    )
    assert risk.health.value == Decimal("5.49725137")
    margin = await client.call("balances", WalletKind.MARGIN)
    assert _plain(margin["USDT"].net) == "-500.50000000"


@pytest.mark.anyio
async def test_no_debt_has_no_margin_level(
    binance_simulator_factory: BinanceSimulatorFactory, connect: Connect
) -> None:
    key = "N" * 64
    running = binance_simulator_factory(BinanceSimulator(
        [SimAccount(key, "n-secret", margin=[MarginRow("BTC", "1.00000000")])]
    ))
    risk = await connect(running.url, credentials=Credentials.from_strings(key, "n-secret")
                         ).call("margin_risk")
    assert risk.health.value is NOT_APPLICABLE
    assert risk.leverage == 1


# -- faults ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FaultCase:
    fault: Fault
    error: type[ExchangeError]
    attributes: dict[str, Any] = field(default_factory=dict)
    says: str = ""
    sends: int = 1
    """Requests the client puts on the wire (retries are off, so 1 but where noted)."""


FAULTS = {
    "429-retry-after": FaultCase(
        Fault.rate_limited(retry_after=3), RateLimitedError,
        {"status": 429, "retry_after": 3.0, "code": -1003}, "retry after 3 s"),
    "418-ip-ban": FaultCase(
        Fault.banned(retry_after=600), BannedError,
        {"status": 418, "retry_after": 600.0, "code": -1003}, "banned"),
    "500": FaultCase(Fault.http_status(500), ExchangeUnavailableError,
                     {"status": 500, "code": -1001}, "HTTP 500"),
    "502-html": FaultCase(Fault.http_status(502), ExchangeUnavailableError,
                          {"status": 502, "code": None}, "HTTP 502"),
    "403-firewall": FaultCase(Fault.http_status(403), PermissionDeniedError,
                              {"status": 403}, "firewall"),
    "bad-signature": FaultCase(
        Fault.json_error(-1022, "Signature for this request is not valid."),
        AuthenticationError, {"code": -1022, "reason": "INVALID_SIGNATURE"}, "API secret"),
    "rejected-key": FaultCase(
        Fault.json_error(-2015, "Invalid API-key, IP, or permissions for action.", status=401),
        PermissionDeniedError, {"code": -2015, "status": 401}, "Enable Reading"),
    "bad-key-format": FaultCase(
        Fault.json_error(-2014, "API-key format invalid.", status=401), AuthenticationError,
        {"code": -2014}),
    "weight-code": FaultCase(Fault.json_error(-1003, "Too many requests queued."),
                             RateLimitedError, {"code": -1003, "retry_after": None}),
    "unknown-code": FaultCase(
        Fault.json_error(-4242, "Something Binance added later."), ExchangeError,
        {"code": -4242, "exchange_message": "Something Binance added later."},
        "unrecognised error code"),
    "garbage-body": FaultCase(Fault.malformed_body("<html>oops</html>"), InvalidResponseError,
                              {"field": "$"}, "not valid JSON"),
    "cut-json": FaultCase(Fault.malformed_body(), InvalidResponseError, {"field": "$"},
                          "truncated or garbled"),
    "wrong-schema": FaultCase(
        Fault.malformed_body('{"balances": [{"asset": "BTC", "free": 1, "locked": "0"}],'
                             ' "userAssets": 5}'),
        InvalidResponseError, {}, "expected a"),
    "cut-on-the-wire": FaultCase(Fault.truncated_body(), TransportError, {},
                                 "connection to 127.0.0.1 failed"),
    # aiohttp, under the shared httpx client (framework/transport.py), sends an idempotent
    # request once more by itself when the connection is reset (RFC 9112 9.3.1.1), whatever
    # folio's retry policy.
    "reset": FaultCase(Fault.connection_reset(), TransportError, {},
                       "connection to 127.0.0.1 failed", sends=2),
}

READS = [
    ("account", "GET account", "balances", (WalletKind.CASH,)),
    ("margin/account", "GET margin/account", "balances", (WalletKind.MARGIN,)),
    ("margin/account", "GET margin/account", "margin_risk", ()),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("route", "endpoint", "method", "args"), READS,
                         ids=["spot", "margin", "risk"])
@pytest.mark.parametrize("case", FAULTS.values(), ids=FAULTS.keys())
async def test_faults_become_typed_located_errors(
    binance_simulator: RunningBinanceSimulator,
    connect: Connect,
    case: FaultCase,
    route: str,
    endpoint: str,
    method: str,
    args: tuple[Any, ...],
) -> None:
    installed = binance_simulator.faults.add(case.fault)
    client = connect(binance_simulator.url, account="faulty")
    with pytest.raises(ExchangeError) as caught:
        await client.call(method, *args)
    error = caught.value
    assert type(error) is case.error
    for name, value in case.attributes.items():
        assert getattr(error, name) == value, name
    assert case.says in error.detail
    assert_located_without_secret(error, "faulty", endpoint)
    fired = [f.fired for f in binance_simulator.faults.active() if f.id == installed]
    assert fired == [case.sends]
    assert binance_simulator.stats().count(route=route) == case.sends


@pytest.mark.anyio
async def test_a_wrong_secret_is_refused_by_the_simulators_own_check(
    binance_simulator: RunningBinanceSimulator, connect: Connect
) -> None:
    wrong = Credentials.from_strings(DEMO.api_key.reveal(), "not-the-secret")
    with pytest.raises(AuthenticationError) as caught:
        await connect(binance_simulator.url, credentials=wrong).call("margin_risk")
    assert (caught.value.code, caught.value.status) == (-1022, 400)
    assert_located_without_secret(caught.value, "main", "GET margin/account", wrong)


# -- clock -------------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("offset_ms", [30_000, -30_000], ids=["exchange-ahead", "exchange-behind"])
async def test_a_skewed_clock_is_measured_and_the_read_repeated_once(
    binance_simulator: RunningBinanceSimulator, connect: Connect, offset_ms: int
) -> None:
    binance_simulator.set_clock_offset_ms(offset_ms)
    client = connect(binance_simulator.url)
    spot = await client.call("balances", WalletKind.CASH)
    assert spot.assets == ("BTC", "LTC")
    assert abs(client.client.clock_offset_ms - offset_ms) < 5_000
    stats = binance_simulator.stats()
    assert (stats.count(route="account"), stats.count(route="time")) == (2, 1)
    assert stats.statuses == {400: 1, 200: 2}
    # the corrected clock is kept: the next read needs no correction
    await client.call("balances", WalletKind.MARGIN)
    assert binance_simulator.stats().count(route="time") == 1


@pytest.mark.anyio
async def test_without_sync_clock_the_skew_is_an_error(
    binance_simulator: RunningBinanceSimulator, connect: Connect
) -> None:
    binance_simulator.set_clock_offset_ms(-30_000)
    with pytest.raises(ClockSkewError) as caught:
        await connect(binance_simulator.url, sync_clock=False).call("margin_risk")
    assert caught.value.exchange_message == (
        "Timestamp for this request was 1000ms ahead of the server's time."
    )
    assert binance_simulator.stats().count(route="time") == 0


# -- weight ------------------------------------------------------------------------------------


# Weight windows start on whole multiples of their length in server time, which is the wall
# clock (signatures are checked against it). Windows of a year make a window change between
# two requests of one test practically impossible, where one-minute windows would let a run
# straddle ``:59.999`` and fail.
YEAR_MS = 365 * 24 * 3600 * 1000


@pytest.mark.anyio
async def test_the_used_weight_binance_reports_is_exposed(
    binance_simulator_factory: BinanceSimulatorFactory, connect: Connect
) -> None:
    options = SimulatorOptions(weight_window_ms=YEAR_MS)
    binance_simulator = binance_simulator_factory(BinanceSimulator.seed(options=options))
    first, second = connect(binance_simulator.url), connect(binance_simulator.url)
    await first.call("balances", WalletKind.CASH)
    await second.call("balances", WalletKind.CASH)  # the IP's budget, not the client's
    await second.call("margin_risk")
    assert first.client.used_weight == {Budget.API: 20}
    assert second.client.used_weight == {Budget.API: 40, Budget.SAPI: 10}
    assert binance_simulator.used_weight("account") == 40


@pytest.mark.anyio
async def test_weight_over_the_exchanges_limit_is_a_rate_limited_error(
    binance_simulator_factory: BinanceSimulatorFactory, connect: Connect
) -> None:
    options = SimulatorOptions(api_weight_limit=50, weight_window_ms=YEAR_MS)
    running = binance_simulator_factory(BinanceSimulator.seed(options=options))
    client = connect(running.url, weight_limit=0)  # folio's own limiter off: the exchange says
    for _ in range(2):
        await client.call("balances", WalletKind.CASH)
    with pytest.raises(RateLimitedError) as caught:
        await client.call("balances", WalletKind.CASH)
    error = caught.value
    assert (error.status, error.code) == (429, -1003)
    assert error.retry_after is not None
    assert error.retry_after >= 1  # until the window ends
    assert "current limit is 50 request weight" in error.detail
    assert running.stats().throttled == 1


@pytest.mark.anyio
async def test_folios_limiter_charges_the_documented_weights(
    binance_simulator: RunningBinanceSimulator, connect: Connect
) -> None:
    from adapters.binance.endpoints import ACCOUNT, MARGIN_ACCOUNT  # noqa: PLC0415

    client = connect(binance_simulator.url, weight_limit=60, sapi_weight_limit=15)
    await client.call("balances", WalletKind.CASH)
    await client.call("balances", WalletKind.CASH)
    await client.call("margin_risk")
    (api,) = client.client.budgets.of(ACCOUNT)
    (sapi,) = client.client.budgets.of(MARGIN_ACCOUNT)
    # 40 of 60 and 10 of 15 used: a third spot read fits, a second margin read must wait
    assert api.try_acquire(20) == 0
    assert sapi.try_acquire(10) > 0
    assert binance_simulator.stats().throttled == 0
