"""The asyncio HTTP/1.1 server, in the foreground or on a background thread.

One coroutine per connection, no thread per request and nothing blocking on the loop: the
benchmarks open a thousand keep-alive connections with 50 ms of injected latency each, which
only an event loop sustains on two cores. Shutdown is exhaustive (stop accepting, cancel every
connection, close every socket, let the loop run the close callbacks, join the thread),
because the test suite turns ``ResourceWarning`` into errors.

Nothing here is specific to AscendEX: the server serves any :class:`Service` (an object with
``handle(request)``, server ``options`` and a :class:`Runtime`), which is how the Binance
simulator (:mod:`adapters.binance.simulator`) reuses it instead of a copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
import threading
from collections.abc import Callable
from email.utils import formatdate
from types import TracebackType
from typing import Final, Protocol

from adapters.simkit.faults import FaultSet
from adapters.simkit.http11 import (
    HttpError,
    Request,
    Response,
    encode_head,
    plain_text,
    read_request,
)
from adapters.simkit.runtime import Runtime
from adapters.simkit.stats import SimStats

__all__ = ["HttpServer", "RunningSimulator", "ServerLimits", "Service", "reset"]

_LOG = logging.getLogger(__name__)

BACKLOG: Final = 4096
"""Listen backlog: a thousand clients connecting at once must not wait for SYN retries."""
STREAM_LIMIT: Final = 64 * 1024
"""Longest request or header line read; far above the 2048-character URI limit."""


class ServerLimits(Protocol):
    """The connection settings the server reads from a service's options."""

    @property
    def idle_timeout_s(self) -> float | None:
        """Close keep-alive connections idle this long; ``None`` = never."""
        ...

    @property
    def max_uri_length(self) -> int:
        """Longer request-targets are answered 414."""
        ...

    @property
    def max_body_bytes(self) -> int:
        """Larger request bodies are answered 413."""
        ...


class Service(Protocol):
    """What the server serves: an exchange's request handler and its per-server runtime."""

    @property
    def options(self) -> ServerLimits:
        """Connection settings (idle timeout, URI and body limits)."""
        ...

    @property
    def runtime(self) -> Runtime:
        """Faults, counters and clock of this server."""
        ...

    async def handle(self, request: Request) -> Response:
        """Answer one parsed request (stats included)."""
        ...


class _DateCache:
    """``Date`` header text, rebuilt once per second of server time rather than per answer."""

    def __init__(self) -> None:
        self._second = -1
        self._text = ""

    def text(self, now_ms: int) -> str:
        second = now_ms // 1000
        if second != self._second:
            self._second = second
            self._text = formatdate(second, usegmt=True)
        return self._text


class HttpServer:
    """Serves one :class:`Service` on a listening socket of the running event loop."""

    def __init__(self, exchange: Service) -> None:
        self.exchange = exchange
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._dates = _DateCache()

    async def start(self, host: str, port: int) -> None:
        """Listen on ``host:port`` (port 0 picks a free one)."""
        self._server = await asyncio.start_server(
            self._connection, host, port, backlog=BACKLOG, limit=STREAM_LIMIT
        )
        self._host = host

    @property
    def port(self) -> int:
        """The bound port."""
        assert self._server is not None, "start() first"
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        """Base URL of the server, e.g. ``http://127.0.0.1:54321``."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    async def close(self) -> None:
        """Stop accepting, end every connection and wait until each socket is closed."""
        if self._server is None:
            return
        self._server.close()
        # connections accepted just before close() may not have started running yet
        await asyncio.sleep(0)
        while self._connections:
            pending = list(self._connections)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None

    async def _connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        stats = self.exchange.runtime.stats
        stats.opened()
        peer = writer.get_extra_info("peername")
        peer_ip = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        try:
            await self._serve(reader, writer, peer_ip)
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass  # the client went away or idled out: nothing left to answer
        except asyncio.CancelledError:
            # The server's own shutdown (close(), or the loop ending under Ctrl-C) cancelled
            # this connection, maybe mid-latency fault. The task must end quietly: on Python
            # 3.11, asyncio's stream callback asks a cancelled task for its exception and
            # logs the CancelledError traceback as an unhandled error. Nobody awaits this
            # task's result (close() gathers it only to wait), so nothing is lost.
            pass
        finally:
            stats.closed()
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer_ip: str
    ) -> None:
        exchange = self.exchange
        options = exchange.options
        while True:
            try:
                async with asyncio.timeout(options.idle_timeout_s):
                    request = await read_request(
                        reader, peer_ip=peer_ip, max_uri_length=options.max_uri_length,
                        max_body_bytes=options.max_body_bytes, send_continue=writer,
                    )
            except HttpError as exc:
                exchange.runtime.stats.request(None, None, exc.status)
                await self._send(writer, plain_text(exc.status, exc.text), keep_alive=False)
                return
            if request is None:
                return
            try:
                response = await exchange.handle(request)
            except Exception:
                # A bug in the simulator itself. Answer it as a web server does (500, then
                # close) and log it, so a client under test sees a server error, not a dropped
                # connection it would retry and report as the network's fault.
                _LOG.exception("simulator error answering %s %s", request.method, request.path)
                exchange.runtime.stats.request(None, None, 500)
                await self._send(writer, plain_text(500, "Internal Server Error"),
                                 keep_alive=False)
                return
            if response.reset:
                reset(writer)
                return
            keep_alive = request.keep_alive and not response.close and not response.truncate
            await self._send(writer, response, keep_alive=keep_alive)
            if not keep_alive:
                return

    async def _send(
        self, writer: asyncio.StreamWriter, response: Response, *, keep_alive: bool
    ) -> None:
        now_ms = response.now_ms
        if now_ms is None:
            now_ms = self.exchange.runtime.now_ms()
        body = response.body
        if response.endless:
            await _send_endless(writer, encode_head(
                response, keep_alive=False, date=self._dates.text(now_ms), length=None), body)
            return
        length = len(body) if response.declared_length is None else response.declared_length
        head = encode_head(response, keep_alive=keep_alive, date=self._dates.text(now_ms),
                           length=length)
        if response.truncate:
            body = body[: len(body) // 2]
        writer.write(head + body)
        await writer.drain()


async def _send_endless(writer: asyncio.StreamWriter, head: bytes, body: bytes) -> None:
    """``head``, then chunks that start like ``body`` and never end (an ``endless_body`` fault).

    Only a client that hangs up (the write fails) or the server closing ends it; each chunk
    yields to the loop, so other connections are served meanwhile.
    """
    start = body[: max(len(body) // 2, 1)] or b"["
    filler = b" " * 65_536
    writer.write(head + b"%x\r\n%b\r\n" % (len(start), start))
    chunk = b"%x\r\n%b\r\n" % (len(filler), filler)
    while True:
        writer.write(chunk)
        await writer.drain()
        await asyncio.sleep(0)


def reset(writer: asyncio.StreamWriter) -> None:
    """Abort the connection with a TCP RST (SO_LINGER 0), as a crashed proxy would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class RunningSimulator:
    """A simulator serving on a background thread with its own event loop.

    Returned already listening by an exchange simulator's ``serve()``; leaving the ``with``
    block (or calling :meth:`stop`) shuts it down and joins the thread.
    """

    def __init__(
        self, exchange: Service, host: str, port: int, *, name: str = "simulator"
    ) -> None:
        """Start serving ``exchange``; ``name`` prefixes the thread's name (``name-host:port``)."""
        self._exchange = exchange
        self._runtime: Runtime = exchange.runtime
        self._host = host
        self._requested_port = port
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._server: HttpServer | None = None
        self._thread = threading.Thread(
            target=self._run, name=f"{name}-{host}:{port}", daemon=True
        )
        self._thread.start()
        self._ready.wait()
        error = self._startup_failure()
        if error is not None:
            self._thread.join()
            raise error

    def _startup_failure(self) -> BaseException | None:
        return self._startup_error

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        server = HttpServer(self._exchange)
        try:
            await server.start(self._host, self._requested_port)
        except BaseException as exc:  # handed to the starting thread, which re-raises it
            self._startup_error = exc
            self._ready.set()
            return
        self._server = server
        self._ready.set()
        try:
            await self._stop_event.wait()
        finally:
            await server.close()

    # Public API ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321``."""
        assert self._server is not None
        return self._server.url

    @property
    def port(self) -> int:
        """The bound port."""
        assert self._server is not None
        return self._server.port

    @property
    def faults(self) -> FaultSet:
        """The installed faults (thread-safe: add and clear from any thread)."""
        return self._runtime.faults

    def stats(self) -> SimStats:
        """Counts of requests per ``(api_key, route)`` and per status, so far."""
        return self._runtime.stats.snapshot()

    def reset_stats(self) -> None:
        """Zero the request counters."""
        self._runtime.stats.reset()

    def set_clock_offset_ms(self, offset_ms: int) -> None:
        """Make the server clock read ``offset_ms`` later than the simulator clock."""
        self._runtime.set_clock_offset_ms(offset_ms)

    def now_ms(self) -> int:
        """The server's current time in ms (clock plus offset)."""
        return self._runtime.now_ms()

    @property
    def running(self) -> bool:
        """Whether the server thread is still alive."""
        return self._thread.is_alive()

    def stop(self) -> None:
        """Shut down: close every connection and the listener, end the loop, join the thread.

        Idempotent; safe to call from any thread except the server's own.
        """
        loop, event = self._loop, self._stop_event
        if loop is not None and event is not None and self._thread.is_alive():
            with contextlib.suppress(RuntimeError):  # the loop already finished
                loop.call_soon_threadsafe(event.set)
        self._thread.join()

    def __enter__(self) -> RunningSimulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


async def serve_forever(
    exchange: Service, host: str, port: int, on_ready: Callable[[str], object] | None
) -> None:
    """Serve on the running loop until cancelled (Ctrl-C under ``asyncio.run``)."""
    server = HttpServer(exchange)
    await server.start(host, port)
    try:
        if on_ready is not None:
            on_ready(server.url)
        await asyncio.Event().wait()
    finally:
        await server.close()
