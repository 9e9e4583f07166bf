"""A blocking iterator over an async stream, for :class:`framework.sync.SyncFolio`.

``SyncFolio`` runs each call on its private event loop in the calling thread. A stream cannot
be driven that way, one result per ``next()``: between two ``next()`` calls the loop would
stand still while the reads still in flight keep their deadlines (``adapters/kit/sender.py``
measures them in the loop's clock, which does not stop), so a host that spends a while on
each result would see reads fail with a deadline error the exchange never caused: a wrong
meaning. So the private loop runs in a worker thread for the stream's life, reading at full
speed while the host handles results, and hands each result over through a queue. The
worker holds the facade's lock as any call does: another call waits until the reads are done
(never until the host has consumed them, so calling the facade inside the loop body cannot
deadlock). Closing the iterator (``break`` collected, ``close()``, an exception in the loop
body, Ctrl-C) cancels the reads still pending and waits for the worker. docs/host-api.md
("Streaming") documents it for hosts.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any, Final, Generic, TypeVar

__all__ = ["blocking_stream"]

T = TypeVar("T")

_ITEM: Final = "item"
_END: Final = "end"
_RAISED: Final = "raised"


class _Worker(Generic[T]):
    """The thread that runs the loop for one stream, and the means to stop it early."""

    def __init__(
        self,
        make: Callable[[], AsyncGenerator[T, None]],
        lock: threading.Lock,
        get_loop: Callable[[], asyncio.AbstractEventLoop],
    ) -> None:
        self.results: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._make = make
        self._lock = lock
        self._get_loop = get_loop
        self._guard = threading.Lock()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False
        self.thread = threading.Thread(target=self._run, name="folio-stream", daemon=True)

    async def _pump(self) -> None:
        async with contextlib.aclosing(self._make()) as stream:
            async for item in stream:
                self.results.put((_ITEM, item))

    def _run(self) -> None:
        try:
            with self._lock:
                loop = self._get_loop()
                with self._guard:
                    if self._stopping:
                        return
                    self._task = task = loop.create_task(self._pump())
                    self._loop = loop
                loop.run_until_complete(task)
        except BaseException as exc:  # handed over to the consumer, raised there
            self.results.put((_RAISED, exc))
        else:
            self.results.put((_END, None))

    def stop(self) -> None:
        """Cancel the stream if it still runs, then wait for the thread to end."""
        with self._guard:
            self._stopping = True
            if self._task is not None and self._loop is not None and not self._task.done():
                # The loop is running in the worker: the one safe way in is its own queue.
                with contextlib.suppress(RuntimeError):  # the loop finished meanwhile
                    self._loop.call_soon_threadsafe(self._task.cancel)
        self.thread.join()


def blocking_stream(
    make: Callable[[], AsyncGenerator[T, None]],
    lock: threading.Lock,
    get_loop: Callable[[], asyncio.AbstractEventLoop],
) -> Generator[T, None, None]:
    """Iterate ``make()``'s results in the calling thread; see the module docstring.

    ``lock`` serialises use of the loop that ``get_loop`` returns. An exception the stream
    ends with is raised here, as it would be from ``async for``.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass  # no loop running in this thread: the normal case
    else:
        msg = "SyncFolio cannot be called from a running event loop; use Folio's streams instead"
        raise RuntimeError(msg)
    worker = _Worker(make, lock, get_loop)
    worker.thread.start()
    try:
        while True:
            kind, value = worker.results.get()
            if kind == _END:
                return
            if kind == _RAISED:
                raise value
            yield value
    finally:
        worker.stop()
