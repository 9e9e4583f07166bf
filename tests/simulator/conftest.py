"""Fixtures for the simulator tests: a seed simulator on a fixed clock, and signing clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from adapters.ascendex.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    AscendexSimulator,
    RunningSimulator,
)
from tests.simulator.helpers import VECTOR_TIME, Client, FixedClock

ClientFactory = Callable[..., Client]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def seed_server(clock: FixedClock) -> Iterator[RunningSimulator]:
    """The seed simulator, its clock frozen at the time of the published vectors."""
    with AscendexSimulator.seed(clock=clock).serve(control=True) as running:
        yield running


@pytest.fixture
def client_for() -> Iterator[ClientFactory]:
    """Make clients; all are closed after the test."""
    made: list[Client] = []

    def make(
        port: int,
        *,
        key: str = DEMO_API_KEY,
        secret: str = DEMO_API_SECRET,
        timestamp: int = VECTOR_TIME,
    ) -> Client:
        client = Client(port, key=key, secret=secret, timestamp=timestamp)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(seed_server: RunningSimulator, client_for: ClientFactory) -> Client:
    """A client of the seed simulator with the documentation key, signing at vector time."""
    return client_for(seed_server.port)
