"""The simulator's public spot tickers: the exchange's answer shapes, and its own consistency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.ascendex.simulator import AccountsFileError, AscendexSimulator, RunningSimulator
from adapters.ascendex.simulator.tickers import SEED_TICKERS, Tickers
from tests.simulator.helpers import Client

PATH = "/api/pro/v1/spot/ticker"


def test_no_symbol_answers_every_ticker_as_a_list_unsigned(
    seed_server: RunningSimulator, client: Client
) -> None:
    reply = client.get(PATH)  # no signature headers at all
    assert reply.status == 200
    assert "instance" not in reply.headers  # not a group route
    data = reply.json()["data"]
    assert [row["symbol"] for row in data] == ["BTC/USDT", "ETH/BTC"]
    assert data[0] == {"symbol": "BTC/USDT", "open": "8000", "close": "8000", "high": "8000",
                       "low": "8000", "volume": "0", "ask": ["8000", "0"],
                       "bid": ["8000", "0"], "type": "spot"}
    assert seed_server.stats().count(route="spot/ticker") == 1


def test_one_symbol_is_an_object_and_a_comma_list_a_list_in_the_order_asked(
    client: Client,
) -> None:
    one = client.get(PATH + "?symbol=ETH/BTC").json()["data"]
    assert one["symbol"] == "ETH/BTC"
    assert one["close"] == "0.040723859375"
    several = client.get(PATH + "?symbol=ETH/BTC,BTC/USDT").json()["data"]
    assert [row["symbol"] for row in several] == ["ETH/BTC", "BTC/USDT"]
    assert client.get("/api/pro/v1/ticker?symbol=BTC/USDT").json()["data"]["close"] == "8000"


def test_an_unlisted_symbol_fails_the_whole_request(client: Client) -> None:
    reply = client.get(PATH + "?symbol=BTC/USDT,ETH/USDT")
    assert reply.status == 200
    assert reply.json() == {"code": 100002, "message": "No data found for symbol ETH/USDT",
                            "reason": "DATA_NOT_AVAILABLE"}


def test_the_seed_prices_are_the_ones_behind_the_seed_risk_figures() -> None:
    """20 margin ETH plus 11200 USDT is the sample's 17715.8175 USDT, at the tickers."""
    account = AscendexSimulator.seed().accounts[0]
    eth = Decimal(SEED_TICKERS["ETH/BTC"]) * Decimal(SEED_TICKERS["BTC/USDT"])
    margin = {row.asset: Decimal(row.total) for row in account.margin}
    assert margin["USDT"] + margin["ETH"] * eth == Decimal("17715.8175")
    assert account.risk is not None
    assert account.risk.values["totalBalanceInUSDT"] == "17715.8175"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "closes",
    [{"BTCUSDT": "1"}, {"btc/usdt": "1"}, {"BTC/USDT": "0"}, {"BTC/USDT": "-1"},
     {"BTC/USDT": "1e3"}],
)
def test_a_ticker_table_that_no_exchange_could_serve_is_refused(closes: dict[str, str]) -> None:
    with pytest.raises(AccountsFileError, match="BASE/QUOTE at a price above 0"):
        Tickers(closes)
