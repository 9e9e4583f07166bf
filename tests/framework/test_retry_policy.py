"""The retry decision as a table, and the loop that applies it, on a fake clock.

The pure rules live in framework/retry.py (:func:`decide`); the one loop that applies them is
the adapter kit's sender (adapters/kit/sender.py), driven here over ``httpx.MockTransport`` with
a fake sleep that moves the event loop's clock (tests/adapters/sending.py).
"""

from __future__ import annotations

import httpx
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
from framework.retry import NO_RETRIES, RetryPolicy, decide
from framework.settings import HttpSettings
from tests.adapters.sending import call, fake_loop_time, fixed_jitter, mock_sender

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
    """Fails with the given errors in turn, then returns ``"ok"``; counts calls.

    Used as the sender's ``read``: each call is one attempt's answer being read.
    """

    def __init__(self, *errors: FolioError) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self, response: httpx.Response | None = None) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def answered(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200)


async def send(
    script: Script,
    policy: RetryPolicy,
    monkeypatch: pytest.MonkeyPatch,
    *,
    endpoint: str = "GET x",
    began_ago: float = 0.0,
) -> tuple[str, list[float], float]:
    """Send one call whose answers ``script`` reads; its result, the waits, the time spent."""
    clock = fake_loop_time(monkeypatch)
    fixed_jitter(monkeypatch, 0.5)
    sender, client = mock_sender(answered, HttpSettings(retry=policy),
                                 began=clock.now - began_ago, sleep=clock.sleep)
    async with client:
        result = await sender.send(call(endpoint=endpoint), script)
    return result, clock.sleeps, clock.elapsed


@pytest.mark.anyio
async def test_the_loop_retries_transient_errors_then_succeeds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    script = Script(TransportError("reset"), RateLimitedError("429", retry_after=1.5))
    result, sleeps, _ = await send(script, POLICY, monkeypatch)
    assert result == "ok"
    assert script.calls == 3
    assert sleeps == [pytest.approx(0.1875), 1.5]


@pytest.mark.anyio
async def test_the_loop_backs_off_doubling(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(RequestTimeoutError("slow"), RequestTimeoutError("slow"))
    result, sleeps, _ = await send(script, POLICY, monkeypatch)
    assert result == "ok"
    assert sleeps == [pytest.approx(0.1875), pytest.approx(0.375)]


@pytest.mark.anyio
async def test_the_loop_gives_up_with_the_last_error_saying_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    script = Script(*(ExchangeUnavailableError("HTTP 502", status=502) for _ in range(5)))
    with pytest.raises(ExchangeUnavailableError) as caught:
        await send(script, POLICY, monkeypatch)
    assert script.calls == 4
    assert "gave up after 4 attempts" in str(caught.value)


@pytest.mark.anyio
async def test_the_loop_never_repeats_a_permanent_error(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(AuthenticationError("API signature mismatch"))
    with pytest.raises(AuthenticationError) as caught:
        await send(script, POLICY, monkeypatch)
    assert script.calls == 1
    assert caught.value.detail == "API signature mismatch"  # nothing appended
    assert caught.value.endpoint == "GET x"


@pytest.mark.anyio
async def test_the_loop_lets_non_folio_exceptions_through_untouched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(response: httpx.Response) -> str:
        raise KeyError("bug")

    clock = fake_loop_time(monkeypatch)
    sender, client = mock_sender(answered, HttpSettings(retry=POLICY), sleep=clock.sleep)
    async with client:
        with pytest.raises(KeyError):
            await sender.send(call(), broken)
    assert clock.sleeps == []


@pytest.mark.anyio
async def test_the_loop_stops_before_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = RetryPolicy(max_attempts=10, base_delay=1.0, max_delay=1.0, deadline=2.5)
    script = Script(*(TransportError("reset") for _ in range(10)))
    clock = fake_loop_time(monkeypatch)
    fixed_jitter(monkeypatch, 0.5)
    sender, client = mock_sender(answered, HttpSettings(retry=policy), sleep=clock.sleep)
    async with client:
        with pytest.raises(TransportError, match="deadline"):
            await sender.send(call(), script)
    # waits of 0.75 s end at 0.75, 1.5, 2.25; a fourth would end at 3.0, past 2.5
    assert script.calls == 4
    assert clock.elapsed == pytest.approx(2.25)


@pytest.mark.anyio
async def test_the_loop_cuts_an_attempt_still_waiting_at_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = fake_loop_time(monkeypatch)

    def hangs(request: httpx.Request) -> httpx.Response:
        # what the transport does when the request's "total" (what was left) runs out
        clock.advance(request.extensions["timeout"]["total"])
        raise httpx.ReadTimeout("total")

    sender, client = mock_sender(hangs, HttpSettings(retry=RetryPolicy(deadline=0.05)))
    async with client:
        with pytest.raises(RequestTimeoutError, match=r"0\.05 s deadline \(waiting for the "
                                                      r"answer; 1 attempt\)") as caught:
            await sender.send(call(endpoint="GET cash/balance"), Script())
    assert caught.value.endpoint == "GET cash/balance"  # the error says which call it cut
    assert clock.elapsed == pytest.approx(0.05)


@pytest.mark.anyio
async def test_a_timeout_error_of_the_read_itself_is_not_taken_for_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def read(response: httpx.Response) -> str:
        raise TimeoutError("the read's own")

    fake_loop_time(monkeypatch)
    sender, client = mock_sender(answered, HttpSettings(retry=RetryPolicy(deadline=30)))
    async with client:
        with pytest.raises(TimeoutError, match="the read's own"):
            await sender.send(call(), read)


@pytest.mark.anyio
async def test_the_retry_log_names_the_error_but_never_quotes_its_detail(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    echoed = RateLimitedError("too many requests for key SECRETKEY123", code=100014)
    script = Script(echoed)
    with caplog.at_level("INFO", logger="folio.retry"):
        await send(script, POLICY, monkeypatch, endpoint="GET cash/balance")
    (record,) = (r for r in caplog.records if r.name == "folio.retry")
    assert "RateLimitedError at GET cash/balance" in record.getMessage()
    assert "SECRETKEY123" not in record.getMessage()
