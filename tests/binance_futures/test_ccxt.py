"""The simulator's ``/fapi/`` routes against another client's signing: CCXT's ``binanceusdm``.

CCXT signs on its own (its ``binance.sign``: ``timestamp`` then ``recvWindow=10000`` in the
query, the hex HMAC-SHA256 appended as ``signature``, ``X-MBX-APIKEY``) and runs its own flow
before a balance: with a key, ``GET /sapi/v1/capital/config/getall`` (signed) and
``GET /sapi/v1/margin/allPairs`` (the key only), then ``GET /fapi/v1/exchangeInfo``; the
balance is ``GET /fapi/v3/account`` and a ticker ``GET /fapi/v1/ticker/24hr?symbol=``. Binance
answers all of that, so the simulator does, or an independent client could not reach the
futures signature check at all (docs/exchanges/binance.md, "In the simulator"). Only the URLs
are changed: CCXT is used as a user would (tests/helpers/ccxt_clients.py, which also says when
these tests skip).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from adapters.binance.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    BinanceSimulator,
    RunningBinanceSimulator,
)
from tests.helpers.ccxt_clients import ccxt, ccxt_clients

pytestmark = pytest.mark.anyio


@pytest.fixture
def demo() -> Iterator[RunningBinanceSimulator]:
    with BinanceSimulator.demo().serve() as running:
        yield running


@pytest.fixture
async def usdm(demo: RunningBinanceSimulator) -> AsyncIterator[Callable[..., Any]]:
    async with ccxt_clients("binanceusdm", demo.url) as make:
        yield make


def _keys(**changed: str) -> dict[str, str]:
    return {"apiKey": DEMO_API_KEY, "secret": DEMO_API_SECRET, **changed}


async def test_ccxt_signatures_are_accepted(
    usdm: Callable[..., Any], demo: RunningBinanceSimulator,
) -> None:
    binance = usdm(**_keys())
    balance = await binance.fetch_balance()
    # The demo's futures wallet (adapters/binance/simulator/demo.py); CCXT reads the margin
    # balance as the total and availableBalance as free.
    assert (balance["USDT"]["total"], balance["USDT"]["free"]) == (2100.0, 1780.0)
    ticker = await binance.fetch_ticker("BTC/USDT:USDT")
    assert (ticker["symbol"], ticker["last"]) == ("BTC/USDT:USDT", 64000.0)
    stats = demo.stats()
    assert (stats.count("futures/account"), stats.statuses.get(200)) == (1, stats.total)
    assert demo.used_weight("futures/account") == 1 + 5 + 1  # exchangeInfo, account, 1 ticker


async def test_keyless_ccxt_reads_the_public_futures_routes(
    usdm: Callable[..., Any], demo: RunningBinanceSimulator,
) -> None:
    binance = usdm()
    prices = await binance.fetch_last_prices(["BTC/USDT:USDT"])  # GET /fapi/v2/ticker/price
    assert prices["BTC/USDT:USDT"]["price"] == 64000.0
    assert demo.used_weight("futures/account") == 1 + 2  # exchangeInfo; every price: 2
    async with httpx.AsyncClient(base_url=demo.url) as http:
        unknown = await http.get("/fapi/v1/ticker/24hr", params={"symbol": "NOPEUSDT"})
        spot_only = await http.get("/fapi/v1/ticker/price", params={"symbol": "ETHBTC"})
        every = await http.get("/fapi/v1/ticker/24hr")
    assert (unknown.status_code, unknown.json()) == (400, {"code": -1121, "msg": "Invalid symbol."})
    assert spot_only.status_code == 400  # a spot market that is no USD-M perpetual
    assert [row["symbol"] for row in every.json()] == ["BTCUSDT"]
    assert every.headers["X-MBX-USED-WEIGHT-1M"] == str(3 + 1 + 1 + 40)


async def _loaded(binance: Any) -> Any:
    """CCXT with its markets and currencies read: its next request is the futures account."""
    await binance.load_markets()
    return binance


@pytest.mark.parametrize(("changed", "status", "code"), [
    ({"secret": "not-the-secret"}, 400, -1022),
    ({"apiKey": "B" * 64}, 401, -2015),  # well formed, unknown
    ({"apiKey": "not-a-key"}, 401, -2014),
])
async def test_wrong_ccxt_credentials_are_refused_by_the_futures_route(
    usdm: Callable[..., Any], demo: RunningBinanceSimulator,
    changed: dict[str, str], status: int, code: int,
) -> None:
    binance = await _loaded(usdm(**_keys()))
    for name, value in changed.items():
        setattr(binance, name, value)
    with pytest.raises(ccxt.ExchangeError) as caught:
        await binance.fetch_balance()
    assert f'"code":{code}' in str(caught.value)
    assert demo.stats().count("futures/account") == 1
    assert demo.stats().statuses.get(status) == 1


async def test_a_stale_ccxt_timestamp_is_1021(
    usdm: Callable[..., Any], demo: RunningBinanceSimulator,
) -> None:
    binance = await _loaded(usdm(**_keys()))
    demo.set_clock_offset_ms(10_001)  # Binance 10.001 s ahead: CCXT's recvWindow is 10000
    with pytest.raises(ccxt.InvalidNonce) as caught:
        await binance.fetch_balance()
    assert '"code":-1021' in str(caught.value)
    demo.set_clock_offset_ms(5_000)  # inside the window CCXT sent: served
    assert (await binance.fetch_balance())["USDT"]["total"] == 2100.0


async def test_the_coin_list_is_the_callers(
    usdm: Callable[..., Any], demo: RunningBinanceSimulator,
) -> None:
    binance = usdm(**_keys())
    currencies = await binance.fetch_currencies()  # GET /sapi/v1/capital/config/getall
    assert {"BTC", "USDT", "LTC"} <= set(currencies)
    assert demo.used_weight("capital/config/getall") == 10
    async with httpx.AsyncClient(base_url=demo.url) as http:
        pairs = await http.get("/sapi/v1/margin/allPairs", headers={"X-MBX-APIKEY": "C" * 64})
        keyless = await http.get("/sapi/v1/margin/allPairs")
    assert (pairs.status_code, pairs.json()["code"]) == (401, -2015)
    assert (keyless.status_code, keyless.json()["code"]) == (401, -2014)
