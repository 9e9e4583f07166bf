"""A small hostile HTTP server on 127.0.0.1, for the answers no simulator fault kind can give.

Each connection reads one request head (bounded), records it, and hands the connection to a
*script*: an async function that writes whatever bytes it likes (a drip, a lying
``Content-Length``, a broken chunk, a reset) and returns; the connection is then closed. The
server runs on its own thread and event loop, so blocking and async clients alike can talk to
it, and stops exhaustively (every connection cancelled, every socket closed, the thread
joined), because the suite turns ``ResourceWarning`` into errors.

Used by tests/reliability/test_hostile_servers.py (docs/reliability.md, "Hostile servers").
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Final

from adapters.simkit.server import reset

__all__ = ["Exchange", "HostileServer", "Script", "Seen", "answer", "reset"]

HEAD_LIMIT: Final = 64 * 1024
"""Longest request head read; folio's requests are far shorter."""


@dataclass(frozen=True)
class Seen:
    """One request as the server received it."""

    index: int
    """0 for the first request the server saw, then 1, 2, ..."""
    head: bytes
    """The request line and headers, as sent."""

    @property
    def target(self) -> str:
        """The request-target (path and query)."""
        return self.head.split(b"\r\n", 1)[0].split(b" ")[1].decode("latin-1")


@dataclass
class Exchange:
    """What a script gets: the request it answers and the connection to answer it on."""

    seen: Seen
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter


Script = Callable[[Exchange], Awaitable[None]]
"""Answers one request: writes to ``exchange.writer`` and returns (the connection closes)."""


def answer(
    status: int,
    body: bytes,
    *,
    headers: dict[str, str] | None = None,
    reason: str = "X",
    length: int | None = None,
) -> bytes:
    """A complete HTTP/1.1 answer's bytes; ``length`` overrides the Content-Length sent."""
    fields = {"Content-Type": "application/json", "Connection": "close", **(headers or {})}
    if "Transfer-Encoding" not in fields:
        fields["Content-Length"] = str(len(body) if length is None else length)
    head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
    return head.encode("utf-8") + b"\r\n" + body


class HostileServer:
    """Serves ``script`` on 127.0.0.1 from a background thread; use it as a context manager."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hostile-server", daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        if not self._ready.wait(10):  # pragma: no cover - a machine too slow to start a thread
            msg = "the hostile server did not start"
            raise RuntimeError(msg)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._loop.call_soon_threadsafe(self._begin_stop)
        self._thread.join(10)
        self._loop.close()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._shutdown())

    async def _start(self) -> None:
        self._server = await asyncio.start_server(
            self._connection, "127.0.0.1", 0, limit=HEAD_LIMIT
        )
        self.port = self._server.sockets[0].getsockname()[1]

    def _begin_stop(self) -> None:
        self._loop.stop()

    async def _shutdown(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            with self._lock:
                seen = Seen(len(self.requests), head)
                self.requests.append(seen)
            await self.script(Exchange(seen, reader, writer))
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the client hung up: nothing left to say
        except asyncio.CancelledError:
            pass  # the server is stopping: a script still dripping ends here
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
