"""Fixtures for the Binance simulator tests: the seed simulator on a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.binance.simulator import BinanceSimulator, RunningBinanceSimulator
from tests.binance_simulator.helpers import FrozenClock


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def seed_server(clock: FrozenClock) -> Iterator[RunningBinanceSimulator]:
    """The seed simulator, its clock frozen at the time of the published signing example."""
    with BinanceSimulator.seed(clock=clock).serve() as running:
        yield running
