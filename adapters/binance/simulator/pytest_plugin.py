"""Pytest fixtures for tests that talk to a simulated Binance over real sockets.

Enable with ``pytest_plugins = ["adapters.binance.simulator.pytest_plugin"]``.

* ``binance_simulator``: a running seed simulator (control routes on), fresh per test, so
  faults, stats, clock offsets and used weight never leak from one test into the next.
* ``binance_simulator_factory``: ``start(simulator=None, **serve_kwargs)`` for custom accounts
  or options; everything it started is stopped after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from adapters.binance.simulator.simulator import BinanceSimulator, RunningBinanceSimulator
from adapters.simkit.fixtures import serving

__all__ = ["BinanceSimulatorFactory", "binance_simulator", "binance_simulator_factory"]

BinanceSimulatorFactory = Callable[..., RunningBinanceSimulator]


@pytest.fixture
def binance_simulator_factory() -> Iterator[BinanceSimulatorFactory]:
    """Start simulators on loopback ports; all are stopped when the test ends."""
    yield from serving(BinanceSimulator.seed)


@pytest.fixture
def binance_simulator(
    binance_simulator_factory: BinanceSimulatorFactory,
) -> RunningBinanceSimulator:
    """A running seed simulator (the documentation's key, secret and sample answers)."""
    return binance_simulator_factory()
