"""Integration fixtures: a real AscendEX simulator on a loopback port, and hosts wired to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, AscendexSimulator
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials


@pytest.fixture
def demo_credentials() -> Credentials:
    return Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)


@pytest.fixture
def seed_url() -> Iterator[str]:
    """URL of a seed simulator (the specification's sample account, group 6)."""
    with AscendexSimulator.seed().serve() as running:
        yield running.url


def account(
    name: str,
    url: str,
    credentials: Credentials,
    **options: object,
) -> AccountConfig:
    """An AscendEX account with in-memory credentials pointed at ``url``."""
    return AccountConfig(
        name=name,
        exchange="ascendex",
        credentials=StaticCredentials(credentials),
        base_url=url,
        options=options,
    )
