"""CCXT as the independent client of the simulators' signature checks.

The issue's measure (docs/exchanges/okx.md, bybit.md and binance.md, "the simulator"): another
client's implementation of each exchange's documented signing must be accepted by our
simulators and a wrong signature refused as the exchange refuses it. CCXT signs on its own and
is used as a user would: the one change is where it sends (every REST base URL points at the
simulator, each keeping its path). CCXT is in the ``test`` extra (pyproject.toml), so CI runs
these tests; an environment without it skips the modules that import this one, saying why.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

__all__ = ["ccxt", "ccxt_clients"]

ccxt: Any = pytest.importorskip(
    "ccxt.async_support", reason="ccxt (in the test extra) is not installed")


@contextlib.asynccontextmanager
async def ccxt_clients(exchange_id: str, url: str) -> AsyncIterator[Callable[..., Any]]:
    """``make(**config)``: a CCXT ``exchange_id`` client sending to the simulator at ``url``;
    every client made is closed on exit (CCXT's async clients hold an aiohttp session)."""
    made: list[Any] = []

    def make(**config: Any) -> Any:
        exchange = getattr(ccxt, exchange_id)(config)
        for name, api in list(exchange.urls["api"].items()):
            if isinstance(api, str):  # the one change: the simulator's host, the same paths
                exchange.urls["api"][name] = url + urlsplit(api).path
        made.append(exchange)
        return exchange

    try:
        yield make
    finally:
        for exchange in made:
            await exchange.close()
