"""The public market catalog that general-purpose clients (CCXT) read before any private call."""

from __future__ import annotations

import pytest

from adapters.ascendex.simulator import (
    AscendexSimulator,
    CashRow,
    Fault,
    MarginRow,
    RunningSimulator,
    SimAccount,
)
from adapters.ascendex.simulator.catalog import catalog_assets
from tests.simulator.helpers import Client

CATALOG_PATHS = [
    ("/api/pro/v2/assets", "assets"),
    ("/api/pro/v1/products", "products"),
    ("/api/pro/v1/cash/products", "cash/products"),
    ("/api/pro/v2/futures/contract", "futures/contract"),
]


def two_accounts() -> list[SimAccount]:
    return [
        SimAccount("key-a", "secret-a", 1,
                   cash=[CashRow("BTC", "1", "1"), CashRow("XRP", "2", "2")]),
        SimAccount("key-b", "secret-b", 2, margin=[MarginRow("ETH", "0", "0")]),
    ]


def test_assets_are_every_listed_asset_plus_the_quote() -> None:
    assert catalog_assets(two_accounts()) == ["BTC", "ETH", "USDT", "XRP"]


@pytest.mark.parametrize(("path", "route"), CATALOG_PATHS)
def test_catalog_routes_are_public_and_counted(
    seed_server: RunningSimulator, client: Client, path: str, route: str
) -> None:
    reply = client.get(path)  # no signature headers at all
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.body.startswith(b'{"code":0,"data":[')
    assert "instance" not in reply.headers  # not a group route
    assert seed_server.stats().count(route=route) == 1


def test_catalog_shapes_follow_the_exchange_samples() -> None:
    with AscendexSimulator(two_accounts()).serve() as running:
        client = Client(running.port)
        try:
            assets = client.get("/api/pro/v2/assets").json()["data"]
            products = client.get("/api/pro/v1/products").json()["data"]
            cash = client.get("/api/pro/v1/cash/products").json()["data"]
            contracts = client.get("/api/pro/v2/futures/contract").json()["data"]
        finally:
            client.close()
    assert [a["assetCode"] for a in assets] == ["BTC", "ETH", "USDT", "XRP"]
    assert list(assets[0]) == ["assetCode", "assetName", "precisionScale", "nativeScale",
                               "blockChain"]
    assert isinstance(assets[0]["nativeScale"], int)
    assert [p["symbol"] for p in products] == ["BTC/USDT", "ETH/USDT", "XRP/USDT"]
    assert products[0]["baseAsset"] == "BTC"
    assert products[0]["quoteAsset"] == "USDT"
    assert products[0]["status"] == "Normal"
    assert products[0]["marginTradable"] is True
    assert isinstance(products[0]["tickSize"], str)  # decimals are strings, as everywhere
    assert [p["symbol"] for p in cash] == ["BTC/USDT", "ETH/USDT", "XRP/USDT"]
    assert cash[0]["statusCode"] == "Normal"
    assert isinstance(cash[0]["tradingStartTime"], int)
    assert contracts == []  # the simulator has no futures


def test_faults_can_target_catalog_routes(seed_server: RunningSimulator, client: Client) -> None:
    seed_server.faults.add(Fault.http_status(503, route="products", times=1))
    assert client.get("/api/pro/v1/products").status == 503
    assert client.get("/api/pro/v2/assets").status == 200
    assert client.get("/api/pro/v1/products").status == 200


def test_catalog_routes_answer_other_methods_with_405(client: Client) -> None:
    reply = client.post("/api/pro/v2/assets")
    assert reply.status == 405
    assert reply.headers["allow"] == "GET"
