"""The sliding-window limiter on a fake clock: exact limits, waits, costs, sharing."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections import deque

import pytest

from adapters.kit import ratelimit
from adapters.kit.ratelimit import (
    RateLimit,
    Scope,
    SlidingWindowLimiter,
    scope_key,
    shared_limiter,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.now += seconds


def limiter(limit: int = 3, window: float = 1.0, margin: float = 0.0) -> tuple[
    SlidingWindowLimiter, FakeClock
]:
    clock = FakeClock()
    return SlidingWindowLimiter(RateLimit(limit, window, margin=margin), clock=clock), clock


def max_in_any_window(times: list[float], window: float) -> int:
    """The most send times that fall within one half-open window of ``window`` seconds."""
    best = 0
    recent: deque[float] = deque()
    for t in sorted(times):
        recent.append(t)
        while recent[0] <= t - window:
            recent.popleft()
        best = max(best, len(recent))
    return best


def test_takes_up_to_the_limit_at_once_then_says_how_long_to_wait() -> None:
    bucket, clock = limiter(limit=3)
    assert [bucket.try_acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.try_acquire() == pytest.approx(1.0)
    clock.now += 0.4
    assert bucket.try_acquire() == pytest.approx(0.6)
    clock.now += 0.6
    assert bucket.try_acquire() == 0.0


def test_never_more_than_the_limit_in_any_window() -> None:
    bucket, clock = limiter(limit=5, window=1.0)
    sent: list[float] = []
    for _ in range(57):
        asyncio.run(bucket.acquire(sleep=clock.asleep))
        sent.append(clock.now)
        clock.now += 0.013  # a steady caller, faster than the limit
    assert max_in_any_window(sent, 1.0) == 5
    assert bucket.waited > 0


def test_margin_widens_the_window() -> None:
    bucket, _clock = limiter(limit=2, window=1.0, margin=0.1)
    bucket.try_acquire()
    bucket.try_acquire()
    assert bucket.try_acquire() == pytest.approx(1.1)


def test_costs_are_counted_in_units() -> None:
    bucket, clock = limiter(limit=10)
    assert bucket.try_acquire(6) == 0.0
    clock.now += 0.5
    assert bucket.try_acquire(3) == 0.0
    # 9 used: a cost of 5 must wait until the first 6 units leave (at 1.0 s), not the next 3
    assert bucket.try_acquire(5) == pytest.approx(0.5)


def test_a_cost_above_the_whole_limit_waits_for_an_empty_window() -> None:
    bucket, clock = limiter(limit=4)
    bucket.try_acquire(1)
    clock.now += 0.25
    assert bucket.try_acquire(9) == pytest.approx(0.75)
    clock.now += 0.75
    assert bucket.try_acquire(9) == 0.0


@pytest.mark.anyio
async def test_async_acquire_waits_without_blocking() -> None:
    bucket, clock = limiter(limit=2)
    for _ in range(5):
        await bucket.acquire(sleep=clock.asleep)
    assert clock.now == pytest.approx(102.0)  # sends at 0, 0, 1, 1, 2 seconds
    assert bucket.waited == pytest.approx(2.0)


def test_thread_safe_under_contention() -> None:
    clock = FakeClock()
    bucket = SlidingWindowLimiter(RateLimit(1000, 1.0, margin=0.0), clock=clock)
    granted: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(200):
            if bucket.try_acquire() == 0.0:
                with lock:
                    granted.append(clock.now)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 1000  # exactly the limit, never one more, on a frozen clock


def test_rule_validation_and_description() -> None:
    with pytest.raises(ValueError, match="limit"):
        RateLimit(0, 1.0)
    with pytest.raises(ValueError, match="window"):
        RateLimit(1, 0)
    assert RateLimit(100, 1.0, Scope.HOST).describe() == "100 per 1 s per host"


def test_shared_limiters_are_shared_per_exchange_rule_and_key_and_hold_no_key() -> None:
    rule = RateLimit(100, 1.0)
    api_key = "the-api-key-itself"
    one = shared_limiter("ascendex", rule, api_key)
    assert shared_limiter("ascendex", rule, api_key) is one
    assert shared_limiter("ascendex", rule, "another-key") is not one
    assert shared_limiter("binance", rule, api_key) is not one
    assert shared_limiter("ascendex", RateLimit(50, 1.0), api_key) is not one
    assert api_key not in repr(one)
    assert all(api_key not in str(key) for key in ratelimit._SHARED)


class SteppedClock:
    """The registry's clock, moved by hand: windows pass without sleeping."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def registry_clock(monkeypatch: pytest.MonkeyPatch) -> SteppedClock:
    clock = SteppedClock()
    monkeypatch.setattr(ratelimit, "_registry_clock", clock)
    monkeypatch.setattr(ratelimit, "_last_sweep", 0.0)
    return clock


def test_a_shared_limiter_outlives_its_holder_while_its_window_counts(
    registry_clock: SteppedClock,
) -> None:
    """A host closed and opened again within the window finds the requests still counted."""
    rule = RateLimit(2, 3.0, margin=0)
    first = shared_limiter("x-lifetime", rule, "a-key")
    assert first.try_acquire() == 0
    assert first.try_acquire() == 0
    del first
    gc.collect()
    registry_clock.now += 1.5  # a sweep runs; the window still holds both requests
    again = shared_limiter("x-lifetime", rule, "a-key")
    assert again.try_acquire() == pytest.approx(1.5)  # the exchange still counts them
    registry_clock.now += 2.0  # past the window: idle, dropped at the next sweep
    fresh = shared_limiter("x-lifetime", rule, "a-key")
    assert fresh is not again
    assert fresh.try_acquire() == 0


def test_a_client_holding_a_retired_limiter_shares_the_live_budget(
    registry_clock: SteppedClock,
) -> None:
    """Two holders never count apart: the older one's requests go to the live limiter."""
    rule = RateLimit(1, 3.0, margin=0)
    old = shared_limiter("x-retired", rule, "a-key")
    registry_clock.now += 5.0  # idle: the next lookup sweeps it away
    new = shared_limiter("x-retired", rule, "a-key")
    assert new is not old
    assert new.try_acquire() == 0
    assert old.try_acquire() > 0  # the one request of the window is spent, whoever holds what
    key = ("x-retired", rule, scope_key("a-key"))
    assert ratelimit._SHARED[key] is new


def test_idle_limiters_do_not_accumulate(registry_clock: SteppedClock) -> None:
    rule = RateLimit(5, 1.0, margin=0)
    for index in range(50):
        shared_limiter("x-many", rule, f"key-{index}").try_acquire()
    registry_clock.now += 10.0
    shared_limiter("x-many", rule, "another")
    assert not [key for key in ratelimit._SHARED if key[0] == "x-many" and key[2] != scope_key(
        "another")]
