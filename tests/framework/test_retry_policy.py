"""The retry decision as a table, and the two loops that apply it, on fake clocks."""

from __future__ import annotations

import anyio
import pytest

from framework.errors import (
    AuthenticationError,
    ClockSkewError,
    ExchangeError,
    ExchangeUnavailableError,
    FolioError,
    InvalidRequestError,
    InvalidResponseError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    TransportError,
)
from framework.retry import (
    NO_RETRIES,
    RetryPolicy,
    current_endpoint,
    decide,
    retry_async,
    retry_sync,
)

POLICY = RetryPolicy(max_attempts=4, base_delay=0.25, max_delay=1.0, max_retry_after=5.0,
                     deadline=10.0)


@pytest.mark.parametrize(
    ("error", "attempt", "elapsed", "jitter", "retry", "delay"),
    [
        # transient errors back off: ceiling 0.25 * 2**(n-1), capped at 1.0, equal jitter
        (TransportError("reset"), 1, 0.0, 0.0, True, 0.125),
        (TransportError("reset"), 1, 0.0, 0.999, True, 0.25 * (0.5 + 0.5 * 0.999)),
        (RequestTimeoutError("slow"), 2, 0.0, 0.0, True, 0.25),
        (ExchangeUnavailableError("502", status=502), 3, 0.0, 1.0, True, 1.0),
        (ExchangeUnavailableError("502", status=502), 3, 0.0, 0.0, True, 0.5),
        # 429 without advice backs off like any transient error
        (RateLimitedError("429"), 1, 0.0, 0.0, True, 0.125),
        # 429 with Retry-After: obeyed exactly, no jitter; longer than the cap: give up now
        (RateLimitedError("429", retry_after=2.0), 1, 0.0, 0.9, True, 2.0),
        (RateLimitedError("429", retry_after=0.0), 1, 0.0, 0.9, True, 0.0),
        (RateLimitedError("429", retry_after=5.0), 1, 0.0, 0.0, True, 5.0),
        (RateLimitedError("418 ban", retry_after=120.0), 1, 0.0, 0.0, False, 0.0),
        # the last attempt is the last
        (TransportError("reset"), 4, 0.0, 0.0, False, 0.0),
        # a wait that would cross the deadline is not taken
        (RateLimitedError("429", retry_after=3.0), 1, 7.5, 0.0, False, 0.0),
        (TransportError("reset"), 1, 9.9, 0.0, False, 0.0),
        # permanent errors: never, whatever the attempt
        (AuthenticationError("bad key"), 1, 0.0, 0.0, False, 0.0),
        (ClockSkewError("stale"), 1, 0.0, 0.0, False, 0.0),
        (PermissionDeniedError("no view"), 1, 0.0, 0.0, False, 0.0),
        (InvalidRequestError("bad param"), 1, 0.0, 0.0, False, 0.0),
        (InvalidResponseError("garbage", field="$"), 1, 0.0, 0.0, False, 0.0),
        # ... but an answer that could not be read at all is re-read, within attempts and deadline
        (InvalidResponseError("cut short", field="$", garbled=True), 1, 0.0, 0.0, True, 0.125),
        (InvalidResponseError("cut short", field="$", garbled=True), 3, 0.0, 1.0, True, 1.0),
        (InvalidResponseError("cut short", field="$", garbled=True), 4, 0.0, 0.0, False, 0.0),
        (InvalidResponseError("cut short", field="$", garbled=True), 1, 9.9, 0.0, False, 0.0),
        # an unknown exchange code is not known to be transient
        (ExchangeError("code 999999", code=999999), 1, 0.0, 0.0, False, 0.0),
        (ValueError("a bug"), 1, 0.0, 0.0, False, 0.0),
    ],
)
def test_decision_table(
    error: BaseException, attempt: int, elapsed: float, jitter: float, retry: bool, delay: float
) -> None:
    decision = decide(POLICY, error, attempt=attempt, elapsed=elapsed, jitter=jitter)
    assert decision.retry is retry
    assert decision.delay == pytest.approx(delay)
    assert decision.reason


def test_reasons_say_why() -> None:
    assert "not retryable" in decide(POLICY, AuthenticationError("x"), attempt=1, elapsed=0,
                                     jitter=0).reason
    assert "4 attempts" in decide(POLICY, TransportError("x"), attempt=4, elapsed=0,
                                  jitter=0).reason
    assert "deadline" in decide(POLICY, TransportError("x"), attempt=1, elapsed=9.99,
                                jitter=0).reason
    assert "retry after 2 s" in decide(POLICY, RateLimitedError("x", retry_after=2),
                                       attempt=1, elapsed=0, jitter=0).reason
    assert "longer than max_retry_after (5 s)" in decide(
        POLICY, RateLimitedError("x", retry_after=3600), attempt=1, elapsed=0, jitter=0).reason


def test_no_retries_policy_stops_at_once() -> None:
    assert not decide(NO_RETRIES, TransportError("x"), attempt=1, elapsed=0, jitter=0).retry


@pytest.mark.parametrize(
    ("field", "value"),
    [("max_attempts", 0), ("base_delay", -1.0), ("max_delay", -0.1), ("deadline", 0.0)],
)
def test_policy_rejects_out_of_range_values(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        RetryPolicy(**{field: value})  # type: ignore[arg-type]


class Script:
    """Fails with the given errors in turn, then returns ``"ok"``; counts calls."""

    def __init__(self, *errors: FolioError) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def half() -> float:
    return 0.5


def test_sync_loop_retries_transient_errors_then_succeeds() -> None:
    time = FakeTime()
    script = Script(TransportError("reset"), RateLimitedError("429", retry_after=1.5))
    result = retry_sync(script, POLICY, sleep=time.sleep, clock=time.clock, jitter=half)
    assert result == "ok"
    assert script.calls == 3
    assert time.sleeps == [pytest.approx(0.1875), 1.5]


def test_sync_loop_gives_up_with_the_last_error_saying_why() -> None:
    time = FakeTime()
    script = Script(*(ExchangeUnavailableError("HTTP 502", status=502) for _ in range(5)))
    with pytest.raises(ExchangeUnavailableError) as caught:
        retry_sync(script, POLICY, sleep=time.sleep, clock=time.clock, jitter=half)
    assert script.calls == 4
    assert len(time.sleeps) == 3
    assert "gave up after 4 attempts" in str(caught.value)


def test_sync_loop_never_repeats_a_permanent_error() -> None:
    time = FakeTime()
    script = Script(AuthenticationError("API signature mismatch"))
    with pytest.raises(AuthenticationError) as caught:
        retry_sync(script, POLICY, sleep=time.sleep, clock=time.clock, jitter=half)
    assert script.calls == 1
    assert time.sleeps == []
    assert str(caught.value) == "API signature mismatch"  # nothing appended


def test_sync_loop_lets_non_folio_exceptions_through_untouched() -> None:
    def broken() -> str:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        retry_sync(broken, POLICY, sleep=FakeTime().sleep)


@pytest.mark.anyio
async def test_async_loop_retries_then_succeeds() -> None:
    time = FakeTime()
    script = Script(RequestTimeoutError("slow"), RequestTimeoutError("slow"))

    async def attempt() -> str:
        return script()

    result = await retry_async(attempt, POLICY, sleep=time.asleep, clock=time.clock, jitter=half)
    assert result == "ok"
    assert time.sleeps == [pytest.approx(0.1875), pytest.approx(0.375)]


@pytest.mark.anyio
async def test_async_loop_stops_before_the_deadline() -> None:
    time = FakeTime()
    policy = RetryPolicy(max_attempts=10, base_delay=1.0, max_delay=1.0, deadline=2.5)
    script = Script(*(TransportError("reset") for _ in range(10)))

    async def attempt() -> str:
        return script()

    with pytest.raises(TransportError, match="deadline"):
        await retry_async(attempt, policy, sleep=time.asleep, clock=time.clock, jitter=half)
    # waits of 0.75 s end at 0.75, 1.5, 2.25; a fourth would end at 3.0, past 2.5
    assert script.calls == 4
    assert time.now == pytest.approx(2.25)


@pytest.mark.anyio
async def test_async_loop_cuts_a_hanging_attempt_at_the_deadline() -> None:
    hang = anyio.Event()

    async def attempt() -> str:
        await hang.wait()  # never set: only the deadline ends this
        return "never"

    policy = RetryPolicy(deadline=0.05)
    token = current_endpoint.set(None)
    try:
        async def named_attempt() -> str:
            current_endpoint.set("GET cash/balance")  # as an adapter's driver does
            return await attempt()

        with pytest.raises(RequestTimeoutError, match=r"0\.05 s deadline \(1 attempt\)") as caught:
            await retry_async(named_attempt, policy)
    finally:
        current_endpoint.reset(token)
    assert caught.value.endpoint == "GET cash/balance"  # the error says which call it cut


@pytest.mark.anyio
async def test_a_timeout_error_of_the_attempt_itself_is_not_taken_for_the_deadline() -> None:
    async def attempt() -> str:
        raise TimeoutError("the attempt's own")

    with pytest.raises(TimeoutError, match="the attempt's own"):
        await retry_async(attempt, RetryPolicy(deadline=30))


def test_the_retry_log_names_the_error_but_never_quotes_its_detail(
    caplog: pytest.LogCaptureFixture,
) -> None:
    echoed = RateLimitedError("too many requests for key SECRETKEY123", code=100014)
    echoed.located(exchange="x", account="main", endpoint="GET cash/balance")
    script = Script(echoed)
    with caplog.at_level("INFO", logger="framework.retry"):
        retry_sync(script, POLICY, sleep=FakeTime().sleep, jitter=half)
    (record,) = caplog.records
    assert "RateLimitedError at x account 'main' GET cash/balance" in record.getMessage()
    assert "SECRETKEY123" not in record.getMessage()


