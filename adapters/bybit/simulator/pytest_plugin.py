"""Pytest fixtures for tests that talk to a simulated Bybit over real sockets.

Enable with ``pytest_plugins = ["adapters.bybit.simulator.pytest_plugin"]``:
``bybit_simulator`` (the demo account, control routes on, fresh per test) and
``bybit_simulator_factory`` (``start(simulator=None, **serve_kwargs)``; all stopped after).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from adapters.bybit.simulator.simulator import BybitSimulator, RunningBybitSimulator
from adapters.simkit.fixtures import stopped_after

__all__ = ["BybitSimulatorFactory", "bybit_simulator", "bybit_simulator_factory"]

BybitSimulatorFactory = Callable[..., RunningBybitSimulator]


@pytest.fixture
def bybit_simulator_factory() -> Iterator[BybitSimulatorFactory]:
    """Start simulators on loopback ports; all are stopped when the test ends."""

    def start(simulator: BybitSimulator | None = None, **serve: Any) -> RunningBybitSimulator:
        serve.setdefault("control", True)
        return (simulator or BybitSimulator.demo()).serve(**serve)

    yield from stopped_after(start)


@pytest.fixture
def bybit_simulator(bybit_simulator_factory: BybitSimulatorFactory) -> RunningBybitSimulator:
    """A running demo simulator."""
    return bybit_simulator_factory()
