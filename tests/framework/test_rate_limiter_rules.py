"""Every rule adapters/kit/ratelimit.py documents, pinned so that a changed rule fails a test.

The wait rule is checked against a brute-force model: after a refusal, the limiter must name
exactly the first instant at which enough earlier sends have left the window, never later
(an over-wait slows every account for nothing) and never earlier (an under-wait crosses the
exchange's limit).
"""

from __future__ import annotations

import asyncio
import random
import threading

import pytest

from adapters.kit import ratelimit
from adapters.kit.ratelimit import RateLimit, Scope, SlidingWindowLimiter, scope_key, shared_limiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _limiter(limit: int, window: float = 1.0, margin: float = 0.0) -> tuple[
    SlidingWindowLimiter, FakeClock
]:
    clock = FakeClock()
    return SlidingWindowLimiter(RateLimit(limit, window, margin=margin), clock=clock), clock


def test_the_reserve_is_a_fifth_of_the_window_by_default() -> None:
    rule = RateLimit(10, 1.0)
    assert rule.margin == 0.2
    bucket = SlidingWindowLimiter(rule, clock=FakeClock())
    for _ in range(10):
        assert bucket.try_acquire() == 0.0
    # the 11th request waits for the first to leave a window widened by 20%: 1.2 s, not 1 s
    assert bucket.try_acquire() == pytest.approx(1.2)


def test_the_reserve_scales_with_the_window() -> None:
    clock = FakeClock()
    minute = SlidingWindowLimiter(RateLimit(2, 60.0), clock=clock)
    minute.try_acquire()
    minute.try_acquire()
    assert minute.try_acquire() == pytest.approx(72.0)


def test_a_negative_reserve_is_refused() -> None:
    with pytest.raises(ValueError, match="margin"):
        RateLimit(1, 1.0, margin=-0.1)
    assert RateLimit(1, 1.0, margin=0).margin == 0  # no reserve is allowed


def test_staggered_sends_wait_for_the_oldest_that_frees_enough_not_the_newest() -> None:
    bucket, clock = _limiter(2)
    bucket.try_acquire()  # t = 0
    clock.now += 0.5
    bucket.try_acquire()  # t = 0.5
    clock.now += 0.1
    # full at t = 0.6: one unit frees when the send of t = 0 leaves, 0.4 s from now
    assert bucket.try_acquire() == pytest.approx(0.4)


def test_a_large_cost_waits_until_enough_units_have_left_not_only_the_oldest() -> None:
    bucket, clock = _limiter(3)
    for _ in range(3):
        bucket.try_acquire()
        clock.now += 0.25  # sends at 0, 0.25, 0.5
    clock.now = 1_000.6
    # a cost of 2 needs two units: the second frees at 1.25, 0.65 s from now
    assert bucket.try_acquire(2) == pytest.approx(0.65)


def _model_wait(sends: list[tuple[float, int]], now: float, cost: int, limit: int,
                span: float) -> float:
    """The exact wait by brute force: the first send time + span after which the rest fits."""
    live = [(t, c) for t, c in sends if t > now - span]
    if sum(c for _, c in live) + cost <= limit or not live:
        return 0.0
    for index, (when, _cost) in enumerate(live):
        rest = sum(c for _, c in live[index + 1:])
        if rest + cost <= limit:
            return when + span - now
    return live[-1][0] + span - now


@pytest.mark.parametrize("seed", range(40))
def test_every_wait_is_exactly_the_time_until_enough_capacity_frees(seed: int) -> None:
    rng = random.Random(seed)
    limit = rng.randint(1, 8)
    margin = rng.choice([0.0, 0.2, 0.5])
    bucket, clock = _limiter(limit, window=1.0, margin=margin)
    span = 1.0 * (1 + margin)
    sends: list[tuple[float, int]] = []
    for _ in range(60):
        clock.now += rng.choice([0.0, 0.05, 0.13, 0.3, 0.7])
        cost = rng.randint(1, limit + 1)
        expected = _model_wait(sends, clock.now, cost, limit, span)
        delay = bucket.try_acquire(cost)
        if expected == 0.0:
            assert delay == 0.0
            sends.append((clock.now, cost))
            continue
        assert delay == pytest.approx(expected, abs=1e-9), (limit, margin, sends, cost)
        # waiting exactly that long is enough (a float hair short gets a microsecond more)
        clock.now += delay
        again = bucket.try_acquire(cost)
        assert again <= 2e-6
        if again:
            clock.now += again
            assert bucket.try_acquire(cost) == 0.0
        sends.append((clock.now, cost))


def test_waits_are_counted_in_waited() -> None:
    bucket, clock = _limiter(1)
    async def sleep(seconds: float) -> None:
        clock.now += seconds

    asyncio.run(bucket.acquire(sleep=sleep))
    asyncio.run(bucket.acquire(sleep=sleep))
    assert bucket.waited == pytest.approx(1.0)


def test_the_lock_is_never_held_while_waiting() -> None:
    bucket, clock = _limiter(1)
    bucket.try_acquire()
    held: list[bool] = []

    async def sleep(seconds: float) -> None:
        held.append(bucket._lock.locked())
        # another thread can use the limiter meanwhile
        other = threading.Thread(target=bucket.try_acquire)
        other.start()
        other.join()
        clock.now += seconds

    asyncio.run(bucket.acquire(sleep=sleep))
    assert held == [False]


def test_scope_keys_are_stable_short_and_do_not_contain_the_key() -> None:
    secret = "an-api-key-0123456789"
    key = scope_key(secret)
    assert key == scope_key(secret)
    assert key != scope_key(secret + "x")
    assert len(key) == 24
    assert secret not in key


def test_scopes_and_descriptions() -> None:
    assert [s.value for s in Scope] == ["key", "host"]
    assert RateLimit(6000, 60.0, Scope.HOST).describe() == "6000 per 60 s per host"
    assert "per key" in repr(shared_limiter("x-rules", RateLimit(3, 1.0), "k"))


def test_shared_limiters_count_one_budget_for_all_their_users() -> None:
    rule = RateLimit(2, 1.0, margin=0.0)
    one = shared_limiter("rules-exchange", rule, "same-key")
    two = shared_limiter("rules-exchange", rule, "same-key")
    assert one is two
    assert one.try_acquire() == 0.0
    assert two.try_acquire() == 0.0
    assert one.try_acquire() > 0  # the budget was spent by both users together
    assert all("same-key" not in str(key) for key in ratelimit._SHARED)
