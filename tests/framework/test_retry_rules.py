"""The retry rules framework/retry.py documents, each pinned where the policy table left a gap.

Found by the mutation run (docs/testing.md): a ban with a short ``Retry-After``, a retry that
would land exactly on the deadline, the first attempt's failure reported as is, the deadline
counted from ``began`` (an account-group discovery before the read), and a blocking call cut
by its deadline naming the failure before it. Clocks and sleeps are fakes; the only waits on
the event loop are ``asyncio.sleep(0)``, a single pass through the loop.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from framework.errors import (
    BannedError,
    ExchangeUnavailableError,
    RateLimitedError,
    RequestTimeoutError,
    TransportError,
)
from framework.retry import (
    DEFAULT_RETRY_POLICY,
    NO_RETRIES,
    RetryPolicy,
    decide,
    retry_async,
    retry_sync,
)
from tests.framework.test_retry_policy import Script

CONFIGURATION = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
POLICY = RetryPolicy(max_attempts=4, base_delay=0.25, max_delay=1.0, max_retry_after=5.0,
                     deadline=10.0)


def _documented_defaults() -> dict[str, str]:
    """``key -> default`` from the settings table of docs/configuration.md."""
    rows = re.findall(r"^\| `(\w+)` \| `([^`]*)` \|", CONFIGURATION.read_text(encoding="utf-8"),
                      flags=re.MULTILINE)
    return dict(rows)


@pytest.mark.parametrize(
    "field", ["max_attempts", "base_delay", "max_delay", "max_retry_after", "deadline"]
)
def test_the_default_policy_is_the_one_docs_configuration_md_documents(field: str) -> None:
    documented = _documented_defaults()[field]
    assert getattr(DEFAULT_RETRY_POLICY, field) == float(documented)
    assert getattr(RetryPolicy(), field) == float(documented)


def test_zero_waits_are_valid_settings() -> None:
    # "At least 0": no backoff at all, and a max_retry_after that waits for no advice.
    policy = RetryPolicy(base_delay=0, max_delay=0, max_retry_after=0, deadline=0.001)
    assert (policy.base_delay, policy.max_delay, policy.max_retry_after) == (0, 0, 0)
    assert decide(policy, TransportError("x"), attempt=1, elapsed=0, jitter=0.5).delay == 0
    now = decide(policy, RateLimitedError("x", retry_after=0.0), attempt=1, elapsed=0, jitter=0)
    later = decide(policy, RateLimitedError("x", retry_after=1.0), attempt=1, elapsed=0, jitter=0)
    assert (now.retry, now.delay) == (True, 0.0)
    assert (later.retry, later.tell) == (False, True)


@pytest.mark.parametrize("retry_after", [None, 0.0, 1.0])
def test_a_ban_is_never_retried_however_short(retry_after: float | None) -> None:
    ban = BannedError("HTTP 418", retry_after=retry_after, status=418)
    assert ban.retryable  # a RateLimitedError: only the ban rule stops it
    decision = decide(POLICY, ban, attempt=1, elapsed=0, jitter=0)
    assert (decision.retry, decision.delay) == (False, 0.0)
    assert "banned" in decision.reason


def test_giving_up_after_one_attempt_adds_nothing_to_the_error() -> None:
    only = decide(NO_RETRIES, TransportError("x"), attempt=1, elapsed=0, jitter=0)
    assert (only.retry, only.tell) == (False, False)
    second = decide(RetryPolicy(max_attempts=2), TransportError("x"), attempt=2, elapsed=0,
                    jitter=0)
    assert (second.retry, second.tell) == (False, True)
    assert "gave up after 2 attempts" in second.reason

    with pytest.raises(TransportError) as caught:
        retry_sync(Script(TransportError("connection reset")), NO_RETRIES, sleep=_no_sleep)
    assert str(caught.value) == "connection reset"


def test_a_retry_landing_exactly_on_the_deadline_is_not_taken() -> None:
    decision = decide(POLICY, RateLimitedError("429", retry_after=2.0), attempt=1, elapsed=8.0,
                      jitter=0)
    assert (decision.retry, decision.tell) == (False, True)
    assert "deadline" in decision.reason
    just_before = decide(POLICY, RateLimitedError("429", retry_after=2.0), attempt=1,
                         elapsed=7.5, jitter=0)
    assert (just_before.retry, just_before.delay) == (True, 2.0)


def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"no wait expected, got {seconds}")


class _Waits:
    """A fake sleeper recording each wait; the clock stands still far from zero."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def asleep(self, seconds: float) -> None:
        self.seconds.append(seconds)

    def sleep(self, seconds: float) -> None:
        self.seconds.append(seconds)

    @staticmethod
    def clock() -> float:
        return 1000.0


async def _yielding(script: Script) -> str:
    await asyncio.sleep(0)  # one pass through the loop: where a deadline already due cuts in
    return script()


@pytest.mark.anyio
async def test_the_async_deadline_counts_from_began() -> None:
    loop = asyncio.get_running_loop()
    waits = _Waits()
    script = Script(RateLimitedError("429", retry_after=2.0))
    began = loop.time() - 1.0  # a discovery took about a second before this read
    result = await retry_async(lambda: _yielding(script), POLICY, sleep=waits.asleep,
                               clock=waits.clock, jitter=lambda: 0.5, began=began)
    assert (result, script.calls, waits.seconds) == ("ok", 2, [2.0])


@pytest.mark.anyio
async def test_time_spent_before_the_call_shortens_what_a_retry_may_wait() -> None:
    loop = asyncio.get_running_loop()
    waits = _Waits()
    script = Script(RateLimitedError("429", retry_after=4.0))
    began = loop.time() - 7.0  # 7 s gone, 4 s more would pass the 10 s deadline
    with pytest.raises(RateLimitedError, match="deadline"):
        await retry_async(lambda: _yielding(script), POLICY, sleep=waits.asleep,
                          clock=waits.clock, jitter=lambda: 0.5, began=began)
    assert (script.calls, waits.seconds) == (1, [])


@pytest.mark.anyio
async def test_a_call_whose_deadline_passed_before_it_began_is_cut_at_its_first_wait() -> None:
    loop = asyncio.get_running_loop()
    script = Script()
    with pytest.raises(RequestTimeoutError, match=r"10 s deadline \(1 attempt\)"):
        await retry_async(lambda: _yielding(script), POLICY, began=loop.time() - 20.0)


@pytest.mark.anyio
async def test_an_attempt_that_waits_on_the_loop_is_not_cut_early() -> None:
    script = Script()
    assert await retry_async(lambda: _yielding(script), POLICY) == "ok"


def test_a_blocking_call_cut_by_its_deadline_names_the_failure_before_it() -> None:
    waits = _Waits()
    script = Script(ExchangeUnavailableError("HTTP 503", status=503),
                     RequestTimeoutError("read cut at the deadline"))
    with pytest.raises(RequestTimeoutError) as caught:
        retry_sync(script, RetryPolicy(max_attempts=2), sleep=waits.sleep, clock=waits.clock,
                   jitter=lambda: 0.5)
    assert "; the last failure: ExchangeUnavailableError: HTTP 503" in str(caught.value)


def test_a_timeout_is_never_the_last_failure_another_timeout_names() -> None:
    waits = _Waits()
    script = Script(ExchangeUnavailableError("HTTP 503", status=503),
                     RequestTimeoutError("first cut"), RequestTimeoutError("second cut"))
    with pytest.raises(RequestTimeoutError) as caught:
        retry_sync(script, RetryPolicy(max_attempts=3), sleep=waits.sleep, clock=waits.clock,
                   jitter=lambda: 0.5)
    message = str(caught.value)
    assert message.startswith("second cut")
    assert "the last failure: ExchangeUnavailableError: HTTP 503" in message
    assert "first cut" not in message


def test_a_first_timeout_and_a_repeated_5xx_carry_no_last_failure() -> None:
    with pytest.raises(RequestTimeoutError) as timeout:
        retry_sync(Script(RequestTimeoutError("slow")), NO_RETRIES, sleep=_no_sleep)
    assert str(timeout.value) == "slow"

    waits = _Waits()
    script = Script(ExchangeUnavailableError("HTTP 503", status=503),
                     ExchangeUnavailableError("HTTP 502", status=502))
    with pytest.raises(ExchangeUnavailableError) as storm:
        retry_sync(script, RetryPolicy(max_attempts=2), sleep=waits.sleep, clock=waits.clock,
                   jitter=lambda: 0.5)
    assert "last failure" not in str(storm.value)
    assert str(storm.value).startswith("HTTP 502")
