"""The fault matrix: each way the exchange fails, over real sockets, and what folio does.

Every row runs against the simulator with the fault injected at its edge, through the async
client with the default retry policy; the client's sleeper is a fake that records each wait
instead of waiting, so nothing really sleeps and the waits themselves are checked. The same
table is printed in docs/reliability.md; a test below keeps the two in step.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import attrs
import pytest

from adapters.ascendex import AscendexOptions, AsyncAscendexClient
from adapters.ascendex.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    Fault,
    RunningSimulator,
)
from adapters.binance.simulator import DEMO_API_KEY as BINANCE_KEY
from adapters.binance.simulator import DEMO_API_SECRET as BINANCE_SECRET
from adapters.binance.simulator import BinanceSimulator
from adapters.binance.simulator import Fault as BinanceFault
from adapters.binance_futures import AsyncBinanceFuturesClient, BinanceFuturesOptions
from adapters.bybit import AsyncBybitClient, BybitOptions
from adapters.bybit.simulator import DEMO_API_KEY as BYBIT_KEY
from adapters.bybit.simulator import DEMO_API_SECRET as BYBIT_SECRET
from adapters.bybit.simulator import BybitSimulator
from adapters.bybit.simulator import Fault as BybitFault
from adapters.okx import AsyncOkxClient, OkxOptions
from adapters.okx.simulator import DEMO_API_KEY as OKX_KEY
from adapters.okx.simulator import DEMO_API_SECRET as OKX_SECRET
from adapters.okx.simulator import DEMO_PASSPHRASE as OKX_PASSPHRASE
from adapters.okx.simulator import Fault as OkxFault
from adapters.okx.simulator import OkxSimulator
from adapters.simkit.faults import FaultKind
from framework.credentials import Credentials
from framework.errors import (
    AccountStateError,
    AuthenticationError,
    BodyTooLargeError,
    ClockSkewError,
    ExchangeError,
    ExchangeUnavailableError,
    FolioError,
    InvalidResponseError,
    RateLimitedError,
    RequestTimeoutError,
)
from framework.models import WalletKind
from framework.retry import RetryPolicy
from framework.settings import HttpSettings
from tests.reliability.three import KIT, Kit

HTTP = HttpSettings(retry=RetryPolicy())  # the default policy and timeouts
SHORT_READS = HttpSettings(read_timeout=1.0, retry=RetryPolicy())
"""For the timeout rows: answers held 5 s by the simulator time out; a normal answer arrives
well within 1 s even on a loaded machine."""
STORM = HttpSettings(retry=RetryPolicy(deadline=2.9))
"""The fake sleeper makes backoff cost no time, so two 1 s answers end near 2 s: any second
backoff (at most 0.5 s) still fits before 2.9 s with 0.4 s to spare for a busy machine, and the
third answer cannot arrive before 3 s, so the deadline, not the backoff rule, ends the call."""
"""For the slow storm: the third 1 s answer is cut by the deadline, with room either side."""
CASH = "cash/balance"
DOCS = Path(__file__).parents[2] / "docs" / "reliability.md"


@attrs.frozen
class Case:
    """One row of the matrix."""

    name: str
    faults: tuple[Fault, ...]
    outcome: str
    """What the caller sees, in the words of the docs table."""
    cash_requests: int
    """Requests the simulator saw on cash/balance: proves how often folio tried."""
    error: type[FolioError] | None = None
    options: dict[str, Any] = attrs.field(factory=dict)
    clock_offset_ms: int = 0
    api_key: str = DEMO_API_KEY
    waits: tuple[float, ...] | None = None
    """The exact waits between attempts, where they are not jittered."""
    http: HttpSettings | None = None
    """Settings other than the defaults (the timeout rows use ``SHORT_READS``)."""


CASES = [
    Case("5xx burst (2 x HTTP 502)", (Fault.http_status(502, route=CASH, times=2),),
         "retried with backoff; succeeds", 3),
    Case("5xx outage (HTTP 503 on every try)", (Fault.http_status(503, route=CASH),),
         "ExchangeUnavailableError after 4 attempts", 4, ExchangeUnavailableError),
    Case("429 with Retry-After", (Fault.rate_limited(retry_after=2, route=CASH, times=1),),
         "waits as told; succeeds", 2, waits=(2.0,)),
    Case("429 with a Retry-After past max_retry_after (a ban)",
         (Fault.rate_limited(retry_after=3600, route=CASH),),
         "RateLimitedError at once, keeping the advice", 1, RateLimitedError, waits=()),
    Case("429 without Retry-After",
         (Fault.rate_limited(route=CASH, times=2),),
         "retried with backoff; succeeds", 3),
    Case("429 on every try", (Fault.rate_limited(route=CASH),),
         "RateLimitedError after 4 attempts", 4, RateLimitedError),
    Case("slow 5xx storm (each 503 after 1 s, deadline 2.9 s)",
         (Fault.latency(1_000, route=CASH), Fault.http_status(503, route=CASH)),
         "RequestTimeoutError at the deadline, naming the last 503", 3, RequestTimeoutError,
         http=STORM),
    Case("timeout (answer later than read_timeout)",
         (Fault.latency(5_000, route=CASH, times=1),),
         "retried; succeeds", 2),
    Case("timeout on every try", (Fault.latency(5_000, route=CASH),),
         "RequestTimeoutError after 4 attempts", 4, RequestTimeoutError),
    Case("connection reset (twice)", (Fault.connection_reset(route=CASH, times=2),),
         "resent; succeeds", 3),
    Case("truncated body (connection closes mid-body)",
         (Fault.truncated_body(route=CASH, times=1),),
         "retried; succeeds", 2),
    Case("garbled body once (complete answer, not JSON)",
         (Fault.malformed_body("<html>oops</html>", route=CASH, times=1),),
         "re-read; succeeds", 2),
    Case("garbled body on every try",
         (Fault.malformed_body(route=CASH),),
         "InvalidResponseError after 4 attempts", 4, InvalidResponseError),
    Case("valid JSON in the wrong shape",
         (Fault.malformed_body('{"code":0,"data":{"unexpected":true}}', route=CASH),),
         "InvalidResponseError naming the field, not re-read", 1, InvalidResponseError),
    Case("endless body (chunked, never ends)", (Fault.endless_body(route=CASH),),
         "InvalidResponseError at max_body_bytes, not retried", 1, BodyTooLargeError),
    Case("oversize Content-Length (1 GiB declared)", (Fault.oversize_body(route=CASH),),
         "InvalidResponseError before reading the body, not retried", 1, BodyTooLargeError),
    Case("unknown error code", (Fault.json_error(987654, "Something new", "NEW_THING",
                                                 route=CASH, times=1),),
         "ExchangeError keeping code and message, not retried", 1, ExchangeError),
    Case("wrong account group (pinned 5, key in 6)", (),
         "rediscovers the group once; succeeds", 2, options={"account_group": 5}),
    Case("wrong account group confirmed by discovery",
         (Fault.json_error(200006, "Unable to find User Account Data", "ACCOUNT_ERROR",
                           route=CASH),),
         "AccountStateError 200006, not retried", 1, AccountStateError),
    Case("skewed clock (server 60 s ahead)", (),
         "measures the offset, corrects, succeeds", 2, options={"account_group": 6},
         clock_offset_ms=60_000),
    Case("throttled clock probe (server 60 s ahead, 429 on server time)",
         (Fault.rate_limited(route="exchange-info", times=1),),
         "server-time read retried like any read; corrects, succeeds", 2,
         options={"account_group": 6}, clock_offset_ms=60_000),
    Case("clock probe throttled on every try (server 60 s ahead)",
         (Fault.rate_limited(route="exchange-info"),),
         "RateLimitedError of the server-time read (retryable), not ClockSkewError", 1,
         RateLimitedError, options={"account_group": 6}, clock_offset_ms=60_000),
    Case("skewed clock, sync_clock = false", (),
         "ClockSkewError, not retried", 1, ClockSkewError,
         options={"account_group": 6, "sync_clock": False}, clock_offset_ms=60_000),
    Case("revoked or unknown key", (),
         "AuthenticationError, not retried", 0, AuthenticationError,
         api_key="revoked-key-0000"),
]


class Waits:
    """The client's sleeper: records each wait, returns at once."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def client_for(case: Case, url: str, waits: Waits) -> AsyncAscendexClient:
    credentials = Credentials.from_strings(case.api_key, DEMO_API_SECRET)
    return AsyncAscendexClient(
        credentials,
        base_url=url,
        account="matrix",
        options=AscendexOptions.from_mapping(case.options),
        http=case.http or (SHORT_READS if case.name.startswith("timeout") else HTTP),
        sleep=waits,
    )


@pytest.mark.anyio
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_fault_matrix(
    case: Case, ascendex_simulator_factory: Callable[..., RunningSimulator]
) -> None:
    simulator = ascendex_simulator_factory()
    for fault in case.faults:
        simulator.faults.add(fault)
    simulator.set_clock_offset_ms(case.clock_offset_ms)
    waits = Waits()
    async with client_for(case, simulator.url, waits) as client:
        if case.error is None:
            snapshot = await client.balances(WalletKind.CASH)
            assert snapshot["BTC"].total == Decimal("22.1308675")  # the seed's numbers
            assert snapshot["USDT"].total == Decimal("1285.366663467")
        else:
            with pytest.raises(case.error) as caught:
                await client.balances(WalletKind.CASH)
            error = caught.value
            assert error.account == "matrix"
            assert error.exchange == "ascendex"
            assert error.endpoint is not None
            assert DEMO_API_SECRET not in repr(error)
            if case.cash_requests == 4:
                assert "gave up after 4 attempts" in str(error)
            if any(f.route == "exchange-info" for f in case.faults):  # the server-time read's
                assert error.endpoint == "GET exchange-info"
                assert "gave up after 4 attempts" in str(error)
            elif isinstance(error, RateLimitedError) and case.cash_requests == 1:
                assert error.retry_after == 3600  # the host learns how long the ban lasts
                assert "longer than max_retry_after" in str(error)
            if case.error is RequestTimeoutError and case.http is STORM:
                assert "the last failure: ExchangeUnavailableError" in str(error)
                assert "HTTP 503" in str(error)
            if case.error is BodyTooLargeError:
                assert f"max_body_bytes ({HTTP.max_body_bytes} bytes)" in str(error)
            if case.error is ExchangeError:
                assert type(error) is ExchangeError
                assert error.code == 987654
                assert "Something new" in str(error)
    if case.waits is not None:
        assert tuple(waits.seconds) == case.waits
    else:  # jittered backoff: at most one wait per resend, each within the policy's bounds
        # (the pool itself resends at once, without a wait, when a kept-alive connection
        # turns out to be closed: so there may be fewer waits than resends)
        probe_resends = max(simulator.stats().count(route="exchange-info") - 1, 0)
        assert len(waits.seconds) <= max(case.cash_requests - 1, 0) + probe_resends
        assert all(0 <= w <= HTTP.retry.max_delay for w in waits.seconds)
    stats = simulator.stats()
    # Requests cut by the client's read timeout are still held by the simulator's latency
    # fault (in flight, not yet counted): both are requests folio sent.
    assert stats.count(route=CASH) + stats.in_flight == case.cash_requests
    if case.clock_offset_ms and case.error is None:
        assert abs(client.clock_offset_ms - case.clock_offset_ms) < 1_000
        probes = 1 + sum(f.times or 0 for f in case.faults if f.route == "exchange-info")
        assert simulator.stats().count(route="exchange-info") == probes


def _table_rows(markdown: str) -> list[tuple[str, ...]]:
    """``| fault | outcome | requests |`` rows of the fault-matrix table in the reliability page."""
    section = markdown.split("## Fault matrix", 1)[1].split("\n## ", 1)[0]
    rows: list[tuple[str, ...]] = []
    for line in section.splitlines():
        if not line.startswith("|"):
            continue
        cells = tuple(c.strip() for c in line.strip().strip("|").split("|"))
        if not re.fullmatch(r"-+|Fault", cells[0]):
            rows.append(cells)
    return rows


def test_docs_table_is_this_matrix() -> None:
    rows = _table_rows(DOCS.read_text(encoding="utf-8"))
    assert rows == [(case.name, case.outcome, str(case.cash_requests)) for case in CASES]


# -- the same faults on the kit's exchanges ----------------------------------------------------

KIT_ROUTE: Final = {"okx": "account/balance", "bybit": "account/wallet-balance",
                    "binance_futures": "futures/account"}
KIT_TIME: Final = {"okx": "public/time", "bybit": "market/time",
                   "binance_futures": "futures/time"}
KIT_HOLDING: Final = {"okx": ("BTC", "0.25"), "bybit": ("BTC", "0.35"),
                      "binance_futures": ("USDT", "2000.00000000")}
KIT_ROWS: Final = (
    "5xx burst (2 x HTTP 502)", "5xx outage (HTTP 503 on every try)", "429 with Retry-After",
    "429 with a Retry-After past max_retry_after (a ban)", "429 without Retry-After",
    "429 on every try", "timeout (answer later than read_timeout)", "timeout on every try",
    "connection reset (twice)", "truncated body (connection closes mid-body)",
    "garbled body once (complete answer, not JSON)", "garbled body on every try",
    "valid JSON in the wrong shape", "endless body (chunked, never ends)",
    "oversize Content-Length (1 GiB declared)", "unknown error code",
    "skewed clock (server 60 s ahead)",
    "throttled clock probe (server 60 s ahead, 429 on server time)",
    "clock probe throttled on every try (server 60 s ahead)",
    "skewed clock, sync_clock = false", "revoked or unknown key",
)
"""The rows of :data:`CASES` every kit exchange runs too (docs/reliability.md says which)."""
KIT_SHAPE: Final = {"okx": '{"code":"0","msg":"","data":[{"unexpected":true}]}',
                    "bybit": '{"retCode":0,"retMsg":"OK","result":{"unexpected":true}}',
                    "binance_futures": '{"unexpected":true}'}
KIT_REQUESTS: Final = {
    # Where a kit exchange's count differs from AscendEX's: AscendEX's first request is its
    # group discovery (a revoked key never reaches cash/balance), Binance futures' is
    # accountConfig (a refused timestamp is met, corrected or not, before futures/account).
    ("revoked or unknown key", "okx"): 1,
    ("revoked or unknown key", "bybit"): 1,
    ("skewed clock (server 60 s ahead)", "binance_futures"): 1,
    ("throttled clock probe (server 60 s ahead, 429 on server time)", "binance_futures"): 1,
    ("clock probe throttled on every try (server 60 s ahead)", "binance_futures"): 0,
    ("skewed clock, sync_clock = false", "binance_futures"): 0,
}
"""Requests to the balance route where they differ from the docs table's (see there)."""
KIT_CASES: Final = [(case, name) for case in CASES if case.name in KIT_ROWS for name in KIT]


def _kit_fault(fault: Fault, name: Kit, fault_type: Any) -> Any:
    """``fault`` (an AscendEX row's) on ``name``'s simulator: its routes, its wrong shape."""
    fields = {f: getattr(fault, f) for f in ("kind", "times", "latency_ms", "status",
                                             "retry_after", "code", "message", "body")}
    fields["route"] = KIT_TIME[name] if fault.route == "exchange-info" else KIT_ROUTE[name]
    if fault.kind is FaultKind.MALFORMED_BODY and fault.body and fault.body.startswith("{"):
        fields["body"] = KIT_SHAPE[name]
    if fault.kind is FaultKind.JSON_ERROR:
        fields["reason"] = None
    return fault_type(**fields)


@contextlib.contextmanager
def _kit_simulator(name: Kit) -> Iterator[Any]:
    if name == "okx":
        with OkxSimulator.demo().serve() as running:
            yield running
    elif name == "bybit":
        with BybitSimulator.demo().serve() as running:
            yield running
    else:
        with BinanceSimulator.demo().serve() as running:
            yield running


def _kit_client(case: Case, name: Kit, url: str, waits: Waits) -> Any:
    http = case.http or (SHORT_READS if case.name.startswith("timeout") else HTTP)
    sync = case.options.get("sync_clock", True)
    revoked = case.api_key != DEMO_API_KEY
    if name == "okx":
        key = "revoked-key-0000" if revoked else OKX_KEY
        return AsyncOkxClient(Credentials.from_strings(key, OKX_SECRET, OKX_PASSPHRASE),
                              base_url=url, account="matrix", http=http, sleep=waits,
                              options=OkxOptions.from_mapping({"sync_clock": sync,
                                                               "rate_limits": False}))
    if name == "bybit":
        key = "revoked-key-0000" if revoked else BYBIT_KEY
        return AsyncBybitClient(Credentials.from_strings(key, BYBIT_SECRET), base_url=url,
                                account="matrix", http=http, sleep=waits,
                                options=BybitOptions.from_mapping({"sync_clock": sync}))
    key = "revoked-key-0000" if revoked else BINANCE_KEY
    return AsyncBinanceFuturesClient(
        Credentials.from_strings(key, BINANCE_SECRET), base_url=url, account="matrix",
        http=http, sleep=waits, options=BinanceFuturesOptions.from_mapping({"sync_clock": sync}))


@pytest.mark.anyio
@pytest.mark.parametrize(("case", "name"), KIT_CASES,
                         ids=[f"{name}-{case.name}" for case, name in KIT_CASES])
async def test_fault_matrix_on_the_kit_exchanges(case: Case, name: Kit) -> None:
    """The row's outcome and request count on OKX, Bybit and Binance USD-M futures."""
    waits = Waits()
    with _kit_simulator(name) as simulator:
        kind: Any = {"okx": OkxFault, "bybit": BybitFault, "binance_futures": BinanceFault}[name]
        for fault in case.faults:
            simulator.faults.add(_kit_fault(fault, name, kind))
        simulator.set_clock_offset_ms(case.clock_offset_ms)
        wallet = WalletKind.FUTURES if name == "binance_futures" else WalletKind.CASH
        async with _kit_client(case, name, simulator.url, waits) as client:
            if case.error is None:
                snapshot = await client.fetch_balances(wallet)
                asset, total = KIT_HOLDING[name]
                assert snapshot[asset].total == Decimal(total)
            else:
                with pytest.raises(case.error) as caught:
                    await client.fetch_balances(wallet)
                error = caught.value
                assert error.account == "matrix"
                assert error.endpoint is not None
                if case.cash_requests == 4:
                    assert "gave up after 4 attempts" in str(error)
                if case.error is ExchangeError:
                    assert type(error) is ExchangeError
                    assert "Something new" in str(error)
        stats = simulator.stats()
        expected = KIT_REQUESTS.get((case.name, name), case.cash_requests)
        assert stats.count(route=KIT_ROUTE[name]) + stats.in_flight == expected
    if case.waits is not None:
        assert tuple(waits.seconds) == case.waits
