"""folio's transport under httpx (framework/transport.py), on real loopback sockets.

What its module docstring promises, each pinned: the query goes out byte for byte as httpx
encoded (and the signer signed) it; the timeout extension's ``total`` bounds a whole exchange,
even one whose server drips its headers; aiohttp's failures arrive as httpx's own exception
types, naming only the original type; a body read to its end gives the connection back to the
pool, an abandoned one does not; a client is bound to the loop it was first used on. The
servers are small scripts (tests/reliability/hostile_server.py); nothing here sleeps.
"""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from adapters.kit.sender import Sender
from framework.errors import InvalidResponseError, RequestTimeoutError, TransportError
from framework.http import http_client, tls_context
from framework.retry import NO_RETRIES, RetryPolicy
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings
from framework.transport import AiohttpTransport
from tests.adapters.sending import call
from tests.reliability.hostile_server import Exchange, HostileServer, Script, answer


def _status(response: httpx.Response) -> int:
    return response.status_code


async def ok(exchange: Exchange) -> None:
    exchange.writer.write(answer(204, b""))


# -- the bytes sent are the bytes signed --------------------------------------------------------


@pytest.mark.anyio
async def test_the_query_arrives_byte_for_byte_as_encoded() -> None:
    # aiohttp re-quotes a URL given as text: %2C would go out as "," and %7E as "~", and a
    # Binance signature over the encoded query would no longer match what arrives.
    query = "symbols=BTC%2CETH&tilde=a%7Eb&t=a%3Ab&space=a%20b&plus=a%2Bb&signature=0f"
    with HostileServer(ok) as server:
        async with http_client(DEFAULT_HTTP_SETTINGS) as client:
            request = client.build_request("GET", f"{server.url}/x")
            request.url = request.url.copy_with(query=query.encode("ascii"))
            response = await client.send(request)
    assert response.status_code == 204
    (seen,) = server.requests
    assert seen.target == f"/x?{query}"


@pytest.mark.anyio
async def test_httpx_s_own_encoding_of_params_is_kept() -> None:
    params = {"symbols": "BTC,ETH", "note": "a~b c", "unicode": "\uff11"}
    with HostileServer(ok) as server:
        async with http_client(DEFAULT_HTTP_SETTINGS) as client:
            request = client.build_request("GET", f"{server.url}/x", params=params)
            await client.send(request)
    (seen,) = server.requests
    assert seen.target.encode("latin-1") == request.url.raw_path  # what httpx built, as built


@pytest.mark.anyio
async def test_headers_and_body_go_out_as_given() -> None:
    bodies: list[bytes] = []

    async def read_body(exchange: Exchange) -> None:
        fields = (line.split(b": ", 1) for line in exchange.seen.head.split(b"\r\n")[1:])
        length = int(dict(field for field in fields if len(field) == 2)[b"Content-Length"])
        bodies.append(await exchange.reader.readexactly(length))
        exchange.writer.write(answer(204, b""))

    with HostileServer(read_body) as server:
        async with http_client(DEFAULT_HTTP_SETTINGS) as client:
            await client.post(f"{server.url}/order", content=b"quantity=1&price=0.1",
                              headers={"X-MBX-APIKEY": "key-1"})
    (seen,) = server.requests
    assert b"\r\nX-MBX-APIKEY: key-1\r\n" in seen.head
    assert b"\r\nAccept: application/json\r\n" in seen.head
    assert b"\r\nUser-Agent: python-httpx/" in seen.head  # httpx's headers, none of aiohttp's
    assert b"aiohttp" not in seen.head.lower()
    assert bodies == [b"quantity=1&price=0.1"]


# -- a whole request has an end -------------------------------------------------------------------


async def drip_headers_then_answer(exchange: Exchange) -> None:
    """A header byte every 20 ms for about 4 s, then a complete answer.

    Every byte comes well within the socket read timeout, so only ``total`` can end this
    early: without it the client gets the 200.
    """
    exchange.writer.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    for _ in range(200):
        exchange.writer.write(b"x")
        await exchange.writer.drain()
        await asyncio.sleep(0.02)
    exchange.writer.write(b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


@pytest.mark.anyio
async def test_the_total_timeout_cuts_a_server_dripping_its_headers() -> None:
    with HostileServer(drip_headers_then_answer) as server:
        async with http_client(DEFAULT_HTTP_SETTINGS) as client:
            request = client.build_request("GET", f"{server.url}/x")
            request.extensions["timeout"] = {
                "connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0, "total": 0.3,
            }
            with pytest.raises(httpx.ReadTimeout) as caught:
                await client.send(request)
    assert str(caught.value) in {"TimeoutError", "ServerTimeoutError"}  # the type, no text


@pytest.mark.anyio
async def test_the_sender_s_deadline_reaches_the_transport_as_its_total() -> None:
    settings = HttpSettings(read_timeout=5.0, retry=RetryPolicy(deadline=0.3))
    with HostileServer(drip_headers_then_answer) as server:
        async with http_client(settings) as client:
            loop = asyncio.get_running_loop()
            sender = Sender(client, settings, began=loop.time())
            with pytest.raises(RequestTimeoutError) as caught:
                await sender.send(call(f"{server.url}/x", "GET slow"), _status)
    assert caught.value.endpoint == "GET slow"
    assert "0.3 s deadline (waiting for the answer; 1 attempt)" in str(caught.value)
    assert len(server.requests) == 1


async def silent(exchange: Exchange) -> None:
    await asyncio.Event().wait()  # reads the request, answers nothing, until the server stops


@pytest.mark.anyio
async def test_a_silent_server_is_a_read_timeout() -> None:
    with HostileServer(silent) as server:
        async with http_client(HttpSettings(read_timeout=0.05)) as client:
            with pytest.raises(httpx.ReadTimeout):
                await client.get(f"{server.url}/x")


# -- failures keep their meaning ------------------------------------------------------------------


def _unused_port() -> int:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.anyio
async def test_a_refused_connection_is_a_connect_error() -> None:
    async with http_client(DEFAULT_HTTP_SETTINGS) as client:
        with pytest.raises(httpx.ConnectError) as caught:
            await client.get(f"http://127.0.0.1:{_unused_port()}/x?secret=1")
    assert "secret" not in str(caught.value)  # aiohttp's text quotes the URL; not kept
    assert caught.value.__cause__ is None  # aiohttp's frames (signed headers) are not chained
    assert caught.value.__suppress_context__


@pytest.mark.anyio
async def test_a_refused_connection_is_a_located_transport_error_at_the_sender() -> None:
    settings = HttpSettings(retry=NO_RETRIES)
    async with http_client(settings) as client:
        sender = Sender(client, settings, began=asyncio.get_running_loop().time())
        with pytest.raises(TransportError) as caught:
            await sender.send(call(f"http://127.0.0.1:{_unused_port()}/x?secret=1", "GET test"),
                              _status)
    assert caught.value.endpoint == "GET test"
    assert caught.value.detail == "connection to 127.0.0.1 failed (ConnectError)"


async def close_at_once(exchange: Exchange) -> None:
    """Read the request, answer nothing, close the connection (a crashed worker)."""


async def close_mid_body(exchange: Exchange) -> None:
    exchange.writer.write(answer(200, b'{"code": 0, "da', length=100))


@pytest.mark.anyio
@pytest.mark.parametrize("script", [close_at_once, close_mid_body],
                         ids=["before-the-head", "mid-body"])
async def test_a_server_closing_the_connection_is_a_remote_protocol_error(script: Script) -> None:
    with HostileServer(script) as server:
        async with http_client(DEFAULT_HTTP_SETTINGS) as client:
            with pytest.raises(httpx.RemoteProtocolError) as caught:
                await client.get(f"{server.url}/x")
    assert caught.value.__cause__ is None
    assert "127.0.0.1" not in str(caught.value)  # the aiohttp type's name only


@pytest.mark.anyio
async def test_a_corrupt_compressed_body_is_a_garbled_answer_at_the_sender() -> None:
    """The bytes arrived: an unreadable answer (re-read like one), not a connection failure."""
    async def garbage(exchange: Exchange) -> None:
        exchange.writer.write(answer(200, b"garbage!", headers={"Content-Encoding": "gzip"}))

    settings = HttpSettings(retry=NO_RETRIES)
    with HostileServer(garbage) as server:
        async with http_client(settings) as client:
            sender = Sender(client, settings, began=asyncio.get_running_loop().time())
            with pytest.raises(InvalidResponseError, match="'gzip' as its Content-Encoding") \
                    as caught:
                await sender.send(call(f"{server.url}/x", "GET test"), _status)
    assert caught.value.endpoint == "GET test"
    assert caught.value.garbled
    assert caught.value.retryable


# -- the pool -------------------------------------------------------------------------------------


async def keep_alive(exchange: Exchange) -> None:
    """Answer requests on one connection until the client closes it; a 1 MB body for /big."""
    head = exchange.seen.head
    while True:
        big = head.split(b" ", 2)[1].startswith(b"/big")
        body = b"x" * 1_000_000 if big else b"{}"
        exchange.writer.write(answer(200, body, headers={"Connection": "keep-alive"}))
        await exchange.writer.drain()
        head = await exchange.reader.readuntil(b"\r\n\r\n")


@pytest.mark.anyio
async def test_a_body_read_to_its_end_returns_the_connection_an_abandoned_one_does_not() -> None:
    connections: list[int] = []

    async def counting(exchange: Exchange) -> None:
        connections.append(exchange.seen.index)
        await keep_alive(exchange)

    with HostileServer(counting) as server:
        async with http_client(DEFAULT_HTTP_SETTINGS) as client:
            for _ in range(3):
                await client.get(f"{server.url}/small")
            assert len(connections) == 1  # three requests, one connection
            async with client.stream("GET", f"{server.url}/big") as response:
                async for _chunk in response.aiter_bytes():
                    break  # abandoned midway (as a body over the limit is)
            await client.get(f"{server.url}/small")
    assert len(connections) == 2  # the abandoned connection was not reused


def test_a_client_used_on_a_second_event_loop_says_so() -> None:
    transport = AiohttpTransport(tls=tls_context())

    async def use() -> None:
        with HostileServer(ok) as server:
            response = await transport.handle_async_request(
                httpx.Request("GET", f"{server.url}/x")
            )
            await response.aread()
            await response.aclose()

    async def use_elsewhere() -> str:
        try:
            await transport.handle_async_request(httpx.Request("GET", "http://127.0.0.1:1/"))
        except RuntimeError as exc:
            return str(exc)
        return "no error"

    with asyncio.Runner() as first:
        first.run(use())
        assert "one client per event loop" in asyncio.run(use_elsewhere())
        first.run(transport.aclose())


def test_no_timeout_is_rounded_up_to_a_whole_second() -> None:
    # aiohttp rounds timeouts of 5 s or more up to the next whole second of loop time unless
    # told not to: a 30 s deadline could then run up to a second long (framework/transport.py).
    limits = {"connect": 5.0, "read": 10.0, "write": 10.0, "pool": 5.0, "total": 29.3}
    timeout = AiohttpTransport(tls=tls_context())._timeout(limits)
    assert timeout.ceil_threshold == float("inf")
    assert (timeout.total, timeout.sock_read, timeout.sock_connect, timeout.connect) == (
        29.3, 10.0, 5.0, 10.0,
    )
