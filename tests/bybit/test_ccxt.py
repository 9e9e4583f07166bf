"""The simulator against another client's implementation of Bybit's v5 signing: CCXT's.

CCXT signs on its own (its ``bybit.sign``: the query as it encodes it, insertion order, a
``Content-Type`` on a GET, ``X-BAPI-RECV-WINDOW`` always sent) and runs its own flow before a
balance: spot, linear, inverse and option instruments, ``GET /v5/asset/coin/query-info`` and
``GET /v5/user/query-api`` with ``GET /v5/account/info`` to learn the account's mode. A real
Bybit answers all of that; so must the simulator, or an independent client could not reach the
signature check at all (docs/exchanges/bybit.md, "The simulator"). Only the URLs are changed:
CCXT is used as a user would (tests/helpers/ccxt_clients.py, which also says when these tests
skip).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from adapters.bybit.simulator import DEMO_API_KEY, DEMO_API_SECRET, RunningBybitSimulator
from tests.helpers.ccxt_clients import ccxt, ccxt_clients

pytestmark = pytest.mark.anyio


@pytest.fixture
async def bybit_ccxt(
    bybit_simulator: RunningBybitSimulator,
) -> AsyncIterator[Callable[..., Any]]:
    async with ccxt_clients("bybit", bybit_simulator.url) as make:
        yield lambda key=DEMO_API_KEY, secret=DEMO_API_SECRET: make(apiKey=key, secret=secret)


async def test_ccxt_signs_and_reads_the_balance(
    bybit_simulator: RunningBybitSimulator, bybit_ccxt: Callable[..., Any],
) -> None:
    balance = await bybit_ccxt().fetch_balance()
    # The demo account (adapters/bybit/simulator/accounts.py), as CCXT reads it.
    assert balance["BTC"]["total"] == 0.35
    assert balance["ETH"]["used"] == 0.5
    assert balance["USDT"]["total"] == 8000
    assert balance["USDC"]["debt"] == 2501.84
    # Every signed route CCXT went through accepted its signature.
    stats = bybit_simulator.stats()
    for route in ("user/query-api", "account/info", "account/wallet-balance",
                  "asset/coin/query-info"):
        assert stats.count(route) >= 1, route
    assert set(stats.statuses) == {200}


async def test_ccxt_with_a_parameter_folio_never_sends(bybit_ccxt: Callable[..., Any]) -> None:
    # ``coin=ETH,USDC`` after ``accountType``: a raw comma in the signed query.
    balance = await bybit_ccxt().fetch_balance({"coin": "ETH,USDC"})
    assert (balance["ETH"]["total"], balance["USDC"]["total"]) == (4.2, 3000)
    assert "BTC" not in balance["total"]


async def test_ccxt_reads_a_public_ticker(bybit_ccxt: Callable[..., Any]) -> None:
    ticker = await bybit_ccxt().fetch_ticker("BTC/USDT")
    assert (ticker["symbol"], ticker["last"]) == ("BTC/USDT", 64000.5)


async def test_a_wrong_secret_is_refused_with_10004(
    bybit_simulator: RunningBybitSimulator, bybit_ccxt: Callable[..., Any],
) -> None:
    wrong = bybit_ccxt(secret="NOTTHESECRETNOTTHESECRETNOTTHESECRET")
    with pytest.raises(ccxt.AuthenticationError, match='"retCode":10004'):
        await wrong.fetch_balance()  # refused at its first signed request
    with pytest.raises(ccxt.AuthenticationError, match='"retCode":10004'):  # and directly
        await wrong.privateGetV5AccountWalletBalance({"accountType": "UNIFIED"})
    assert bybit_simulator.stats().count("account/wallet-balance") == 1
    right = await bybit_ccxt().privateGetV5AccountWalletBalance({"accountType": "UNIFIED"})
    assert right["retCode"] == "0"  # CCXT reads JSON numbers as strings


async def test_an_unknown_key_is_refused_with_10003(bybit_ccxt: Callable[..., Any]) -> None:
    with pytest.raises(ccxt.AuthenticationError, match='"retCode":10003'):
        await bybit_ccxt(key="NOSUCHKEYNOSUCHKEY").fetch_balance()


async def test_a_stale_timestamp_is_refused_with_10002(
    bybit_simulator: RunningBybitSimulator, bybit_ccxt: Callable[..., Any],
) -> None:
    bybit_simulator.set_clock_offset_ms(10_000)  # CCXT signs 10 s behind, its window is 5 s
    with pytest.raises(ccxt.InvalidNonce, match='"retCode":10002'):
        await bybit_ccxt().fetch_balance()
