"""The flow drivers: a request's send hook runs after its rate-limit wait, right before it leaves;
the pooled sender sends the exact bytes that were signed."""

from __future__ import annotations

import asyncio
from collections.abc import Generator

import httpx
import pytest

from adapters.kit.ratelimit import RateLimit, SlidingWindowLimiter
from adapters.transport import ON_SEND_EXTENSION, PooledSender, run_async, run_sync
from framework.settings import DEFAULT_HTTP_SETTINGS


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.now += seconds


Flow = Generator[httpx.Request, httpx.Response, int]


def two_requests(clock: Clock, stamps: list[float]) -> Flow:
    """Two requests; the second records when it really left."""
    yield httpx.Request("GET", "http://x.test/a")
    second = httpx.Request("GET", "http://x.test/b")
    second.extensions[ON_SEND_EXTENSION] = lambda: stamps.append(clock.now)
    response = yield second
    return response.status_code


def limited(clock: Clock) -> SlidingWindowLimiter:
    # one request per 10 s: the second request must wait 10 s at the limiter
    return SlidingWindowLimiter(RateLimit(1, 10.0, margin=0.0), clock=clock)


def test_blocking_driver_stamps_after_the_limit_wait() -> None:
    clock, stamps = Clock(), list[float]()
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(204)))
    with client:
        status = run_sync(client, two_requests(clock, stamps), [limited(clock)],
                          sleep=clock.sleep)
    assert status == 204
    assert stamps == [10.0]  # not 0: the wait happened before the request left


@pytest.mark.anyio
async def test_async_driver_stamps_after_the_limit_wait() -> None:
    clock, stamps = Clock(), list[float]()

    class Answer:
        async def send(self, request: httpx.Request) -> httpx.Response:
            return httpx.Response(204, request=request)

        async def aclose(self) -> None:
            return None

    status = await run_async(Answer(), two_requests(clock, stamps), [limited(clock)],
                             sleep=clock.asleep)
    assert status == 204
    assert stamps == [10.0]


@pytest.mark.anyio
async def test_the_pooled_sender_sends_the_query_exactly_as_signed() -> None:
    seen: list[bytes] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append((await reader.readuntil(b"\r\n\r\n")).split(b"\r\n", 1)[0])
        writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sender = PooledSender(DEFAULT_HTTP_SETTINGS, None)
    try:
        request = httpx.Request("GET", f"http://127.0.0.1:{port}/x?symbols=BTC%2CETH&t=a%3Ab")
        await sender.send(request)
    finally:
        await sender.aclose()
        server.close()
        await server.wait_closed()
    assert seen == [b"GET /x?symbols=BTC%2CETH&t=a%3Ab HTTP/1.1"]
