"""Fixtures for the AscendEX adapter tests: the seed's sample responses, verbatim."""

from __future__ import annotations

from importlib import resources

import pytest

SEED_FILES = {
    "cash": "seed_cash_balance.json",
    "margin": "seed_margin_balance.json",
    "risk": "seed_margin_risk.json",
}


def seed_bytes(kind: str) -> bytes:
    """The seed document's sample response for ``kind``, byte for byte."""
    data = resources.files("adapters.ascendex.simulator") / "data" / SEED_FILES[kind]
    return data.read_bytes()


@pytest.fixture
def seed_cash() -> bytes:
    return seed_bytes("cash")


@pytest.fixture
def seed_margin() -> bytes:
    return seed_bytes("margin")


@pytest.fixture
def seed_risk() -> bytes:
    return seed_bytes("risk")
