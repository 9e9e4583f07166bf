"""Fault injection on the Binance simulator: what each kind answers, and how faults are scoped."""

from __future__ import annotations

import socket

import pytest

from adapters.binance.simulator import (
    DEMO_API_KEY,
    Fault,
    FaultError,
    RunningBinanceSimulator,
    seed_bytes,
)
from tests.binance_simulator.helpers import DOC_TIME, call

ACCOUNT = "/api/v3/account"
TIME_REQUEST = b"GET /api/v3/time HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.mark.parametrize(
    ("fault", "status", "body", "retry_after"),
    [
        (Fault.rate_limited(retry_after=7), 429,
         {"code": -1003, "msg": "Too much request weight used; current limit is 6000 request "
                                "weight per 1 MINUTE. Please use WebSocket Streams for live "
                                "updates to avoid polling the API."}, "7"),
        (Fault.http_status(500), 500,
         {"code": -1001, "msg": "Internal error; unable to process your request. Please try "
                                "again."}, None),
        (Fault.http_status(400), 400,
         {"code": -1000, "msg": "An unknown error occurred while processing the request."},
         None),
        (Fault.json_error(-1021, "Timestamp for this request is outside of the recvWindow."),
         400, {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."},
         None),
        (Fault.json_error(-2015, "Invalid API-key, IP, or permissions for action.", status=401),
         401, {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}, None),
    ],
    ids=["429", "500", "400", "json-error-default-400", "json-error-401"],
)
def test_json_answers(
    seed_server: RunningBinanceSimulator,
    fault: Fault,
    status: int,
    body: dict[str, object],
    retry_after: str | None,
) -> None:
    seed_server.faults.add(fault)
    answer = call(seed_server.port, ACCOUNT)
    assert (answer.status, answer.json()) == (status, body)
    assert answer.headers.get("retry-after") == retry_after


def test_418_is_the_ban_answer_with_its_end(seed_server: RunningBinanceSimulator) -> None:
    seed_server.faults.add(Fault.banned(retry_after=120, route="margin/account"))
    answer = call(seed_server.port, "/sapi/v1/margin/account")
    assert answer.status == 418
    assert answer.headers["retry-after"] == "120"
    until = DOC_TIME + 120_000
    assert answer.json() == {
        "code": -1003,
        "msg": f"Way too much request weight used; IP banned until {until}. Please use "
               "WebSocket Streams for live updates to avoid bans.",
    }


@pytest.mark.parametrize("status", [403, 502, 504])
def test_cdn_and_firewall_answers_are_html(
    seed_server: RunningBinanceSimulator, status: int
) -> None:
    seed_server.faults.add(Fault.http_status(status))
    answer = call(seed_server.port, ACCOUNT)
    assert answer.status == status
    assert answer.headers["content-type"].startswith("text/html")
    assert f"<title>{status} ".encode() in answer.body


def test_a_configured_body_replaces_the_answer(seed_server: RunningBinanceSimulator) -> None:
    seed_server.faults.add(Fault.http_status(503, body="down for maintenance"))
    answer = call(seed_server.port, ACCOUNT)
    assert (answer.status, answer.body) == (503, b"down for maintenance")


def test_malformed_bodies(seed_server: RunningBinanceSimulator) -> None:
    seed_server.faults.add(Fault.malformed_body(times=1))
    seed_server.faults.add(Fault.malformed_body('{"balances": "none"}', times=1))
    halved = call(seed_server.port, ACCOUNT)
    assert halved.status == 200
    assert halved.body == seed_bytes("account")[: len(seed_bytes("account")) // 2]
    assert call(seed_server.port, ACCOUNT).body == b'{"balances": "none"}'
    assert call(seed_server.port, ACCOUNT).body == seed_bytes("account")  # both used up


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_truncated_body_promises_more_than_it_sends(
    seed_server: RunningBinanceSimulator,
) -> None:
    seed_server.faults.add(Fault.truncated_body(route="time"))
    head, _, body = _raw(seed_server.port, TIME_REQUEST).partition(b"\r\n\r\n")
    declared = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    assert 0 < len(body) < declared


def test_a_reset_answers_nothing(seed_server: RunningBinanceSimulator) -> None:
    seed_server.faults.add(Fault.connection_reset(route="time"))
    with pytest.raises(ConnectionResetError):
        _raw(seed_server.port, TIME_REQUEST)
    assert seed_server.stats().resets == 1


def test_a_clock_offset_fault_shifts_one_route(seed_server: RunningBinanceSimulator) -> None:
    seed_server.faults.add(Fault.clock_offset(-30_000, route="account"))
    assert call(seed_server.port, ACCOUNT).json()["code"] == -1021  # 30 s "in the future"
    assert call(seed_server.port, "/sapi/v1/margin/account").status == 200


def test_faults_are_scoped_by_route_key_and_count(seed_server: RunningBinanceSimulator) -> None:
    seed_server.faults.add(Fault.http_status(500, api_key="X" * 64, times=1))
    seed_server.faults.add(Fault.http_status(503, route="margin/account", times=2))
    assert call(seed_server.port, ACCOUNT).status == 200  # another key
    assert [call(seed_server.port, "/sapi/v1/margin/account").status for _ in range(3)] == [
        503, 503, 200
    ]
    (left,) = seed_server.faults.active()
    assert (left.fault.status, left.fired) == (500, 0)
    stats = seed_server.stats()
    assert stats.count(route="margin/account", api_key=DEMO_API_KEY) == 3
    assert stats.statuses == {200: 2, 503: 2}


def test_fault_routes_are_binances(seed_server: RunningBinanceSimulator) -> None:
    with pytest.raises(FaultError, match=r"one of \['account', 'capital/config/getall', "
                       r"'exchange-info', 'futures/account', 'futures/accountConfig', "
                       r"'futures/assetIndex', 'futures/exchangeInfo', 'futures/ticker/24hr', "
                       r"'futures/ticker/price', "
                       r"'futures/time', 'margin/account', 'margin/allPairs', "
                       r"'ticker/price', 'time'\]"):
        Fault.rate_limited(route="cash/balance")
    fault = Fault.from_json({"kind": "http_status", "status": 418, "route": "time"})
    assert isinstance(fault, Fault)
    assert fault.to_json() == {"kind": "http_status", "status": 418, "route": "time"}
