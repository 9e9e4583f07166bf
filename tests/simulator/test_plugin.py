"""The packaged pytest fixtures, used as a third-party test suite would use them."""

from __future__ import annotations

import time
from collections.abc import Callable

from adapters.ascendex.simulator import (
    DEMO_API_KEY,
    AscendexSimulator,
    Fault,
    RunningSimulator,
    SimulatorOptions,
)
from tests.simulator.helpers import Client


def test_fixture_serves_the_seed_on_the_real_clock(
    ascendex_simulator: RunningSimulator, client_for: Callable[..., Client]
) -> None:
    client = client_for(ascendex_simulator.port, timestamp=time.time_ns() // 1_000_000)
    assert client.get("/api/pro/v1/info", "info").json()["data"]["accountGroup"] == 6
    assert client.get("/__simulator__/stats").status == 200  # control routes are on
    assert ascendex_simulator.stats().count(api_key=DEMO_API_KEY) == 1


def test_fixture_starts_without_faults_even_after_a_test_added_some(
    ascendex_simulator: RunningSimulator,
) -> None:
    assert ascendex_simulator.faults.active() == []
    ascendex_simulator.faults.add(Fault.http_status(502))


def test_fixture_is_fresh_per_test(ascendex_simulator: RunningSimulator) -> None:
    assert ascendex_simulator.faults.active() == []
    assert ascendex_simulator.stats().total == 0


def test_factory_starts_custom_simulators(
    ascendex_simulator_factory: Callable[..., RunningSimulator],
) -> None:
    lenient = AscendexSimulator.seed(options=SimulatorOptions(lenient_signatures=True))
    first = ascendex_simulator_factory(lenient)
    second = ascendex_simulator_factory(control=False)
    assert first.port != second.port
    assert first.running
    assert second.running
