"""The keyless price reader: what the ticker answer means, and what it may not be.

Every read goes the production path (AscendexPrices -> protocol -> sender -> httpx) on an
``httpx.MockTransport`` that stands in for the exchange; errors arrive finished, as a host gets
them (exchange, account, endpoint).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from adapters.ascendex import AscendexPrices
from framework.errors import FolioError, InvalidRequestError, InvalidResponseError
from framework.prices import Pair, Price, PriceKind, PriceReader
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
SOURCE = "GET /api/pro/v1/spot/ticker"


def ticker(symbol: str, close: Any, **extra: Any) -> dict[str, Any]:
    """A ticker in the shape CCXT and the exchange's samples show (docs/exchanges/ascendex.md)."""
    return {"symbol": symbol, "open": close, "close": close, "high": close, "low": close,
            "volume": "846.6", "ask": [close, "26.2"], "bid": [close, "503.7"], "type": "spot",
            **extra}


def envelope(data: Any) -> bytes:
    return json.dumps({"code": 0, "data": data}).encode()


def read(
    body: bytes, pairs: Collection[Pair] | None = None, *, status: int = 200
) -> tuple[Sequence[Price] | FolioError, list[httpx.Request]]:
    """``fetch_prices(pairs)`` against an exchange answering ``body``; the requests it saw."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    async def run() -> Sequence[Price] | FolioError:
        async with AscendexPrices(base_url="https://ascendex.test", account="main",
                                  http=HttpSettings(retry=NO_RETRIES),
                                  transport=httpx.MockTransport(answer),
                                  now=lambda: NOW) as reader:
            assert isinstance(reader, PriceReader)
            try:
                return await reader.fetch_prices(pairs)
            except FolioError as exc:
                return exc

    return asyncio.run(run()), seen


def refusal(body: bytes) -> InvalidResponseError:
    result, _ = read(body)
    assert isinstance(result, InvalidResponseError), result
    assert (result.exchange, result.account, result.endpoint) == ("ascendex", "main",
                                                                  "GET spot/ticker")
    return result


def test_every_ticker_is_a_last_price_read_unsigned_from_the_public_path() -> None:
    body = envelope([ticker("BTC/USDT", "9185.75"), ticker("QTUM/BTC", "0.00019077")])
    prices, seen = read(body)
    assert prices == [
        Price(Pair("BTC", "USDT"), Decimal("9185.75"), "ascendex", SOURCE, NOW, PriceKind.LAST),
        Price(Pair("QTUM", "BTC"), Decimal("0.00019077"), "ascendex", SOURCE, NOW),
    ]
    (request,) = seen
    assert request.method == "GET"
    assert str(request.url) == "https://ascendex.test/api/pro/v1/spot/ticker"  # no group, no query
    assert not [name for name in request.headers if name.lower().startswith("x-auth")]


def test_requested_pairs_are_filtered_from_one_read_and_unlisted_ones_left_out() -> None:
    body = envelope([ticker("BTC/USDT", "9185.75"), ticker("ETH/BTC", "0.05")])
    wanted = [Pair("ETH", "BTC"), Pair("XRP", "USDT"), Pair("USDT", "BTC")]
    prices, seen = read(body, wanted)
    assert isinstance(prices, list)
    assert [price.pair for price in prices] == [Pair("ETH", "BTC")]
    (request,) = seen
    assert "symbol" not in request.url.params


def test_asking_for_no_pair_sends_nothing() -> None:
    prices, seen = read(envelope([]), [])
    assert prices == ()
    assert seen == []


def test_an_exchange_with_no_market_answers_an_empty_book() -> None:
    prices, _ = read(envelope([]))
    assert prices == []


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ([ticker("BTC/USDT", "0")], "$.data[0].close", "above zero"),
        ([ticker("BTC/USDT", "-1")], "$.data[0].close", "above zero"),
        ([ticker("BTC/USDT", 9185.75)], "$.data[0].close", "decimal string"),
        ([ticker("BTC/USDT", "NaN")], "$.data[0].close", "decimal string"),
        ([ticker("BTC/USDT", "Infinity")], "$.data[0].close", "decimal string"),
        ([ticker("BTC/USDT", "")], "$.data[0].close", "decimal string"),
        ([{"symbol": "BTC/USDT"}], "$.data[0].close", "required field missing"),
        ([ticker("BTC/USDT", "1"), ticker("BTC/USDT", "2")], "$.data[1].symbol", "twice"),
        ([ticker("BTC/USDT", "1"), ticker("btc/usdt", "2")], "$.data[1].symbol", "case"),
        ([ticker("BTCUSDT", "1")], "$.data[0].symbol", "BASE/QUOTE"),
        ([ticker("btc/usdt", "1")], "$.data[0].symbol", "BASE/QUOTE"),
        ([ticker("BTC/BTC", "1")], "$.data[0].symbol", "BASE/QUOTE"),
        ([ticker("BTC/USDT/X", "1")], "$.data[0].symbol", "BASE/QUOTE"),
        ([ticker("BTC /USDT", "1")], "$.data[0].symbol", "whitespace"),
        ([ticker("/USDT", "1")], "$.data[0].symbol", "BASE/QUOTE"),
        ([ticker("BTC-PERP", "1", type="derivatives")], "$.data[0].type", "derivatives"),
        (ticker("BTC/USDT", "1"), "$.data", "list"),
        ({"BTC/USDT": "1"}, "$.data", "list"),
        (None, "$.data", "list"),
    ],
)
def test_a_wrong_answer_is_refused_whole_at_its_field(data: Any, field: str, says: str) -> None:
    # a good row after the bad: the whole answer is refused, never a partial book
    body = envelope([*data, ticker("ETH/USDT", "2000")] if isinstance(data, list) else data)
    error = refusal(body)
    assert error.field == field, error
    assert says in str(error)


def test_an_error_code_is_the_exchanges_error_named_where_it_happened() -> None:
    body = json.dumps({"code": 100002, "message": "No data", "reason": "DATA_NOT_AVAILABLE"})
    result, _ = read(body.encode())
    assert isinstance(result, InvalidRequestError)
    assert (result.exchange, result.account, result.endpoint) == ("ascendex", "main",
                                                                  "GET spot/ticker")


def test_a_garbled_body_is_not_a_price_book() -> None:
    error = refusal(b'{"code":0,"data":[')
    assert error.exchange == "ascendex"
