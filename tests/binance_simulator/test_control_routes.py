"""The ``/__simulator__/`` control routes of the Binance simulator, as AscendEX serves them.

Driven over HTTP only, through the plugin's simulator hook (what ``folio simulate binance``
starts), as a host's test suite drives a simulator it did not start.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.binance.simulator import BinanceSimulator, Fault
from plugins.binance import folio_simulators
from tests.binance_simulator.helpers import DOC_TIME, FrozenClock, call


def request(port: int, method: str, path: str, document: Any = None) -> tuple[int, Any]:
    """One control request; the JSON answer (or the text of a non-JSON one)."""
    body = None if document is None else json.dumps(document).encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body)
        response = connection.getresponse()
        raw = response.read()
        if response.getheader("Content-Type", "").startswith("application/json"):
            return response.status, json.loads(raw)
        return response.status, raw.decode()
    finally:
        connection.close()


@pytest.fixture
def port() -> Iterator[int]:
    """The simulator ``folio simulate binance`` serves: the plugin's hook."""
    (simulator,) = folio_simulators()
    with simulator.start("127.0.0.1", 0) as handle:
        yield int(handle.url.rsplit(":", 1)[1])


def test_faults_install_fire_list_and_clear(port: int) -> None:
    status, body = request(port, "POST", "/__simulator__/faults", {
        "kind": "http_status", "status": 429, "retry_after": 3, "route": "account", "times": 1})
    assert (status, body) == (200, {"code": 0, "data": {"ids": [1], "active": 1}})
    answer = call(port, "/api/v3/account")
    assert (answer.status, answer.json()["code"], answer.headers["retry-after"]) == (
        429, -1003, "3")
    _, body = request(port, "POST", "/__simulator__/faults", {"faults": [
        {"kind": "json_error", "code": -1021, "route": "margin/account"},
        {"kind": "connection_reset", "route": "time", "probability": 0}]})
    assert body["data"] == {"ids": [2, 3], "active": 2}  # the 429 was used up
    _, listing = request(port, "GET", "/__simulator__/faults")
    assert [(item["id"], item["kind"], item["fired"]) for item in listing["data"]] == [
        (2, "json_error", 0), (3, "connection_reset", 0)]
    assert call(port, "/sapi/v1/margin/account").json() == {
        "code": -1021, "msg": "An unknown error occurred while processing the request."}
    assert request(port, "DELETE", "/__simulator__/faults") == (
        200, {"code": 0, "data": {"removed": 2}})
    assert call(port, "/sapi/v1/margin/account").status == 400  # the signing example is stale


@pytest.mark.parametrize("document", [
    {"kind": "latency", "latency_ms": 5, "route": "cash/balance"},  # an AscendEX route
    [{"kind": "latency", "latency_ms": 5}, {"kind": "nope"}],
    {"kind": "http_status", "status": 429, "colour": "red"},
    "x",
])
def test_a_bad_fault_is_400_and_installs_nothing(port: int, document: object) -> None:
    status, body = request(port, "POST", "/__simulator__/faults", document)
    assert (status, body["code"], body["reason"]) == (400, 100004, "INVALID_REQUEST_DATA")
    assert request(port, "GET", "/__simulator__/faults")[1]["data"] == []


def test_stats_count_exchange_traffic_only(port: int) -> None:
    call(port, "/api/v3/time", timestamp=None, sign_with=None, key=None)
    call(port, "/nowhere", timestamp=None, sign_with=None, key=None)
    request(port, "GET", "/__simulator__/faults")
    _, body = request(port, "GET", "/__simulator__/stats")
    assert body["data"]["requests"] == [
        {"api_key": None, "route": "<unknown>", "count": 1},
        {"api_key": None, "route": "time", "count": 1},
    ]
    assert body["data"]["statuses"] == {"200": 1, "404": 1}
    assert request(port, "DELETE", "/__simulator__/stats")[1]["data"]["total"] == 0


def test_clock_offset_moves_the_server_time() -> None:
    with BinanceSimulator.seed(clock=FrozenClock()).serve(control=True) as running:
        status, body = request(running.port, "POST", "/__simulator__/clock",
                               {"offset_ms": 45_000})
        assert (status, body["data"]) == (200, {"now_ms": DOC_TIME + 45_000,
                                                "offset_ms": 45_000})
        time = call(running.port, "/api/v3/time", timestamp=None, sign_with=None, key=None)
        assert time.json() == {"serverTime": DOC_TIME + 45_000}
        assert request(running.port, "POST", "/__simulator__/clock", {"offset_ms": "x"})[0] == 400


def test_other_methods_are_405_and_faults_never_touch_control(port: int) -> None:
    status, _ = request(port, "PUT", "/__simulator__/stats")
    assert status == 405
    request(port, "POST", "/__simulator__/faults", {"kind": "http_status", "status": 502})
    assert request(port, "GET", "/__simulator__/stats")[0] == 200
    assert call(port, "/api/v3/time", timestamp=None, sign_with=None, key=None).status == 502


def test_control_routes_are_unknown_paths_unless_turned_on() -> None:
    with BinanceSimulator.seed().serve() as running:
        answer = call(running.port, "/__simulator__/stats", timestamp=None, sign_with=None,
                      key=None)
        assert answer.status == 404
        running.faults.add(Fault.http_status(500))  # the Python API works either way
        assert running.stats().total == 1
