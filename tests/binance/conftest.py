"""Fixtures for the Binance adapter tests: the documentation's sample answers, verbatim.

The files live with the simulator (``adapters/binance/simulator/data``), which serves them;
they are the samples of ``GET /api/v3/account`` and ``GET /sapi/v1/margin/account`` from
Binance's API documentation, byte for byte but for the two ``//`` comments of the margin
sample, which JSON does not allow.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest


def sample_bytes(name: str) -> bytes:
    """The documentation's sample answer ``name`` (``account`` or ``margin_account``)."""
    data = resources.files("adapters.binance.simulator") / "data"
    return (data / f"seed_{name}.json").read_bytes()


@pytest.fixture
def spot_sample() -> bytes:
    return sample_bytes("account")


@pytest.fixture
def margin_sample() -> bytes:
    return sample_bytes("margin_account")


@pytest.fixture
def margin_document(margin_sample: bytes) -> dict[str, Any]:
    """The margin sample parsed, for tests that change one field of it."""
    document: dict[str, Any] = json.loads(margin_sample)
    return document
