"""Observability over loopback: request events and log records, against the simulators.

Faults are injected at the simulator's edge (a 503 once, then the real answer), as in the
fault matrix; retry waits are a few milliseconds (``FAST``). What is checked is what a host
exporting metrics or reading logs relies on: one event per HTTP attempt with the right status,
attempt number and outcome; retry records that say which account, exchange and endpoint they
are about, as text and as attributes; a subscriber that raises never breaks a read; and at
DEBUG no record shows the key, the secret or any signature the signers made.
"""

from __future__ import annotations

import logging
from typing import Any, Final

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, Fault, RunningSimulator
from adapters.binance.simulator import DEMO_API_KEY as BINANCE_KEY
from adapters.binance.simulator import DEMO_API_SECRET as BINANCE_SECRET
from adapters.binance.simulator import Fault as BinanceFault
from adapters.binance.simulator import RunningBinanceSimulator
from framework import Folio, RequestEvent, RequestOutcome, SyncFolio
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.errors import ExchangeUnavailableError
from framework.events import RequestEvents
from framework.logs import ACCOUNT, ENDPOINT, EXCHANGE
from framework.models import WalletKind
from framework.retry import RetryPolicy
from framework.settings import HttpSettings

FAST: Final = HttpSettings(retry=RetryPolicy(base_delay=0.001, max_delay=0.005))
CASH: Final = "GET cash/balance"
UNAVAILABLE: Final = ExchangeUnavailableError.__name__


def ascendex(name: str, url: str) -> AccountConfig:
    credentials = Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)
    return AccountConfig(name, "ascendex", StaticCredentials(credentials), base_url=url)


def binance(name: str, url: str) -> AccountConfig:
    credentials = Credentials.from_strings(BINANCE_KEY, BINANCE_SECRET)
    return AccountConfig(name, "binance", StaticCredentials(credentials), base_url=url)


def summary(events: list[RequestEvent], endpoint: str) -> list[tuple[Any, ...]]:
    """What matters of each event of ``endpoint``: who, status, attempt, outcome, error."""
    return [(e.account, e.exchange, e.status, e.attempt, e.outcome, e.error_type)
            for e in events if e.endpoint == endpoint]


# -- events ------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_5xx_then_success_is_two_events_retried_then_ok(
    ascendex_simulator: RunningSimulator,
) -> None:
    ascendex_simulator.faults.add(Fault.http_status(503, route="cash/balance", times=1))
    events: list[RequestEvent] = []
    async with Folio([ascendex("main", ascendex_simulator.url)], http=FAST,
                     on_request=events.append) as folio:
        await folio.balances("main", WalletKind.CASH)
    assert summary(events, CASH) == [
        ("main", "ascendex", 503, 1, RequestOutcome.RETRIED, UNAVAILABLE),
        ("main", "ascendex", 200, 2, RequestOutcome.OK, None),
    ]
    # The account-group discovery before it is a request too, reported the same way.
    assert summary(events, "GET info") == [("main", "ascendex", 200, 1, RequestOutcome.OK, None)]
    assert all(event.duration >= 0 for event in events)
    assert ascendex_simulator.stats().count(route="cash/balance") == 2


@pytest.mark.anyio
async def test_the_last_failed_attempt_is_failed_and_the_error_still_reaches_the_host(
    ascendex_simulator: RunningSimulator,
) -> None:
    ascendex_simulator.faults.add(Fault.http_status(503, route="cash/balance"))
    events: list[RequestEvent] = []
    http = HttpSettings(retry=RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.005))
    async with Folio([ascendex("main", ascendex_simulator.url)], http=http) as folio:
        unsubscribe = folio.subscribe(events.append)
        result = await folio.all_balances(WalletKind.CASH)
        unsubscribe()
        unsubscribe()  # twice is harmless
        await folio.all_balances(WalletKind.CASH)  # nobody listens any more
    assert type(result["main"].error) is ExchangeUnavailableError
    assert summary(events, CASH) == [
        ("main", "ascendex", 503, 1, RequestOutcome.RETRIED, UNAVAILABLE),
        ("main", "ascendex", 503, 2, RequestOutcome.FAILED, UNAVAILABLE),
    ]


def test_the_blocking_host_delivers_binance_events_in_the_calling_thread(
    binance_simulator: RunningBinanceSimulator,
) -> None:
    binance_simulator.faults.add(BinanceFault.http_status(502, route="account", times=1))
    events: list[RequestEvent] = []
    with SyncFolio([binance("spot", binance_simulator.url)], http=FAST,
                   on_request=events.append) as folio:
        folio.balances("spot", WalletKind.CASH)
    assert summary(events, "GET account") == [
        ("spot", "binance", 502, 1, RequestOutcome.RETRIED, UNAVAILABLE),
        ("spot", "binance", 200, 2, RequestOutcome.OK, None),
    ]


@pytest.mark.anyio
async def test_a_raising_subscriber_never_breaks_a_read_and_is_logged_once(
    ascendex_simulator: RunningSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(event: RequestEvent) -> None:
        raise RuntimeError("the host's exporter is down")

    events: list[RequestEvent] = []
    accounts = [ascendex("main", ascendex_simulator.url)]
    with caplog.at_level(logging.DEBUG, logger="folio.events"):
        async with Folio(accounts, http=FAST, on_request=broken) as folio:
            folio.subscribe(events.append)
            first = await folio.all_balances(WalletKind.CASH)
            second = await folio.all_balances(WalletKind.MARGIN)
    assert first.ok
    assert second.ok
    assert [e.endpoint for e in events] == ["GET info", CASH, "GET margin/balance"]
    records = [r for r in caplog.records if r.name == "folio.events"]
    assert [r.levelno for r in records] == [logging.WARNING, logging.DEBUG, logging.DEBUG]
    warning = records[0]
    said = "broken raised RuntimeError on GET info (ascendex account 'main')"
    assert said in warning.getMessage()
    assert warning.exc_info is not None
    assert (getattr(warning, ACCOUNT), getattr(warning, EXCHANGE)) == ("main", "ascendex")


@pytest.mark.anyio
async def test_without_a_subscriber_no_event_is_built(
    ascendex_simulator: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_event(*args: object) -> RequestEvent:
        raise AssertionError("an event was built although nobody listens")

    monkeypatch.setattr(RequestEvent, "of", no_event)
    ascendex_simulator.faults.add(Fault.http_status(503, route="cash/balance", times=1))
    async with Folio([ascendex("main", ascendex_simulator.url)], http=FAST) as folio:
        snapshot = await folio.balances("main", WalletKind.CASH)
    assert snapshot.assets


@pytest.mark.anyio
async def test_a_plugin_on_the_kit_reports_to_its_context_without_code_of_its_own(
    ascendex_simulator: RunningSimulator,
) -> None:
    from framework.providers import AccountContext  # noqa: PLC0415
    from plugins.ascendex import folio_balance_reader, folio_price_reader  # noqa: PLC0415

    hub = RequestEvents()
    events: list[RequestEvent] = []
    hub.subscribe(events.append)
    context = AccountContext(ascendex("own", ascendex_simulator.url), http=FAST, events=hub)
    try:
        reader = folio_balance_reader(exchange="ascendex", context=context)
        assert reader is not None
        await reader.fetch_balances(WalletKind.CASH)
        prices = folio_price_reader(exchange="ascendex", context=context)  # keyless, built apart
        assert prices is not None
        await prices.fetch_prices()
    finally:
        await context.resources.aclose()
    assert summary(events, CASH) == [("own", "ascendex", 200, 1, RequestOutcome.OK, None)]
    assert summary(events, "GET spot/ticker") == [
        ("own", "ascendex", 200, 1, RequestOutcome.OK, None)]


# -- log records -------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_retry_record_names_account_exchange_and_endpoint(
    ascendex_simulator: RunningSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    ascendex_simulator.faults.add(Fault.http_status(503, route="cash/balance", times=1))
    accounts = [ascendex("main", ascendex_simulator.url), ascendex("other", ascendex_simulator.url)]
    with caplog.at_level(logging.INFO, logger="folio"):
        async with Folio(accounts, http=FAST) as folio:
            await folio.balances("main", WalletKind.CASH)
    (record,) = (r for r in caplog.records if r.name == "folio.retry")
    assert record.levelno == logging.INFO
    assert (getattr(record, ACCOUNT), getattr(record, EXCHANGE), getattr(record, ENDPOINT)) == (
        "main", "ascendex", CASH)
    message = record.getMessage()
    assert f"{UNAVAILABLE} at {CASH} (ascendex account 'main')" in message
    assert message.startswith("retrying in ")


@pytest.mark.anyio
async def test_every_folio_record_carries_the_three_attributes(
    ascendex_simulator: RunningSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    ascendex_simulator.faults.add(Fault.http_status(503, route="margin/risk", times=1))
    with caplog.at_level(logging.DEBUG, logger="folio"):
        async with Folio([ascendex("main", ascendex_simulator.url)], http=FAST) as folio:
            await folio.all_balances(WalletKind.CASH)
            await folio.all_risk()
    records = [r for r in caplog.records if r.name.startswith("folio.")]
    assert {r.name for r in records} == {"folio.http", "folio.retry"}
    for record in records:
        assert all(hasattr(record, name) for name in (ACCOUNT, EXCHANGE, ENDPOINT)), record
    answers = [r for r in records if getattr(r, ENDPOINT) is not None]
    assert {getattr(r, ENDPOINT) for r in answers} == {"GET info", CASH, "GET margin/risk"}
    assert {(getattr(r, ACCOUNT), getattr(r, EXCHANGE)) for r in answers} == {("main", "ascendex")}
    # The shared client's opening and closing concern no account.
    shared = [r for r in records if getattr(r, ENDPOINT) is None]
    assert [getattr(r, ACCOUNT) for r in shared] == [None, None]


# -- no secret at DEBUG ------------------------------------------------------------------------


@pytest.mark.anyio
async def test_debug_logs_and_events_show_no_key_secret_or_signature(
    ascendex_simulator: RunningSimulator,
    binance_simulator: RunningBinanceSimulator,
    caplog: pytest.LogCaptureFixture,
    signatures: list[str],
) -> None:
    ascendex_simulator.faults.add(Fault.http_status(503, route="cash/balance", times=1))
    binance_simulator.faults.add(BinanceFault.http_status(503, route="margin/account", times=1))
    events: list[RequestEvent] = []
    accounts = [ascendex("a", ascendex_simulator.url), binance("b", binance_simulator.url)]
    caplog.set_level(logging.DEBUG)  # every logger: folio's, httpx's, aiohttp's, asyncio's
    async with Folio(accounts, http=FAST, on_request=events.append) as folio:
        cash = await folio.all_balances(WalletKind.CASH)
        risk = await folio.all_risk()
    assert cash.ok
    assert risk.ok
    assert len(signatures) >= 6  # every signed request was made, so each could have leaked
    assert any(r.name == "folio.retry" for r in caplog.records)
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    shown = [f"{formatter.format(r)}\n{r.msg}\n{r.args!r}\n{vars(r)!r}" for r in caplog.records]
    shown += [repr(event) for event in events]
    needles = [DEMO_API_KEY, DEMO_API_SECRET, BINANCE_KEY, BINANCE_SECRET, *signatures]
    for text in shown:
        for needle in needles:
            assert needle not in text
