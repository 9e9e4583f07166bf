"""The sender's request events at the edges a simulator cannot stage on demand.

Over ``httpx.MockTransport`` (the same sender, signer-less): a rejected timestamp corrected and
repeated, a cancelled attempt, a retry refused because it would pass the deadline, and a plugin
bug in the reading function. Each must give exactly one event per attempt, with the outcome the
host's metrics need. The happy and retried paths over sockets are in
tests/reliability/test_observability.py.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from adapters.kit.sender import Sender
from framework.errors import ClockSkewError, ExchangeUnavailableError
from framework.events import RequestEvent, RequestEvents, RequestOutcome
from framework.retry import RetryPolicy
from framework.settings import HttpSettings
from tests.adapters.sending import call, fake_loop_time, fixed_jitter

OUTCOME = RequestOutcome


def recorded() -> tuple[RequestEvents, list[RequestEvent]]:
    hub = RequestEvents()
    events: list[RequestEvent] = []
    hub.subscribe(events.append)
    return hub, events


def sender(
    client: httpx.AsyncClient, hub: RequestEvents, policy: RetryPolicy, **kw: object
) -> Sender:
    return Sender(client, HttpSettings(retry=policy), began=asyncio.get_running_loop().time(),
                  account="acct", exchange="paperex", events=hub, **kw)  # type: ignore[arg-type]


def brief(events: list[RequestEvent]) -> list[tuple[object, ...]]:
    return [(e.account, e.exchange, e.endpoint, e.status, e.attempt, e.outcome, e.error_type)
            for e in events]


@pytest.mark.anyio
async def test_a_corrected_timestamp_is_a_retried_attempt_then_ok() -> None:
    hub, events = recorded()
    refused = [True]
    fixes: list[str] = []

    def read(response: httpx.Response) -> int:
        if refused.pop() if refused else False:
            raise ClockSkewError("timestamp outside the window")
        return response.status_code

    async def fix(_sender: Sender, _seen: int, endpoint: str) -> None:
        fixes.append(endpoint)

    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200))) as c:
        assert await sender(c, hub, RetryPolicy(), clock_fix=fix).send(call(), read) == 200
    assert fixes == ["GET x"]
    assert brief(events) == [
        ("acct", "paperex", "GET x", 200, 1, OUTCOME.RETRIED, "ClockSkewError"),
        ("acct", "paperex", "GET x", 200, 2, OUTCOME.OK, None),
    ]


@pytest.mark.anyio
async def test_a_cancelled_attempt_is_one_cancelled_event() -> None:
    hub, events = recorded()
    arrived = asyncio.Event()

    async def never(request: httpx.Request) -> httpx.Response:
        arrived.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async with httpx.AsyncClient(transport=httpx.MockTransport(never)) as client:
        task = asyncio.create_task(sender(client, hub, RetryPolicy()).send(call(), lambda r: r))
        await arrived.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert brief(events) == [
        ("acct", "paperex", "GET x", None, 1, OUTCOME.CANCELLED, "CancelledError")]


@pytest.mark.anyio
async def test_a_retry_that_would_pass_the_deadline_makes_the_attempt_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fixed_jitter(monkeypatch)
    hub, events = recorded()

    def read(response: httpx.Response) -> None:
        raise ExchangeUnavailableError(f"HTTP {response.status_code}")

    policy = RetryPolicy(base_delay=4.0, max_delay=8.0, deadline=1.0)  # a 3 s backoff: too late
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(503))) as c:
        with pytest.raises(ExchangeUnavailableError):
            await sender(c, hub, policy).send(call(), read)
    assert brief(events) == [
        ("acct", "paperex", "GET x", 503, 1, OUTCOME.FAILED, "ExchangeUnavailableError")]


@pytest.mark.anyio
async def test_a_plugin_bug_in_reading_is_a_failed_attempt_named_by_its_type() -> None:
    hub, events = recorded()

    def read(response: httpx.Response) -> None:
        raise KeyError("secret-looking detail never copied")

    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200))) as c:
        with pytest.raises(KeyError):
            await sender(c, hub, RetryPolicy()).send(call(), read)
    assert brief(events) == [("acct", "paperex", "GET x", 200, 1, OUTCOME.FAILED, "KeyError")]
    assert "secret-looking" not in repr(events)


@pytest.mark.anyio
async def test_a_read_cancelled_while_waiting_to_retry_reports_the_attempt_once() -> None:
    hub, events = recorded()
    waiting = asyncio.Event()

    async def backoff(seconds: float) -> None:
        waiting.set()
        await asyncio.Event().wait()

    def read(response: httpx.Response) -> None:
        raise ExchangeUnavailableError(f"HTTP {response.status_code}")

    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(503))) as c:
        task = asyncio.create_task(sender(c, hub, RetryPolicy(), sleep=backoff).send(call(), read))
        await waiting.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    # The attempt was already told as retried: the cancellation adds no second event for it.
    assert brief(events) == [
        ("acct", "paperex", "GET x", 503, 1, OUTCOME.RETRIED, "ExchangeUnavailableError")]


@pytest.mark.anyio
async def test_the_duration_is_the_attempt_s_time_on_the_loop_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = fake_loop_time(monkeypatch)
    hub, events = recorded()

    def slow(request: httpx.Request) -> httpx.Response:
        clock.advance(0.25)  # the exchange takes a quarter of a second
        return httpx.Response(200)

    async with httpx.AsyncClient(transport=httpx.MockTransport(slow)) as client:
        await sender(client, hub, RetryPolicy()).send(call(), lambda r: r.status_code)
    (event,) = events
    assert event.duration == pytest.approx(0.25)
