"""Pytest fixtures for tests that talk to a simulated OKX over real sockets.

Enable with ``pytest_plugins = ["adapters.okx.simulator.pytest_plugin"]``:
``okx_simulator`` is a running demo simulator (control routes on), fresh per test;
``okx_simulator_factory`` is ``start(simulator=None, **serve_kwargs)``, everything it started
stopped after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from adapters.okx.simulator.simulator import OkxSimulator, RunningOkxSimulator
from adapters.simkit.fixtures import serving

__all__ = ["OkxSimulatorFactory", "okx_simulator", "okx_simulator_factory"]

OkxSimulatorFactory = Callable[..., RunningOkxSimulator]


@pytest.fixture
def okx_simulator_factory() -> Iterator[OkxSimulatorFactory]:
    """Start simulators on loopback ports; all are stopped when the test ends."""
    yield from serving(OkxSimulator.demo)


@pytest.fixture
def okx_simulator(okx_simulator_factory: OkxSimulatorFactory) -> RunningOkxSimulator:
    """A running demo simulator."""
    return okx_simulator_factory()
