"""Pytest fixtures for tests that talk to a simulated AscendEX over real sockets.

Enable with ``pytest_plugins = ["adapters.ascendex.simulator.pytest_plugin"]``.

* ``ascendex_simulator``: a running seed simulator (control routes on), fresh per test, so
  faults, stats and clock offsets never leak from one test into the next.
* ``ascendex_simulator_factory``: ``start(simulator, **serve_kwargs)`` for custom accounts or
  options; everything it started is stopped after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from adapters.ascendex.simulator.simulator import AscendexSimulator
from adapters.simkit.fixtures import serving
from adapters.simkit.server import RunningSimulator

__all__ = ["ascendex_simulator", "ascendex_simulator_factory"]

SimulatorFactory = Callable[..., RunningSimulator]


@pytest.fixture
def ascendex_simulator_factory() -> Iterator[SimulatorFactory]:
    """Start simulators on loopback ports; all are stopped when the test ends."""
    yield from serving(AscendexSimulator.seed)


@pytest.fixture
def ascendex_simulator(
    ascendex_simulator_factory: SimulatorFactory,
) -> RunningSimulator:
    """A running seed simulator (documentation key/secret, group 6, byte-exact samples)."""
    return ascendex_simulator_factory()
