"""The keyless price reader through its real path, on ``httpx.MockTransport``: strict reading."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from adapters.binance import BinancePrices
from framework.errors import ExchangeError, InvalidResponseError
from framework.prices import Pair
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings

INFO = {"symbols": [
    {"symbol": "BTCUSDT", "status": "TRADING", "baseAsset": "BTC", "quoteAsset": "USDT"},
    {"symbol": "BNBBTC", "status": "TRADING", "baseAsset": "BNB", "quoteAsset": "BTC"},
    {"symbol": "OLDBTC", "status": "BREAK", "baseAsset": "OLD", "quoteAsset": "BTC"},
]}


def _reader(ticker: Callable[[httpx.Request], Any], sent: list[httpx.Request]) -> BinancePrices:
    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.path == "/api/v3/exchangeInfo":
            return httpx.Response(200, json=INFO)
        return httpx.Response(200, content=json.dumps(ticker(request)).encode())

    return BinancePrices(base_url="https://api.binance.com", account="main",
                         http=HttpSettings(retry=NO_RETRIES),
                         transport=httpx.MockTransport(answer))


@pytest.mark.anyio
async def test_pairs_come_from_exchange_info_and_unlisted_ones_are_left_out() -> None:
    sent: list[httpx.Request] = []
    reader = _reader(lambda _: {"symbol": "BNBBTC", "price": "0.00290000"}, sent)
    async with reader:
        (price,) = await reader.fetch_prices([Pair("BNB", "BTC"), Pair("LTC", "BTC"),
                                              Pair("OLD", "BTC")])
        assert await reader.fetch_prices([Pair("USDT", "BTC")]) == []  # no request at all
    assert (price.pair, str(price.value), price.source) == (
        Pair("BNB", "BTC"), "0.00290000", "GET /api/v3/ticker/price")
    assert price.exchange == "binance"
    assert [(r.url.path, r.url.params.get("symbol")) for r in sent] == [
        ("/api/v3/exchangeInfo", None), ("/api/v3/ticker/price", "BNBBTC")]
    assert "X-MBX-APIKEY" not in sent[1].headers
    assert "signature" not in str(sent[1].url)


@pytest.mark.anyio
async def test_several_pairs_are_one_request_with_a_symbols_list() -> None:
    sent: list[httpx.Request] = []
    rows = [{"symbol": "BNBBTC", "price": "0.0029"}, {"symbol": "BTCUSDT", "price": "64000"}]
    async with _reader(lambda _: rows, sent) as reader:
        found = await reader.fetch_prices([Pair("BTC", "USDT"), Pair("BNB", "BTC")])
    assert {str(p.pair) for p in found} == {"BTC/USDT", "BNB/BTC"}
    assert sent[1].url.params["symbols"] == '["BNBBTC","BTCUSDT"]'


@pytest.mark.parametrize(("rows", "field"), [
    ([{"symbol": "BNBBTC", "price": "0"}], "$[0].price"),
    ([{"symbol": "BNBBTC", "price": "-1.5"}], "$[0].price"),
    ([{"symbol": "BNBBTC", "price": "1"}, {"symbol": "BNBBTC", "price": "1"}], "$[1].symbol"),
    ([{"symbol": "ETHBTC", "price": "1"}], "$[0].symbol"),  # not asked for
    ({"symbol": "BNBBTC", "price": "1"}, "$[0]"),  # an object where a list belongs
    ([], "$"),  # an asked symbol missing
])
@pytest.mark.anyio
async def test_a_wrong_answer_is_refused_whole(rows: Any, field: str) -> None:
    async with _reader(lambda _: rows, []) as reader:
        with pytest.raises(InvalidResponseError) as caught:
            await reader.fetch_prices([Pair("BNB", "BTC"), Pair("BTC", "USDT")])
    assert caught.value.field == field
    assert (caught.value.exchange, caught.value.account) == ("binance", "main")
    assert caught.value.endpoint == "GET ticker/price"


@pytest.mark.anyio
async def test_every_price_skips_halted_and_unknown_symbols_but_not_bad_prices() -> None:
    rows = [{"symbol": "BTCUSDT", "price": "64000"}, {"symbol": "OLDBTC", "price": "0"},
            {"symbol": "NEWBTC", "price": "1"}]
    sent: list[httpx.Request] = []
    async with _reader(lambda _: rows, sent) as reader:
        (price,) = await reader.fetch_prices()
        assert price.pair == Pair("BTC", "USDT")
        assert sent[-1].url.params == httpx.QueryParams()
        rows[0]["price"] = "NaN"
        with pytest.raises(InvalidResponseError):
            await reader.fetch_prices()


@pytest.mark.anyio
async def test_an_exchange_error_names_the_endpoint() -> None:
    def invalid(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"code": -1121, "msg": "Invalid symbol."})

    reader = BinancePrices(http=HttpSettings(retry=NO_RETRIES),
                           transport=httpx.MockTransport(invalid))
    async with reader:
        with pytest.raises(ExchangeError) as caught:
            await reader.fetch_prices()
    assert caught.value.endpoint == "GET exchangeInfo"
