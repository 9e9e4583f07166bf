"""Routing, groups, headers and the server-time endpoint."""

from __future__ import annotations

from collections.abc import Callable
from email.utils import parsedate_to_datetime

import pytest

from adapters.ascendex.simulator import (
    DEMO_API_KEY,
    AscendexSimulator,
    CashRow,
    RunningSimulator,
    SimAccount,
    SimulatorOptions,
)
from tests.simulator.helpers import VECTOR_TIME, Client, FixedClock

INFO_FIELDS = [
    "accountGroup", "email", "expireTime", "allowedIps", "cashAccount", "marginAccount",
    "futuresAccount", "userUID", "tradePermission", "transferPermission", "viewPermission",
]


@pytest.mark.parametrize(
    ("path", "api_path"),
    [("/api/pro/v1/info", "info"), ("/api/pro/info", "info"),
     ("/api/pro/v2/account/info", "v2/account/info")],
)
def test_account_info_on_every_path(client: Client, path: str, api_path: str) -> None:
    reply = client.get(path, api_path)
    assert reply.status == 200
    body = reply.json()
    assert body["code"] == 0
    data = body["data"]
    assert list(data) == INFO_FIELDS
    assert data["accountGroup"] == 6
    assert isinstance(data["accountGroup"], int)
    assert data["expireTime"] == -1
    assert data["userUID"] == "U0866943712"
    assert data["cashAccount"][0].startswith("csh")
    assert len(data["cashAccount"][0]) == 32
    assert data["marginAccount"][0].startswith("mar")
    assert data["futuresAccount"][0].startswith("fut")
    assert (data["viewPermission"], data["tradePermission"], data["transferPermission"]) == (
        True, False, False)
    assert "instance" not in reply.headers  # not a group route
    # compact JSON, numeric code
    assert reply.body.startswith(b'{"code":0,"data":{"accountGroup":6,')


@pytest.mark.parametrize(
    ("method", "path", "api_path"),
    [
        ("GET", "/6/api/pro/v1/cash/balance", "balance"),
        ("GET", "/6/api/pro/cash/balance", "balance"),
        ("GET", "/6/api/pro/v1/margin/balance", "balance"),
        ("GET", "/6/api/pro/margin/balance", "balance"),
        ("GET", "/6/api/pro/v1/margin/risk", "margin/risk"),
        ("POST", "/6/api/pro/v1/margin/risk", "margin/risk"),
        ("POST", "/6/api/pro/margin/risk", "margin/risk"),
        ("GET", "/6/api/pro/margin/risk", "margin/risk"),
    ],
)
def test_group_routes_in_both_path_styles(
    client: Client, method: str, path: str, api_path: str
) -> None:
    reply = client.request(method, path, api_path)
    assert reply.status == 200
    assert reply.json()["code"] == 0
    assert reply.headers["content-type"] == "application/json"
    assert reply.headers["instance"] == "6-_-1"


@pytest.mark.parametrize("group", ["5", "0", "7", "60", "06x"])
def test_wrong_group_is_account_error(client: Client, group: str) -> None:
    reply = client.get(f"/{group}/api/pro/v1/cash/balance", "balance")
    if group == "06x":  # not a decimal segment: not a route at all
        assert reply.status == 404
        return
    assert reply.status == 200
    assert reply.body == (b'{"code":200006,"message":"Unable to find User Account Data",'
                          b'"reason":"ACCOUNT_ERROR"}')
    assert reply.headers["instance"] == f"{group}-_-1"


def test_group_zero_is_a_valid_group(
    clock: FixedClock, client_for: Callable[..., Client]
) -> None:
    zero = SimAccount(api_key="zero", api_secret="zs", account_group=0,
                      cash=[CashRow("USDT", "1", "1")])
    simulator = AscendexSimulator([AscendexSimulator.seed().accounts[0], zero], clock)
    with simulator.serve() as running:
        client = client_for(running.port, key="zero", secret="zs")
        assert client.get("/api/pro/v1/info", "info").json()["data"]["accountGroup"] == 0
        reply = client.get("/0/api/pro/v1/cash/balance", "balance")
        assert reply.json() == {"code": 0, "data": [
            {"asset": "USDT", "totalBalance": "1", "availableBalance": "1"}]}
        assert reply.headers["instance"] == "0-_-1"
        # the seed key on group 0 is the wrong group; the zero key on 6 likewise
        seed = client_for(running.port)
        assert seed.get("/0/api/pro/v1/cash/balance", "balance").json()["code"] == 200006
        assert client.get("/6/api/pro/v1/cash/balance", "balance").json()["code"] == 200006


@pytest.mark.parametrize(
    "path",
    ["/8/api/pro/v1/cashbalance", "/api/pro/v1/cash/balance", "/6/api/pro/v1/futures/position",
     "/", "/6", "/6/", "/__simulator__/nope", "/6/api/pro/v1/cash/balance/"],
)
def test_unknown_path_is_404_json_echoing_the_path(client: Client, path: str) -> None:
    reply = client.get(path + "?showAll=true", "balance")
    assert reply.status == 404
    assert reply.headers["content-type"] == "application/json"
    assert reply.json() == {"code": 404, "message": "URL requested was not found",
                            "reason": path}


def test_control_routes_are_unknown_when_control_is_off(
    clock: FixedClock, client_for: Callable[..., Client]
) -> None:
    with AscendexSimulator.seed(clock=clock).serve() as running:
        reply = client_for(running.port).get("/__simulator__/stats")
        assert reply.status == 404
        assert reply.json()["reason"] == "/__simulator__/stats"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("POST", "/6/api/pro/v1/cash/balance", "GET"),
     ("DELETE", "/6/api/pro/v1/margin/risk", "GET, POST"),
     ("PUT", "/api/pro/v1/info", "GET")],
)
def test_known_path_with_other_method_is_405_plain_text(
    client: Client, method: str, path: str, allowed: str
) -> None:
    reply = client.request(method, path, "balance")
    assert reply.status == 405
    assert reply.headers["content-type"].startswith("text/plain")
    assert reply.headers["allow"] == allowed
    assert reply.body.decode() == f"HTTP method not allowed, supported methods: {allowed}"


def test_date_header_follows_the_simulator_clock_and_offset(
    seed_server: RunningSimulator, client: Client
) -> None:
    reply = client.get("/api/pro/v1/exchange-info?requestTime=1")
    assert parsedate_to_datetime(reply.headers["date"]).timestamp() == VECTOR_TIME // 1000
    seed_server.set_clock_offset_ms(-90_000)
    reply = client.get("/api/pro/v1/exchange-info?requestTime=1")
    expected = (VECTOR_TIME - 90_000) // 1000
    assert parsedate_to_datetime(reply.headers["date"]).timestamp() == expected


def test_server_time_endpoint(seed_server: RunningSimulator, client: Client) -> None:
    reply = client.get(f"/api/pro/v1/exchange-info?requestTime={VECTOR_TIME - 25}")
    assert reply.status == 200
    assert reply.body == (
        b'{"code":0,"data":{"requestTimeEcho":1608133909975,'
        b'"requestReceiveAt":1608133910000,"latency":25}}'
    )
    seed_server.set_clock_offset_ms(5_000)
    data = client.get(f"/api/pro/v1/exchange-info?requestTime={VECTOR_TIME}").json()["data"]
    assert data == {"requestTimeEcho": VECTOR_TIME, "requestReceiveAt": VECTOR_TIME + 5_000,
                    "latency": 5_000}


def test_server_time_is_public_and_tolerates_a_missing_request_time(client: Client) -> None:
    data = client.get("/api/pro/v1/exchange-info").json()["data"]
    assert data == {"requestTimeEcho": None, "requestReceiveAt": VECTOR_TIME, "latency": None}
    body = client.get("/api/pro/v1/exchange-info?requestTime=soon").json()
    assert (body["code"], body["reason"]) == (100004, "INVALID_REQUEST_DATA")


def test_keep_alive_connection_serves_many_requests(
    seed_server: RunningSimulator, client: Client
) -> None:
    for _ in range(20):
        reply = client.get("/6/api/pro/v1/cash/balance", "balance")
        assert reply.headers["connection"] == "keep-alive"
    stats = seed_server.stats()
    assert stats.connections == 1
    assert stats.count(route="cash/balance", api_key=DEMO_API_KEY) == 20


def test_instance_number_is_configurable(
    clock: FixedClock, client_for: Callable[..., Client]
) -> None:
    simulator = AscendexSimulator.seed(clock=clock, options=SimulatorOptions(instance_number=3))
    with simulator.serve() as running:
        reply = client_for(running.port).get("/6/api/pro/v1/margin/risk", "margin/risk")
        assert reply.headers["instance"] == "6-_-3"
