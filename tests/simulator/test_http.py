"""The hand-written HTTP/1.1 layer: garbage, limits, keep-alive, pipelining."""

from __future__ import annotations

import socket

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, RunningSimulator
from tests.simulator.helpers import raw_exchange, signature, split_response

TS = "1608133910000"


def signed_get(path: str, api_path: str, extra: str = "") -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: x\r\n{extra}x-auth-key: {DEMO_API_KEY}\r\n"
        f"x-auth-timestamp: {TS}\r\n"
        f"x-auth-signature: {signature(DEMO_API_SECRET, TS, api_path)}\r\n\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("request_bytes", "status", "text"),
    [
        (b"GET /8/api/pro/v1/{account-category}/balance HTTP/1.1\r\nHost: x\r\n\r\n", 400,
         "Illegal request-target: Invalid input '{', expected segment, '/', '?' or 'EOI' "
         "(line 1, column 15)"),
        (b"GET /6/api/pro/v1/cash%zzbalance HTTP/1.1\r\n\r\n", 400, "expected HEXDIG"),
        (b"GET /a%2 HTTP/1.1\r\n\r\n", 400, "expected HEXDIG"),
        (b"GET api/pro/v1/info HTTP/1.1\r\n\r\n", 400, "Illegal request-target"),
        (b"GET /x?a=b{c HTTP/1.1\r\n\r\n", 400, "query-char"),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400, "Illegal request line"),
        (b"hello\r\n\r\n", 400, "Illegal request line"),
        (b"GET / HTTP/2.0\r\n\r\n", 505, "HTTP/2.0"),
        (b"get / HTTP/1.1\r\n\r\n", 400, "Unsupported HTTP method"),
        (b"GET / HTTP/1.1\r\nbad header line\r\n\r\n", 400, "malformed header"),
        (b"GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400, "line folding"),
        (b"POST / HTTP/1.1\r\nContent-Length: ten\r\n\r\n", 400, "Content-Length"),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501,
         "Transfer-Encoding"),
        (b"POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", 413, "exceeds"),
    ],
)
def test_garbage_gets_a_plain_text_error_and_the_connection_closes(
    seed_server: RunningSimulator, request_bytes: bytes, status: int, text: str
) -> None:
    got_status, headers, body = split_response(raw_exchange(seed_server.port, request_bytes))
    assert got_status == status
    assert headers["content-type"].startswith("text/plain")
    assert headers["connection"] == "close"
    assert text in body.decode()
    assert seed_server.stats().statuses[status] == 1


def test_uri_over_2048_characters_is_414(seed_server: RunningSimulator) -> None:
    path = "/6/api/pro/v1/cash/balance?asset=" + "A" * 2048
    status, _, body = split_response(raw_exchange(seed_server.port, signed_get(path, "balance")))
    assert status == 414
    assert body == b"URI length exceeds the configured limit of 2048 characters"
    exactly = "/6/api/pro/v1/cash/balance?asset=" + "A" * (2048 - 33)
    assert len(exactly) == 2048
    reply = raw_exchange(seed_server.port, signed_get(exactly, "balance", "Connection: close\r\n"))
    assert split_response(reply)[0] == 200


def test_request_line_beyond_the_stream_limit_is_414(seed_server: RunningSimulator) -> None:
    line = b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n"
    assert split_response(raw_exchange(seed_server.port, line))[0] == 414


def test_too_many_headers_is_431(seed_server: RunningSimulator) -> None:
    headers = b"".join(b"X-%d: y\r\n" % i for i in range(150))
    reply = raw_exchange(seed_server.port, b"GET / HTTP/1.1\r\n" + headers + b"\r\n")
    assert split_response(reply)[0] == 431


def test_pipelined_requests_are_answered_in_order(seed_server: RunningSimulator) -> None:
    batch = (
        signed_get("/api/pro/v1/info", "info")
        + b"\r\n"  # a stray empty line between requests is tolerated
        + signed_get("/6/api/pro/v1/margin/risk", "margin/risk")
        + signed_get("/6/api/pro/v1/cash/balance", "balance", "Connection: close\r\n")
    )
    raw = raw_exchange(seed_server.port, batch)
    assert raw.count(b"HTTP/1.1 200 OK") == 3
    assert raw.index(b'"accountGroup":6') < raw.index(b"accountMaxLeverage") < raw.index(
        b"availableBalance")
    assert raw.endswith(b"]\n}\n")  # the seed cash body, last


def test_http10_closes_unless_keep_alive(seed_server: RunningSimulator) -> None:
    raw = raw_exchange(seed_server.port, b"GET /api/pro/v1/exchange-info HTTP/1.0\r\n\r\n")
    status, headers, _ = split_response(raw)
    assert (status, headers["connection"]) == (200, "close")


def test_body_of_post_is_read_and_ignored(seed_server: RunningSimulator) -> None:
    body = b'{"ignored": true}'
    head = signed_get("/6/api/pro/v1/margin/risk", "margin/risk",
                      f"Connection: close\r\nContent-Length: {len(body)}\r\n"
                      "Expect: 100-continue\r\n").replace(b"GET ", b"POST ", 1)
    raw = raw_exchange(seed_server.port, head + body)
    assert raw.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")
    assert b"accountMaxLeverage" in raw


def test_half_sent_request_is_dropped_without_answer(seed_server: RunningSimulator) -> None:
    with socket.create_connection(("127.0.0.1", seed_server.port), timeout=5) as sock:
        sock.sendall(b"GET /api/pro/v1/info HTTP/1.1\r\nHost: x\r\n")
        sock.shutdown(socket.SHUT_WR)
        assert sock.recv(100) == b""


def test_absolute_form_target_is_accepted(seed_server: RunningSimulator) -> None:
    raw = raw_exchange(seed_server.port, signed_get(
        "http://127.0.0.1/6/api/pro/v1/cash/balance", "balance", "Connection: close\r\n"))
    assert split_response(raw)[0] == 200
