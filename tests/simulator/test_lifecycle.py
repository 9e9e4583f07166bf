"""Starting, stopping and load: clean shutdown, no leaked threads or sockets, concurrency."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable

import pytest

from adapters.ascendex.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    AscendexSimulator,
    CashRow,
    Fault,
    SimAccount,
)
from tests.simulator.helpers import Client, signature


def simulator_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("ascendex-simulator")]


def test_context_exit_stops_the_thread_and_the_port() -> None:
    with AscendexSimulator.seed().serve() as running:
        port = running.port
        assert running.url == f"http://127.0.0.1:{port}"
        assert running.running
        assert simulator_threads()
    stopped: bool = not running.running
    assert stopped
    assert simulator_threads() == []
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    running.stop()  # idempotent


def wait_until(condition: Callable[[], bool], *, deadline_s: float = 30) -> None:
    """Poll a server-side condition (another thread's state); fail loudly if it never holds."""
    give_up = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < give_up, "the server never reached the expected state"
        time.sleep(0.001)


def test_shutdown_closes_idle_and_busy_connections() -> None:
    running = AscendexSimulator.seed().serve()
    running.faults.add(Fault.latency(600_000, route="info"))  # held far longer than any test
    idle = Client(running.port)
    assert idle.get("/api/pro/v1/exchange-info").status == 200  # now idle, keep-alive
    busy = socket.create_connection(("127.0.0.1", running.port), timeout=30)
    busy.sendall(b"GET /api/pro/v1/info HTTP/1.1\r\nHost: x\r\n\r\n")
    wait_until(lambda: running.stats().in_flight == 1)  # the server holds it
    running.stop()  # returns only once every connection is closed: no ten-minute wait
    assert busy.recv(100) == b""  # closed without an answer
    busy.close()
    idle.close()
    stats = running.stats()
    assert stats.open_connections == 0
    assert stats.in_flight == 0
    assert stats.count(route="info") == 0  # abandoned, never answered


def test_port_in_use_fails_at_serve() -> None:
    with (
        AscendexSimulator.seed().serve() as first,
        pytest.raises(OSError, match=r"(?i)address already in use"),
    ):
        AscendexSimulator.seed().serve(port=first.port)
    assert simulator_threads() == []


def test_one_simulator_can_serve_twice_with_separate_state() -> None:
    simulator = AscendexSimulator.seed()
    with simulator.serve() as one, simulator.serve() as two:
        one.faults.add(Fault.http_status(502))
        assert len(two.faults) == 0
        assert one.port != two.port


def test_serve_forever_runs_until_cancelled() -> None:
    async def main() -> bytes:
        ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(AscendexSimulator.seed().serve_forever(
            "127.0.0.1", 0, on_ready=ready.set_result))
        url = await ready
        port = int(url.rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /__simulator__/clock HTTP/1.1\r\nHost: x\r\n\r\n")  # control: on
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # read() returns only at end of stream: the server closed our connection on the way out
        rest = await reader.read()
        assert rest.startswith(b'{"code":0')
        writer.close()
        await writer.wait_closed()
        return head

    assert asyncio.run(main()).startswith(b"HTTP/1.1 200 OK")


def test_many_concurrent_keep_alive_connections() -> None:
    """Five hundred accounts at once, 500 ms latency each: served concurrently, not in turn."""
    count = 500
    accounts = [SimAccount(api_key=f"key{i}", api_secret=f"secret{i}", account_group=i % 4,
                           cash=[CashRow("USDT", str(i + 1), str(i + 1))])
                for i in range(count)]
    simulator = AscendexSimulator([AscendexSimulator.seed().accounts[0], *accounts])

    async def one(port: int, i: int) -> bool:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        ok = True
        for _ in range(2):
            ts = str(time.time_ns() // 1_000_000)
            writer.write((
                f"GET /{i % 4}/api/pro/v1/cash/balance HTTP/1.1\r\nHost: x\r\n"
                f"x-auth-key: key{i}\r\nx-auth-timestamp: {ts}\r\n"
                f"x-auth-signature: {signature(f'secret{i}', ts, 'balance')}\r\n\r\n"
            ).encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            body = await reader.readexactly(length)
            ok = ok and f'"totalBalance":"{i + 1}"'.encode() in body
        writer.close()
        await writer.wait_closed()
        return ok

    async def main(port: int) -> list[bool]:
        return await asyncio.gather(*(one(port, i) for i in range(count)))

    with simulator.serve() as running:
        running.faults.add(Fault.latency(500))  # wide enough to overlap on a loaded machine
        results = asyncio.run(main(running.port))
        stats = running.stats()
    assert all(results)
    assert stats.statuses == {200: 2 * count}
    assert stats.peak_connections > count // 2
    # Sequential service would never hold two requests at once; an event loop holds most.
    assert stats.peak_in_flight > count // 2


def test_seed_demo_constants() -> None:
    account = AscendexSimulator.seed().account(DEMO_API_KEY)
    assert account.api_secret == DEMO_API_SECRET
    assert account.account_group == 6
