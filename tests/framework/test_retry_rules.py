"""The retry rules framework/retry.py documents, each pinned where the policy table left a gap.

Found by the mutation run (docs/testing.md): a ban with a short ``Retry-After``, a retry that
would land exactly on the deadline, the first attempt's failure reported as is, the deadline
counted from ``began`` (an account-group discovery before the read), and a call cut by its
deadline naming the failure before it. The loop is the adapter kit's sender
(adapters/kit/sender.py) over ``httpx.MockTransport``; its clock is the event loop's, frozen
and moved only by the fake sleep or a "stalling" transport (tests/adapters/sending.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from framework.errors import (
    BannedError,
    ExchangeUnavailableError,
    RateLimitedError,
    RequestTimeoutError,
    TransportError,
)
from framework.retry import DEFAULT_RETRY_POLICY, NO_RETRIES, RetryPolicy, decide
from framework.settings import HttpSettings
from tests.adapters.sending import LoopTime, call, fake_loop_time, fixed_jitter, mock_sender
from tests.framework.test_retry_policy import Script, send

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


@pytest.mark.anyio
async def test_giving_up_after_one_attempt_adds_nothing_to_the_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    only = decide(NO_RETRIES, TransportError("x"), attempt=1, elapsed=0, jitter=0)
    assert (only.retry, only.tell) == (False, False)
    second = decide(RetryPolicy(max_attempts=2), TransportError("x"), attempt=2, elapsed=0,
                    jitter=0)
    assert (second.retry, second.tell) == (False, True)
    assert "gave up after 2 attempts" in second.reason

    with pytest.raises(TransportError) as caught:
        await send(Script(TransportError("connection reset")), NO_RETRIES, monkeypatch)
    assert caught.value.detail == "connection reset"


def test_a_retry_landing_exactly_on_the_deadline_is_not_taken() -> None:
    decision = decide(POLICY, RateLimitedError("429", retry_after=2.0), attempt=1, elapsed=8.0,
                      jitter=0)
    assert (decision.retry, decision.tell) == (False, True)
    assert "deadline" in decision.reason
    just_before = decide(POLICY, RateLimitedError("429", retry_after=2.0), attempt=1,
                         elapsed=7.5, jitter=0)
    assert (just_before.retry, just_before.delay) == (True, 2.0)


class _Stalls:
    """Answers each attempt in turn: an HTTP status for ``read`` to judge, a socket timeout
    (``"timeout"``), or a stall until the call's deadline (``"stall"``: the transport's
    ``total`` runs out, as framework/transport.py cuts a server that never answers)."""

    def __init__(self, clock: LoopTime, *answers: int | str) -> None:
        self._clock = clock
        self._answers = list(answers)
        self.sent = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        answer = self._answers.pop(0) if self._answers else 200
        if answer == "stall":
            self._clock.advance(request.extensions["timeout"]["total"])
            raise httpx.ReadTimeout("total")
        if answer == "timeout":
            raise httpx.ReadTimeout("a socket wait")
        assert isinstance(answer, int)
        return httpx.Response(answer)


def _judge(response: httpx.Response) -> str:
    if response.status_code >= 500:
        detail = f"HTTP {response.status_code}"
        raise ExchangeUnavailableError(detail, status=response.status_code)
    return "ok"


async def _send_through(
    monkeypatch: pytest.MonkeyPatch,
    policy: RetryPolicy,
    *answers: int | str,
    read: Callable[[httpx.Response], str] = _judge,
) -> str:
    clock = fake_loop_time(monkeypatch)
    fixed_jitter(monkeypatch, 0.5)
    sender, client = mock_sender(_Stalls(clock, *answers), HttpSettings(retry=policy),
                                 sleep=clock.sleep)
    async with client:
        return await sender.send(call(), read)


@pytest.mark.anyio
async def test_the_deadline_counts_from_began(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(RateLimitedError("429", retry_after=2.0))
    # a discovery took a second before this read: 9 s are left, a 2 s wait fits
    result, sleeps, _ = await send(script, POLICY, monkeypatch, began_ago=1.0)
    assert (result, script.calls, sleeps) == ("ok", 2, [2.0])


@pytest.mark.anyio
async def test_time_spent_before_the_call_shortens_what_a_retry_may_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    script = Script(RateLimitedError("429", retry_after=4.0))
    # 7 s gone, 4 s more would pass the 10 s deadline
    with pytest.raises(RateLimitedError, match="deadline"):
        await send(script, POLICY, monkeypatch, began_ago=7.0)
    assert script.calls == 1


@pytest.mark.anyio
async def test_a_call_whose_deadline_passed_before_it_began_sends_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    script = Script()
    with pytest.raises(RequestTimeoutError, match=r"10 s deadline \(no time was left to send\)"):
        await send(script, POLICY, monkeypatch, began_ago=20.0)
    assert script.calls == 0


@pytest.mark.anyio
async def test_a_call_with_time_left_is_not_cut_early(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script()
    result, _, _ = await send(script, POLICY, monkeypatch, began_ago=9.9)
    assert (result, script.calls) == ("ok", 1)


@pytest.mark.anyio
async def test_a_call_cut_by_its_deadline_names_the_failure_before_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(RequestTimeoutError) as caught:
        await _send_through(monkeypatch, RetryPolicy(max_attempts=2), 503, "stall")
    message = str(caught.value)
    assert "(waiting for the answer; 2 attempts" in message
    assert message.endswith("; the last failure: ExchangeUnavailableError: HTTP 503)")


@pytest.mark.anyio
async def test_a_timeout_is_never_the_last_failure_another_timeout_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(RequestTimeoutError) as caught:
        await _send_through(monkeypatch, RetryPolicy(max_attempts=3), 503, "timeout", "stall")
    message = str(caught.value)
    assert "(waiting for the answer; 3 attempts" in message
    assert "the last failure: ExchangeUnavailableError: HTTP 503" in message
    assert "no answer from" not in message  # the socket timeout in between is not named


@pytest.mark.anyio
async def test_the_deadline_cut_is_final_whatever_attempts_are_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = fake_loop_time(monkeypatch)
    stalls = _Stalls(clock, "stall", "stall")
    sender, client = mock_sender(stalls, HttpSettings(retry=RetryPolicy(max_attempts=4)),
                                 sleep=clock.sleep)
    async with client:
        with pytest.raises(RequestTimeoutError) as caught:
            await sender.send(call(), _judge)
    assert stalls.sent == 1
    assert clock.sleeps == []
    assert caught.value.detail == (
        "did not finish within the 30 s deadline (waiting for the answer; 1 attempt)"
    )  # no retry note: a cut is not a failed attempt


@pytest.mark.anyio
async def test_a_first_timeout_and_a_repeated_5xx_carry_no_last_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(RequestTimeoutError) as timeout:
        await _send_through(monkeypatch, NO_RETRIES, "timeout")
    assert timeout.value.detail == "no answer from exchange.test in time (ReadTimeout)"

    with pytest.raises(ExchangeUnavailableError) as storm:
        await _send_through(monkeypatch, RetryPolicy(max_attempts=2), 503, 502)
    assert "last failure" not in str(storm.value)
    assert storm.value.detail.startswith("HTTP 502")
