"""Pytest fixtures for tests that talk to a simulated AscendEX over real sockets.

Enable with ``pytest_plugins = ["adapters.ascendex.simulator.pytest_plugin"]``.

* ``ascendex_simulator``: a running seed simulator (control routes on), fresh per test, so
  faults, stats and clock offsets never leak from one test into the next.
* ``ascendex_simulator_factory``: ``start(simulator, **serve_kwargs)`` for custom accounts or
  options; everything it started is stopped after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from adapters.ascendex.simulator.simulator import AscendexSimulator
from adapters.simkit.server import RunningSimulator

__all__ = ["ascendex_simulator", "ascendex_simulator_factory"]

SimulatorFactory = Callable[..., RunningSimulator]


@pytest.fixture
def ascendex_simulator_factory() -> Iterator[SimulatorFactory]:
    """Start simulators on loopback ports; all are stopped when the test ends."""
    started: list[RunningSimulator] = []

    def start(simulator: AscendexSimulator | None = None, **serve: Any) -> RunningSimulator:
        serve.setdefault("control", True)
        running = (simulator or AscendexSimulator.seed()).serve(**serve)
        started.append(running)
        return running

    try:
        yield start
    finally:
        for running in reversed(started):
            running.stop()


@pytest.fixture
def ascendex_simulator(
    ascendex_simulator_factory: SimulatorFactory,
) -> RunningSimulator:
    """A running seed simulator (documentation key/secret, group 6, byte-exact samples)."""
    return ascendex_simulator_factory()
