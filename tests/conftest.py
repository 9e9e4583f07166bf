"""Test-wide configuration: async tests run on asyncio through anyio's pytest plugin."""

from __future__ import annotations

import pytest

# The packaged simulator fixtures, enabled exactly as a third-party test suite would enable them.
pytest_plugins = [
    "adapters.ascendex.simulator.pytest_plugin",
    "adapters.binance.simulator.pytest_plugin",
    "adapters.bybit.simulator.pytest_plugin",
    "adapters.okx.simulator.pytest_plugin",
    "framework.testing.conformance",
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
