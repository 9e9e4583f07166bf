"""Fault injection: every kind, scoping, counts and seeded probability."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable

import pytest

from adapters.ascendex.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    Fault,
    FaultError,
    FaultKind,
    RunningSimulator,
)
from tests.simulator.helpers import Client, raw_exchange, signature

CASH = "/6/api/pro/v1/cash/balance"
RISK = "/6/api/pro/v1/margin/risk"


def cash(client: Client) -> int:
    return client.get(CASH, "balance").status


def test_rate_limit_is_cloudflare_html_with_optional_retry_after(
    seed_server: RunningSimulator, client: Client
) -> None:
    seed_server.faults.add(Fault.rate_limited(retry_after=7, times=1))
    reply = client.get(CASH, "balance")
    assert reply.status == 429
    assert reply.headers["content-type"].startswith("text/html")
    assert reply.headers["retry-after"] == "7"
    assert reply.headers["server"] == "cloudflare"
    assert reply.headers["cf-ray"].endswith("-SIN")
    assert b"ascendex.com used Cloudflare to restrict access" in reply.body
    assert b"1015" in reply.body
    # times=1: the next request goes through, and without Retry-After when not configured
    assert cash(client) == 200
    seed_server.faults.add(Fault.rate_limited(times=1))
    reply = client.get(CASH, "balance")
    assert reply.status == 429
    assert "retry-after" not in reply.headers


@pytest.mark.parametrize(("status", "marker"), [(502, b"Bad gateway"),
                                                (521, b"Web server is down"),
                                                (524, b"A timeout occurred")])
def test_origin_errors_are_html(
    seed_server: RunningSimulator, client: Client, status: int, marker: bytes
) -> None:
    seed_server.faults.add(Fault.http_status(status, times=1))
    reply = client.get(CASH, "balance")
    assert reply.status == status
    assert reply.headers["content-type"].startswith("text/html")
    assert marker in reply.body
    assert not reply.body.startswith(b"{")


def test_http_status_with_custom_body(seed_server: RunningSimulator, client: Client) -> None:
    seed_server.faults.add(Fault.http_status(503, body="<html>maintenance</html>"))
    reply = client.get("/api/pro/v1/info", "info")
    assert (reply.status, reply.body) == (503, b"<html>maintenance</html>")


def test_uri_limit_fault_answers_414_and_closes(
    seed_server: RunningSimulator, client: Client
) -> None:
    seed_server.faults.add(Fault.uri_limit(40))
    assert cash(client) == 200  # 26 characters: under the limit
    reply = client.get(CASH + "?showAll=true&asset=BTC", "balance")
    assert reply.status == 414
    assert reply.body == b"URI length exceeds the configured limit of 40 characters"
    assert reply.headers["connection"] == "close"


def test_method_not_allowed_rejects_post_risk_only(
    seed_server: RunningSimulator, client: Client
) -> None:
    seed_server.faults.add(Fault.method_not_allowed("post", route="margin/risk"))
    reply = client.post(RISK, "margin/risk")
    assert reply.status == 405
    assert reply.headers["allow"] == "GET"
    assert reply.body == b"HTTP method not allowed, supported methods: GET"
    assert client.get(RISK, "margin/risk").status == 200
    assert client.post("/6/api/pro/margin/risk", "margin/risk").status == 405


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (
            Fault.json_error(6010, "Not enough balance."),
            b'{"code":6010,"message":"Not enough balance."}',
        ),
        (Fault.json_error(2100, "ApiKeyFailure"), b'{"code":2100,"message":"ApiKeyFailure"}'),
        (Fault.json_error(300011, "Not Enough Account Balance", "INVALID_BALANCE"),
         b'{"code":300011,"message":"Not Enough Account Balance","reason":"INVALID_BALANCE"}'),
        (Fault.json_error(510001), b'{"code":510001}'),
    ],
)
def test_json_error_with_arbitrary_code(
    seed_server: RunningSimulator, client: Client, fault: Fault, expected: bytes
) -> None:
    seed_server.faults.add(fault)
    reply = client.get(CASH, "balance")
    assert (reply.status, reply.body) == (200, expected)
    assert reply.headers["content-type"] == "application/json"
    assert reply.headers["instance"] == "6-_-1"


def test_json_error_with_http_status(seed_server: RunningSimulator, client: Client) -> None:
    seed_server.faults.add(Fault.json_error(100101, "boom", "UNKNOWN_ERROR", status=500))
    reply = client.get(CASH, "balance")
    assert reply.status == 500
    assert reply.json()["code"] == 100101


def test_malformed_body_is_half_the_real_one(
    seed_server: RunningSimulator, client: Client
) -> None:
    seed_server.faults.add(Fault.malformed_body(times=1))
    reply = client.get("/6/api/pro/v1/margin/risk", "margin/risk")
    assert reply.status == 200
    full = client.get("/6/api/pro/v1/margin/risk", "margin/risk").body
    assert reply.body == full[: len(full) // 2]
    assert reply.headers["content-length"] == str(len(full) // 2)


def test_malformed_body_with_given_text(seed_server: RunningSimulator, client: Client) -> None:
    seed_server.faults.add(Fault.malformed_body('{"code":0,"data":[{"asset":'))
    assert client.get(CASH, "balance").body == b'{"code":0,"data":[{"asset":'


def test_truncated_body_declares_full_length_then_closes(
    seed_server: RunningSimulator, client: Client
) -> None:
    seed_server.faults.add(Fault.truncated_body(times=1))
    with pytest.raises(http.client.IncompleteRead) as caught:
        client.get(CASH, "balance")
    assert caught.value.expected == 242  # the other half of the 483-byte seed body
    client.close()  # the server closed its side; a new connection works again
    assert cash(client) == 200


def test_connection_reset_sends_no_response(
    seed_server: RunningSimulator, client: Client
) -> None:
    seed_server.faults.add(Fault.connection_reset(times=1))
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        client.get(CASH, "balance")
    client.close()
    assert cash(client) == 200
    stats = seed_server.stats()
    assert stats.resets == 1
    assert stats.count(route="cash/balance") == 2


def test_clock_offset_fault_moves_the_server_clock(
    seed_server: RunningSimulator, client: Client
) -> None:
    seed_server.faults.add(Fault.clock_offset(31_000, route="cash/balance"))
    assert client.get(CASH, "balance").json()["code"] == 100011
    assert client.get(RISK, "margin/risk").json()["code"] == 0  # other routes unaffected
    seed_server.faults.add(Fault.clock_offset(-2_000, route="cash/balance"))
    assert client.get(CASH, "balance").json()["code"] == 0  # offsets add up: 29 s


def test_faults_scoped_by_key_route_and_method(
    seed_server: RunningSimulator, client: Client
) -> None:
    seed_server.faults.add(Fault.http_status(502, api_key="someone-else"))
    seed_server.faults.add(Fault.http_status(521, route="margin/balance"))
    seed_server.faults.add(Fault.http_status(524, route="margin/risk", method="POST"))
    assert cash(client) == 200
    assert client.get("/6/api/pro/v1/margin/balance", "balance").status == 521
    assert client.get(RISK, "margin/risk").status == 200
    assert client.post(RISK, "margin/risk").status == 524
    other = Client(seed_server.port, key="someone-else")
    try:
        assert other.get("/nowhere", "info").status == 502  # unknown paths are behind the edge too
    finally:
        other.close()


def test_first_terminal_fault_wins_and_times_is_consumed_only_when_firing(
    seed_server: RunningSimulator, client: Client
) -> None:
    first = seed_server.faults.add(Fault.http_status(502, times=2, route="cash/balance"))
    seed_server.faults.add(Fault.http_status(521, times=1))
    assert client.get("/api/pro/v1/info", "info").status == 521  # 502 did not match
    assert [cash(client) for _ in range(3)] == [502, 502, 200]
    assert seed_server.faults.active() == []
    assert seed_server.faults.remove(first) is False


def test_probability_is_deterministic_per_seed(
    seed_server: RunningSimulator, client: Client
) -> None:
    def run() -> list[int]:
        seed_server.faults.clear()
        seed_server.faults.add(Fault.http_status(502, probability=0.5, seed=42))
        return [cash(client) for _ in range(40)]

    first, second = run(), run()
    assert first == second
    assert 5 < first.count(502) < 35


def test_zero_probability_never_fires(seed_server: RunningSimulator, client: Client) -> None:
    seed_server.faults.add(Fault.connection_reset(probability=0.0))
    assert [cash(client) for _ in range(5)] == [200] * 5


def test_latency_delays_only_matching_requests_without_blocking_others(
    seed_server: RunningSimulator,
) -> None:
    seed_server.faults.add(Fault.latency(60_000, route="info"))  # held far past this test
    ts = "1608133910000"
    slow_request = (
        f"GET /api/pro/v1/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        f"x-auth-key: {DEMO_API_KEY}\r\nx-auth-timestamp: {ts}\r\n"
        f"x-auth-signature: {signature(DEMO_API_SECRET, ts, 'info')}\r\n\r\n"
    ).encode()
    result: list[bytes] = []
    slow = threading.Thread(target=lambda: result.append(raw_exchange(seed_server.port,
                                                                      slow_request)))
    slow.start()
    deadline = time.monotonic() + 30
    while seed_server.stats().in_flight < 1:  # the server is holding the slow request
        assert time.monotonic() < deadline
        time.sleep(0.001)
    fast = Client(seed_server.port)
    try:
        for _ in range(5):  # served while the slow one is still held
            assert cash(fast) == 200
    finally:
        fast.close()
    stats = seed_server.stats()
    assert stats.in_flight == 1  # no wall clock: the slow answer is provably still pending
    assert stats.count(route="cash/balance") == 5
    assert slow.is_alive()
    seed_server.stop()  # ends the held request without an answer
    slow.join()
    assert result == [b""]


def test_latencies_add_up(seed_server: RunningSimulator, client: Client) -> None:
    seed_server.faults.add(Fault.latency(60))
    seed_server.faults.add(Fault.latency(60, route="cash/balance"))
    started = time.monotonic()
    assert cash(client) == 200
    assert time.monotonic() - started >= 0.12


def test_faults_can_be_cleared_from_another_thread_while_serving(
    seed_server: RunningSimulator, client: Client
) -> None:
    seed_server.faults.add(Fault.http_status(502))
    assert cash(client) == 502
    assert seed_server.faults.clear() == 1
    assert cash(client) == 200


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Fault(FaultKind.LATENCY), "latency_ms"),
        (lambda: Fault.http_status(200), "400..599"),
        (lambda: Fault.uri_limit(0), "limit"),
        (lambda: Fault(FaultKind.METHOD_NOT_ALLOWED), "method"),
        (lambda: Fault(FaultKind.JSON_ERROR), "code"),
        (lambda: Fault.latency(5, route="cash"), "unknown route"),
        (lambda: Fault.latency(5, times=0), "times"),
        (lambda: Fault.latency(5, probability=1.5), "probability"),
        (lambda: Fault("explode"), "unknown fault kind"),  # type: ignore[arg-type]
        (lambda: Fault.rate_limited(retry_after=-1), "retry_after"),
    ],
)
def test_invalid_faults_are_refused(build: Callable[[], Fault], message: str) -> None:
    with pytest.raises(FaultError, match=message):
        build()


def test_fault_json_round_trip() -> None:
    fault = Fault.http_status(429, retry_after=3, route="cash/balance", times=2,
                              probability=0.25, seed=9)
    document = fault.to_json()
    assert document == {"kind": "http_status", "route": "cash/balance", "times": 2,
                        "probability": 0.25, "seed": 9, "status": 429, "retry_after": 3}
    assert Fault.from_json(document) == fault


@pytest.mark.parametrize(
    "document",
    [{"status": 429}, {"kind": "latency", "latency_ms": "50"}, {"kind": "latency", "x": 1},
     {"kind": "latency", "latency_ms": True}, ["kind"], {"kind": 3}],
)
def test_fault_json_is_validated(document: object) -> None:
    with pytest.raises(FaultError):
        Fault.from_json(document)


def test_reset_leaves_no_half_open_socket(seed_server: RunningSimulator) -> None:
    seed_server.faults.add(Fault.connection_reset())
    with socket.create_connection(("127.0.0.1", seed_server.port), timeout=5) as sock:
        sock.sendall(b"GET /api/pro/v1/info HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            data = sock.recv(100)
        except ConnectionResetError:
            data = b""
    assert data == b""
