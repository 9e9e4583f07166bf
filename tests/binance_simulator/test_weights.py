"""Request weight: the used-weight headers, 429 beyond the limit, windows, and the meter itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.binance.simulator import (
    BinanceSimulator,
    RunningBinanceSimulator,
    SimulatorOptions,
)
from adapters.binance.simulator.routes import ACCOUNT, MARGIN_ACCOUNT, TIME, Pool
from adapters.binance.simulator.weights import WeightMeter
from tests.binance_simulator.helpers import DOC_TIME, FrozenClock, call

USED = "x-mbx-used-weight-1m"
SAPI_USED = "x-sapi-used-ip-weight-1m"
MINUTE_MS = 60_000


def _time(port: int) -> dict[str, str]:
    return call(port, "/api/v3/time", key=None, sign_with=None, timestamp=None).headers


def test_every_answer_reports_the_weight_of_its_budget(
    seed_server: RunningBinanceSimulator,
) -> None:
    assert call(seed_server.port, "/api/v3/account").headers[USED] == "20"
    assert _time(seed_server.port)[USED] == "21"  # /api/ routes share one budget
    margin = call(seed_server.port, "/sapi/v1/margin/account").headers
    assert margin[SAPI_USED] == "10"  # /sapi/ routes have their own
    assert USED not in margin
    # a rejected request costs its weight too: Binance meters requests, not successes
    assert call(seed_server.port, "/api/v3/account", sign_with="wrong").headers[USED] == "41"
    assert (seed_server.used_weight("account"), seed_server.used_weight("time")) == (41, 41)
    assert seed_server.used_weight("margin/account") == 10


@pytest.fixture
def small_limits(clock: FrozenClock) -> Iterator[RunningBinanceSimulator]:
    options = SimulatorOptions(api_weight_limit=45, sapi_weight_limit=20)
    with BinanceSimulator.seed(clock=clock, options=options).serve() as running:
        yield running


def test_a_request_over_the_limit_gets_429_and_costs_nothing(
    small_limits: RunningBinanceSimulator, clock: FrozenClock
) -> None:
    clock.now_ms = 30 * MINUTE_MS + 12_345  # 47.655 s before the next minute
    for used in ("20", "40"):
        assert call(small_limits.port, "/api/v3/account", timestamp=clock.now_ms).headers[
            USED] == used
    refused = call(small_limits.port, "/api/v3/account", timestamp=clock.now_ms)
    assert refused.status == 429
    assert refused.json() == {
        "code": -1003,
        "msg": "Too much request weight used; current limit is 45 request weight per 1 MINUTE. "
               "Please use WebSocket Streams for live updates to avoid polling the API.",
    }
    assert refused.headers["retry-after"] == "48"
    assert refused.headers[USED] == "40"
    assert _time(small_limits.port)[USED] == "41"  # a lighter request still fits
    stats = small_limits.stats()
    assert (stats.throttled, stats.statuses[429]) == (1, 1)


def test_the_next_window_starts_afresh(
    small_limits: RunningBinanceSimulator, clock: FrozenClock
) -> None:
    clock.now_ms = 7 * MINUTE_MS
    for _ in range(2):
        call(small_limits.port, "/sapi/v1/margin/account", timestamp=clock.now_ms)
    assert call(small_limits.port, "/sapi/v1/margin/account",
                timestamp=clock.now_ms).status == 429
    clock.now_ms += MINUTE_MS
    answer = call(small_limits.port, "/sapi/v1/margin/account", timestamp=clock.now_ms)
    assert (answer.status, answer.headers[SAPI_USED]) == (200, "10")


def test_reset_weights_forgets_every_charge(seed_server: RunningBinanceSimulator) -> None:
    call(seed_server.port, "/api/v3/account")
    seed_server.reset_weights()
    assert seed_server.used_weight("account") == 0
    with pytest.raises(KeyError, match="unknown route 'order'"):
        seed_server.used_weight("order")


# -- the meter ------------------------------------------------------------------------------------


def test_the_meter_counts_per_ip_and_budget() -> None:
    meter = WeightMeter({Pool.API: 25, Pool.SAPI: 10}, MINUTE_MS)
    now = DOC_TIME
    assert meter.charge("10.0.0.1", ACCOUNT, now).used == 20
    assert meter.charge("10.0.0.2", ACCOUNT, now).used == 20  # another IP, another budget
    assert meter.charge("10.0.0.1", TIME, now).used == 21
    assert meter.charge("10.0.0.1", MARGIN_ACCOUNT, now).used == 10
    refused = meter.charge("10.0.0.1", ACCOUNT, now)
    assert (refused.admitted, refused.used) == (False, 21)
    assert meter.used("10.0.0.1", "api", now) == 21
    assert meter.used("10.0.0.1", "/sapi/v1/margin/account", now) == 10


@pytest.mark.parametrize(
    ("into_window_ms", "retry_after_s"),
    [(0, 60), (1, 60), (59_000, 1), (59_999, 1), (30_500, 30)],
)
def test_retry_after_is_the_rest_of_the_window_rounded_up(
    into_window_ms: int, retry_after_s: int
) -> None:
    meter = WeightMeter({Pool.API: 20, Pool.SAPI: 1}, MINUTE_MS)
    now = 100 * MINUTE_MS + into_window_ms
    meter.charge("ip", ACCOUNT, now)
    assert meter.charge("ip", ACCOUNT, now).retry_after_s == retry_after_s


@pytest.mark.parametrize(
    "options",
    [{"api_weight_limit": 0}, {"weight_window_ms": 0}, {"max_recv_window_ms": 0},
     {"ahead_tolerance_ms": -1}, {"max_uri_length": 15}],
    ids=["no-weight", "no-window", "no-recv-window", "negative-tolerance", "tiny-uri"],
)
def test_impossible_options_are_refused(options: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must be"):
        SimulatorOptions(**options)
