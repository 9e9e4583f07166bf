"""The sender (adapters/kit/sender.py) per attempt: pacing, one deadline, typed failures, skew.

Every request of every adapter leaves through :meth:`Sender.send`; these tests drive it over
``httpx.MockTransport`` on a frozen event-loop clock that only the fake sleep (or a "stalling"
transport) moves (tests/adapters/sending.py). The retry rules themselves are pinned in
tests/framework/test_retry_policy.py and test_retry_rules.py; the bytes on a real socket in
tests/framework/test_transport.py.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.kit.clock import RoundTrip, ServerClock
from adapters.kit.ratelimit import RateLimit, SlidingWindowLimiter
from adapters.kit.sender import Sender
from framework.errors import (
    ClockSkewError,
    ConfigurationError,
    ExchangeUnavailableError,
    RequestTimeoutError,
    TransportError,
)
from framework.retry import NO_RETRIES, RetryPolicy
from framework.settings import HttpSettings
from tests.adapters.sending import LoopTime, call, fake_loop_time, fixed_jitter, mock_sender


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=b"{}")


def _status(response: httpx.Response) -> int:
    return response.status_code


# -- pacing -----------------------------------------------------------------------------------


def _one_per_ten_seconds(clock: LoopTime) -> SlidingWindowLimiter:
    # one request per 10 s: the second request must wait 10 s at the limiter
    return SlidingWindowLimiter(RateLimit(1, 10.0, margin=0.0), clock=clock)


@pytest.mark.anyio
async def test_a_round_trip_is_stamped_after_the_limit_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = fake_loop_time(monkeypatch)
    limiter = _one_per_ten_seconds(clock)
    trip = RoundTrip(ServerClock(lambda: round(clock.elapsed * 1000)))
    sender, client = mock_sender(_ok, HttpSettings(), sleep=clock.sleep)
    async with client:
        assert await sender.send(call(limiters=[limiter]), _status) == 200
        assert await sender.send(call(limiters=[limiter], trip=trip), _status) == 200
    assert clock.sleeps == [10.0]
    assert limiter.waited == 10.0
    # not 0: the wait happened before the request left (a wait is not half a round trip)
    assert (trip.sent_ms, trip.received_ms) == (10_000, 10_000)


@pytest.mark.anyio
async def test_each_request_is_charged_its_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = fake_loop_time(monkeypatch)
    limiter = SlidingWindowLimiter(RateLimit(25, 60.0, margin=0.0), clock=clock)
    sender, client = mock_sender(_ok, HttpSettings(), sleep=clock.sleep)
    async with client:
        await sender.send(call(limiters=[limiter], cost=20), _status)
        await sender.send(call(limiters=[limiter], cost=5), _status)
    assert clock.sleeps == []
    assert limiter.try_acquire(1) > 0  # 25 of 25 used


@pytest.mark.anyio
async def test_a_limit_wait_that_would_pass_the_deadline_ends_the_call_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = fake_loop_time(monkeypatch)
    limiter = _one_per_ten_seconds(clock)
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return _ok(request)

    settings = HttpSettings(retry=RetryPolicy(deadline=5.0))
    sender, client = mock_sender(record, settings, sleep=clock.sleep)
    async with client:
        await sender.send(call(limiters=[limiter]), _status)
        with pytest.raises(RequestTimeoutError) as caught:
            await sender.send(call(endpoint="GET second", limiters=[limiter]), _status)
    assert len(sent) == 1
    assert clock.sleeps == []  # no wait that could not end in time
    assert caught.value.endpoint == "GET second"
    assert "5 s deadline (a wait would pass it)" in str(caught.value)


# -- one deadline -------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_each_attempt_carries_what_is_left_of_the_deadline_as_its_timeouts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = fake_loop_time(monkeypatch)
    fixed_jitter(monkeypatch)
    seen: list[dict[str, float]] = []
    answers = iter([503])

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions["timeout"]))
        return httpx.Response(next(answers, 200))

    def read(response: httpx.Response) -> int:
        if response.status_code == 503:
            raise ExchangeUnavailableError("HTTP 503", status=503)
        return response.status_code

    settings = HttpSettings(connect_timeout=5.0, read_timeout=10.0, write_timeout=2.0,
                            pool_timeout=1.0,
                            retry=RetryPolicy(base_delay=1.0, max_delay=1.0, deadline=9.0))
    # the call began 3 s ago (a discovery first): 6 s are left
    sender, client = mock_sender(handler, settings, began=clock.now - 3.0, sleep=clock.sleep)
    async with client:
        assert await sender.send(call(), read) == 200
    assert clock.sleeps == [0.75]
    first, second = seen
    assert first == pytest.approx(
        {"connect": 5.0, "read": 6.0, "write": 2.0, "pool": 1.0, "total": 6.0}
    )
    assert second == pytest.approx(
        {"connect": 5.0, "read": 5.25, "write": 2.0, "pool": 1.0, "total": 5.25}
    )


@pytest.mark.anyio
async def test_no_attempt_starts_once_the_deadline_has_passed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = fake_loop_time(monkeypatch)
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return _ok(request)

    settings = HttpSettings(retry=RetryPolicy(deadline=2.0))
    sender, client = mock_sender(record, settings, began=clock.now - 2.0)
    async with client:
        with pytest.raises(RequestTimeoutError) as caught:
            await sender.send(call(), _status)
    assert sent == []
    assert "2 s deadline (no time was left to send)" in str(caught.value)


@pytest.mark.anyio
async def test_a_timeout_at_the_deadline_is_the_call_s_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = fake_loop_time(monkeypatch)

    def stalls(request: httpx.Request) -> httpx.Response:
        clock.advance(request.extensions["timeout"]["total"])  # the transport's total ran out
        raise httpx.ReadTimeout("total")

    settings = HttpSettings(retry=RetryPolicy(deadline=0.05))
    sender, client = mock_sender(stalls, settings)
    async with client:
        with pytest.raises(RequestTimeoutError) as caught:
            await sender.send(call(endpoint="GET cash/balance"), _status)
    error = caught.value
    assert error.endpoint == "GET cash/balance"  # the error says which call it cut
    assert error.detail == (
        "did not finish within the 0.05 s deadline (waiting for the answer; 1 attempt)"
    )


@pytest.mark.anyio
async def test_a_socket_timeout_before_the_deadline_is_a_retryable_timeout_of_the_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_loop_time(monkeypatch)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("connect took too long")

    sender, client = mock_sender(slow, HttpSettings(retry=NO_RETRIES))
    async with client:
        with pytest.raises(RequestTimeoutError) as caught:
            await sender.send(call(), _status)
    assert caught.value.retryable
    assert caught.value.detail == "no answer from exchange.test in time (ConnectTimeout)"


class _Drip(httpx.AsyncByteStream):
    """A body arriving a piece at a time, each piece taking ``every`` seconds of loop time."""

    def __init__(self, clock: LoopTime, every: float) -> None:
        self._clock = clock
        self._every = every
        self.pieces = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            self._clock.advance(self._every)
            self.pieces += 1
            yield b" "


@pytest.mark.anyio
async def test_a_body_still_arriving_at_the_deadline_is_cut_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = fake_loop_time(monkeypatch)
    drip = _Drip(clock, 1.0)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=drip)

    settings = HttpSettings(retry=RetryPolicy(deadline=5.0))
    sender, client = mock_sender(handler, settings)
    async with client:
        with pytest.raises(RequestTimeoutError, match=r"5 s deadline \(the body was still "
                                                      r"arriving; 1 attempt\)"):
            await sender.send(call(), _status)
    assert drip.pieces == 5  # cut at the piece that arrived at the deadline, not later


# -- failures ---------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("failure", [httpx.ConnectError, httpx.ReadError,
                                     httpx.RemoteProtocolError, httpx.UnsupportedProtocol])
async def test_a_transport_failure_names_the_host_and_its_type_only(
    failure: type[httpx.TransportError],
) -> None:
    def fails(request: httpx.Request) -> httpx.Response:
        raise failure(f"failed for {request.url}")  # the text quotes the signed query

    sender, client = mock_sender(fails, HttpSettings(retry=NO_RETRIES))
    async with client:
        with pytest.raises(TransportError) as caught:
            await sender.send(call("http://exchange.test/x?signature=abc123"), _status)
    error = caught.value
    assert error.detail == f"connection to exchange.test failed ({failure.__name__})"
    assert error.endpoint == "GET x"
    assert "abc123" not in str(error)
    assert (error.__cause__, error.__suppress_context__) == (None, True)


@pytest.mark.anyio
async def test_a_folio_error_that_is_not_the_exchange_s_is_located_and_never_retried() -> None:
    reads = 0

    def read(response: httpx.Response) -> int:
        nonlocal reads
        reads += 1
        raise ConfigurationError("no such option")

    sender, client = mock_sender(_ok, HttpSettings())
    async with client:
        with pytest.raises(ConfigurationError) as caught:
            await sender.send(call(endpoint="GET info"), read)
    assert reads == 1
    assert caught.value.endpoint == "GET info"


# -- a rejected timestamp -----------------------------------------------------------------------


class _Skewed:
    """Rejects the first ``refusals`` answers' timestamps; counts the corrections asked for."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.reads = 0
        self.measurements = 3
        self.fixes: list[int] = []
        self.endpoints: list[str] = []

    def read(self, response: httpx.Response) -> int:
        self.reads += 1
        if self.reads <= self.refusals:
            raise ClockSkewError("Timestamp outside of the recvWindow", code=-1021)
        return response.status_code

    def signing(self) -> int:
        return self.measurements

    async def fix(self, sender: Sender, seen: int, endpoint: str) -> None:
        self.endpoints.append(endpoint)  # the call whose timestamp was refused
        self.fixes.append(seen)
        self.measurements += 1


@pytest.mark.anyio
async def test_a_rejected_timestamp_is_corrected_once_and_repeated_without_costing_an_attempt(
) -> None:
    skew = _Skewed(refusals=1)
    sender, client = mock_sender(_ok, HttpSettings(retry=NO_RETRIES), signing=skew.signing,
                                 clock_fix=skew.fix)
    async with client:
        assert await sender.send(call(), skew.read) == 200
    assert skew.reads == 2
    assert skew.fixes == [3]  # the measurement the refused request was signed after
    assert skew.endpoints == ["GET x"]  # a cut while waiting for the probe names this call


@pytest.mark.anyio
async def test_a_second_rejection_after_the_correction_is_final_and_says_so() -> None:
    skew = _Skewed(refusals=5)
    sender, client = mock_sender(_ok, HttpSettings(), signing=skew.signing, clock_fix=skew.fix)
    async with client:
        with pytest.raises(ClockSkewError) as caught:
            await sender.send(call(endpoint="GET account"), skew.read)
    assert skew.reads == 2
    assert skew.fixes == [3]
    assert caught.value.endpoint == "GET account"
    assert caught.value.detail == (
        "Timestamp outside of the recvWindow (refused again after the signing clock was "
        "corrected from the exchange's time)"
    )


@pytest.mark.anyio
async def test_without_a_clock_fix_a_rejected_timestamp_is_reported_at_once() -> None:
    skew = _Skewed(refusals=1)
    sender, client = mock_sender(_ok, HttpSettings())
    async with client:
        with pytest.raises(ClockSkewError) as caught:
            await sender.send(call(), skew.read)
    assert skew.reads == 1
    assert caught.value.detail == "Timestamp outside of the recvWindow"


# -- logs -------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_httpx_s_request_log_masks_the_signature(caplog: pytest.LogCaptureFixture) -> None:
    sender, client = mock_sender(_ok, HttpSettings())
    with caplog.at_level(logging.INFO, logger="httpx"):
        async with client:
            await sender.send(call("http://exchange.test/x?a=1&signature=abc123"), _status)
            await sender.send(call("http://exchange.test/y?a=2"), _status)
    masked, plain = (record.getMessage() for record in caplog.records if record.name == "httpx")
    assert "signature=%2A%2A%2A" in masked or "signature=***" in masked
    assert "abc123" not in masked
    assert "a=1" in masked
    assert "/y?a=2" in plain


# -- edges the mutation guard found unpinned (python -m tests.mutation adapters/kit/sender.py) --


@pytest.mark.anyio
async def test_a_correction_leaves_the_whole_attempt_budget_to_what_follows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = fake_loop_time(monkeypatch)
    fixed_jitter(monkeypatch)
    skew = _Skewed(refusals=1)

    def read(response: httpx.Response) -> int:
        skew.read(response)  # the first answer's timestamp is refused
        raise ExchangeUnavailableError("HTTP 503", status=503)

    settings = HttpSettings(retry=RetryPolicy(max_attempts=2, base_delay=0.1))
    sender, client = mock_sender(_ok, settings, sleep=clock.sleep, signing=skew.signing,
                                 clock_fix=skew.fix)
    async with client:
        with pytest.raises(ExchangeUnavailableError) as caught:
            await sender.send(call(), read)
    assert skew.reads == 3  # refused, corrected, then two attempts: the budget is intact
    assert "gave up after 2 attempts" in str(caught.value)


@pytest.mark.anyio
async def test_after_a_limit_wait_the_request_carries_only_what_is_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = fake_loop_time(monkeypatch)
    limiter = _one_per_ten_seconds(clock)
    totals: list[float] = []

    def record(request: httpx.Request) -> httpx.Response:
        totals.append(request.extensions["timeout"]["total"])
        return _ok(request)

    settings = HttpSettings(retry=RetryPolicy(deadline=30.0))
    sender, client = mock_sender(record, settings, sleep=clock.sleep)
    async with client:
        await sender.send(call(limiters=[limiter]), _status)
        await sender.send(call(limiters=[limiter]), _status)
    assert clock.sleeps == [pytest.approx(10.0)]
    assert totals == [pytest.approx(30.0), pytest.approx(20.0)]


@pytest.mark.anyio
async def test_a_wait_that_would_end_exactly_at_the_deadline_ends_the_call_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = fake_loop_time(monkeypatch)
    limiter = _one_per_ten_seconds(clock)
    settings = HttpSettings(retry=RetryPolicy(deadline=10.0))
    sender, client = mock_sender(_ok, settings, sleep=clock.sleep)
    async with client:
        await sender.send(call(limiters=[limiter]), _status)
        with pytest.raises(RequestTimeoutError, match="a wait would pass it"):
            await sender.send(call(limiters=[limiter]), _status)
    assert clock.sleeps == []


@pytest.mark.anyio
async def test_a_limit_wait_shorter_than_a_second_is_waited_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = fake_loop_time(monkeypatch)
    limiter = SlidingWindowLimiter(RateLimit(1, 0.25, margin=0.0), clock=clock)
    sender, client = mock_sender(_ok, HttpSettings(), sleep=clock.sleep)
    async with client:
        await sender.send(call(limiters=[limiter]), _status)
        await sender.send(call(limiters=[limiter]), _status)
    assert clock.sleeps == [pytest.approx(0.25)]
    assert limiter.waited == pytest.approx(0.25)
