"""Pytest fixtures for tests that talk to a simulated Bybit over real sockets.

Enable with ``pytest_plugins = ["adapters.bybit.simulator.pytest_plugin"]``:
``bybit_simulator`` (the demo account, control routes on, fresh per test) and
``bybit_simulator_factory`` (``start(simulator=None, **serve_kwargs)``; all stopped after).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from adapters.bybit.simulator.simulator import BybitSimulator, RunningBybitSimulator
from adapters.simkit.fixtures import serving

__all__ = ["BybitSimulatorFactory", "bybit_simulator", "bybit_simulator_factory"]

BybitSimulatorFactory = Callable[..., RunningBybitSimulator]


@pytest.fixture
def bybit_simulator_factory() -> Iterator[BybitSimulatorFactory]:
    """Start simulators on loopback ports; all are stopped when the test ends."""
    yield from serving(BybitSimulator.demo)


@pytest.fixture
def bybit_simulator(bybit_simulator_factory: BybitSimulatorFactory) -> RunningBybitSimulator:
    """A running demo simulator."""
    return bybit_simulator_factory()
