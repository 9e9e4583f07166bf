"""The shared async pool: one session per loop, shared by clients, closed by the last one."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from adapters import pool
from adapters.transport import ENDPOINT_EXTENSION, PooledSender, _ssl_context
from framework.errors import RequestTimeoutError, TransportError
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings


@pytest.mark.anyio
async def test_clients_on_one_loop_share_one_session_until_the_last_leaves() -> None:
    first = pool.lease(DEFAULT_HTTP_SETTINGS, _ssl_context())
    second = pool.lease(DEFAULT_HTTP_SETTINGS, _ssl_context())
    assert first.session is second.session
    await first.release()
    assert not second.session.closed  # still in use by the second client
    await first.release()  # a second release of the same lease changes nothing
    assert not second.session.closed
    session = second.session
    await second.release()
    assert session.closed
    third = pool.lease(DEFAULT_HTTP_SETTINGS, _ssl_context())
    assert third.session is not session  # a new session once the old one closed
    await third.release()


def test_each_event_loop_has_its_own_session() -> None:
    async def session_id() -> int:
        lease = pool.lease(DEFAULT_HTTP_SETTINGS, _ssl_context())
        try:
            return id(lease.session)
        finally:
            await lease.release()

    async def both() -> tuple[int, int]:
        outer = pool.lease(DEFAULT_HTTP_SETTINGS, _ssl_context())
        try:
            inner = await asyncio.to_thread(asyncio.run, session_id())
            return id(outer.session), inner
        finally:
            await outer.release()

    outer, inner = asyncio.run(both())
    assert outer != inner


def _request(url: str) -> httpx.Request:
    return httpx.Request("GET", url, extensions={ENDPOINT_EXTENSION: "GET test"})


@pytest.mark.anyio
async def test_a_refused_connection_is_a_located_transport_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sender = PooledSender(DEFAULT_HTTP_SETTINGS, None)
    try:
        with pytest.raises(TransportError) as caught:
            await sender.send(_request(f"http://127.0.0.1:{port}/x?secret=1"))
    finally:
        await sender.aclose()
    assert caught.value.endpoint == "GET test"
    assert "secret" not in str(caught.value)  # the query is never quoted
    assert caught.value.__cause__ is None  # aiohttp's frames (signed headers) are not chained


@pytest.mark.anyio
async def test_a_silent_server_is_a_timeout() -> None:
    accepted: list[asyncio.StreamWriter] = []

    def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # read nothing, answer nothing

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sender = PooledSender(HttpSettings(read_timeout=0.05), None)
    try:
        with pytest.raises(RequestTimeoutError, match="in time"):
            await sender.send(_request(f"http://127.0.0.1:{port}/"))
    finally:
        await sender.aclose()
        for writer in accepted:
            writer.close()
            await writer.wait_closed()
        server.close()
        await server.wait_closed()


@pytest.mark.anyio
async def test_a_closed_sender_refuses_to_send() -> None:
    sender = PooledSender(DEFAULT_HTTP_SETTINGS, None)
    await sender.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await sender.send(_request("http://127.0.0.1:1/"))


def test_a_client_used_on_a_second_event_loop_says_so() -> None:
    sender = PooledSender(DEFAULT_HTTP_SETTINGS, None)

    async def lease_here() -> None:
        sender._session()  # takes a lease on this loop

    async def use_elsewhere() -> str:
        try:
            sender._session()
        except RuntimeError as exc:
            return str(exc)
        return "no error"

    async def close() -> None:
        await sender.aclose()

    with asyncio.Runner() as first:
        first.run(lease_here())
        assert "one client per event loop" in asyncio.run(use_elsewhere())
        first.run(close())


@pytest.mark.anyio
async def test_a_corrupt_compressed_body_is_a_transport_error() -> None:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        body = b"garbage!"  # announced as gzip, is not
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Encoding: gzip\r\nContent-Length: 8\r\n\r\n" + body)
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sender = PooledSender(DEFAULT_HTTP_SETTINGS, None)
    try:
        with pytest.raises(TransportError, match="DecodingError") as caught:
            await sender.send(_request(f"http://127.0.0.1:{port}/"))
    finally:
        await sender.aclose()
        server.close()
        await server.wait_closed()
    assert caught.value.endpoint == "GET test"
