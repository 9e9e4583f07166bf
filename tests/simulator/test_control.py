"""The HTTP control routes for an out-of-process simulator, and the stats they report."""

from __future__ import annotations

import json

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY, Fault, RunningSimulator
from tests.simulator.helpers import VECTOR_TIME, Client

CASH = "/6/api/pro/v1/cash/balance"


def post_json(client: Client, path: str, document: object) -> tuple[int, dict[str, object]]:
    reply = client.post(path, body=json.dumps(document).encode(),
                        headers={"Content-Type": "application/json"})
    return reply.status, reply.json()


def test_install_list_and_clear_faults_over_http(
    seed_server: RunningSimulator, client: Client
) -> None:
    status, body = post_json(client, "/__simulator__/faults", {
        "kind": "http_status", "status": 429, "retry_after": 1, "route": "cash/balance",
        "times": 2})
    assert (status, body) == (200, {"code": 0, "data": {"ids": [1], "active": 1}})
    status, body = post_json(client, "/__simulator__/faults", {"faults": [
        {"kind": "latency", "latency_ms": 1}, {"kind": "json_error", "code": 6010,
                                              "route": "margin/risk"}]})
    assert body["data"] == {"ids": [2, 3], "active": 3}

    assert client.get(CASH, "balance").status == 429
    listing = client.get("/__simulator__/faults").json()["data"]
    assert listing[0] == {"id": 1, "remaining": 1, "fired": 1, "kind": "http_status",
                          "route": "cash/balance", "times": 2, "status": 429,
                          "retry_after": 1}
    assert [item["kind"] for item in listing] == ["http_status", "latency", "json_error"]

    reply = client.request("DELETE", "/__simulator__/faults")
    assert reply.json() == {"code": 0, "data": {"removed": 3}}
    assert client.get(CASH, "balance").status == 200
    assert seed_server.faults.active() == []


def test_a_bare_list_of_faults_is_accepted(client: Client) -> None:
    status, body = post_json(client, "/__simulator__/faults",
                             [{"kind": "connection_reset", "probability": 0}])
    assert status == 200
    assert body["data"] == {"ids": [1], "active": 1}


@pytest.mark.parametrize(
    "document",
    [{"kind": "nope"}, {"kind": "latency"}, [{"kind": "latency", "latency_ms": 5}, {}], "x",
     {"kind": "http_status", "status": 429, "colour": "red"}],
)
def test_invalid_fault_documents_are_400_and_install_nothing(
    seed_server: RunningSimulator, client: Client, document: object
) -> None:
    status, body = post_json(client, "/__simulator__/faults", document)
    assert status == 400
    assert (body["code"], body["reason"]) == (100004, "INVALID_REQUEST_DATA")
    assert seed_server.faults.active() == []


def test_non_json_body_is_400(client: Client) -> None:
    reply = client.post("/__simulator__/faults", body=b"{not json")
    assert reply.status == 400
    assert "JSON" in reply.json()["message"]


def test_stats_over_http(seed_server: RunningSimulator, client: Client) -> None:
    client.get(CASH, "balance")
    client.get(CASH, "balance")
    client.get("/nowhere")
    client.get("/__simulator__/faults")  # control traffic is not counted
    stats = client.get("/__simulator__/stats").json()["data"]
    assert stats["requests"] == [
        {"api_key": None, "route": "<unknown>", "count": 1},
        {"api_key": DEMO_API_KEY, "route": "cash/balance", "count": 2},
    ]
    assert stats["statuses"] == {"200": 2, "404": 1}
    assert stats["total"] == 3
    assert stats["connections"] == 1
    assert stats["open_connections"] == 1
    assert client.request("DELETE", "/__simulator__/stats").json()["data"]["total"] == 0
    assert seed_server.stats().total == 0


def test_clock_over_http(seed_server: RunningSimulator, client: Client) -> None:
    assert client.get("/__simulator__/clock").json()["data"] == {
        "now_ms": VECTOR_TIME, "offset_ms": 0}
    status, body = post_json(client, "/__simulator__/clock", {"offset_ms": 45_000})
    assert (status, body["data"]) == (200, {"now_ms": VECTOR_TIME + 45_000, "offset_ms": 45_000})
    assert seed_server.now_ms() == VECTOR_TIME + 45_000
    assert client.get(CASH, "balance").json()["code"] == 100011
    status, _ = post_json(client, "/__simulator__/clock", {"offset_ms": "soon"})
    assert status == 400


def test_control_routes_reject_other_methods(client: Client) -> None:
    reply = client.request("PUT", "/__simulator__/faults")
    assert reply.status == 405
    assert reply.headers["allow"] == "GET, POST, DELETE"


def test_control_routes_ignore_faults(seed_server: RunningSimulator, client: Client) -> None:
    seed_server.faults.add(Fault.http_status(502))
    assert client.get("/__simulator__/stats").status == 200
    assert client.request("DELETE", "/__simulator__/faults").status == 200
