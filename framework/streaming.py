"""Results in the order they complete: the machinery behind ``Folio.stream_*``.

A host showing 1,000 accounts wants the first ones on screen while the slow ones are still
being read (issue #11, section 3), so a stream yields each account's outcome as soon as its
read ends. What makes this more than ``asyncio.as_completed`` is the ending: a consumer that
stops early (``break``, ``aclose()``, its own cancellation) must not leave reads running with
nobody to collect them, and nothing may end in "Task was destroyed but it is pending" or
"exception was never retrieved". So every read is a task this module owns; when the stream
ends, however it ends, the reads still pending are cancelled and awaited before it returns.

The host's side (isolation, ``max_concurrency``, unknown names) is :meth:`Folio._outcome`'s,
the same coroutine ``all_*`` gathers; docs/host-api.md ("Streaming") documents the behaviour.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Coroutine, Sequence
from typing import Any, TypeVar

__all__ = ["as_completed", "cancel_and_wait"]

R = TypeVar("R")


async def as_completed(
    names: Sequence[str],
    outcome: Callable[[str], Coroutine[Any, Any, R]],
    in_flight: set[asyncio.Task[Any]],
    before: Callable[[], None] = lambda: None,
) -> AsyncGenerator[R, None]:
    """Run ``outcome(name)`` for every name concurrently; yield each result as it completes.

    ``before`` runs on the first iteration, in the event loop (the host's check that it is
    used on its own loop). Every read is a task listed in ``in_flight`` while it runs, so the
    owner can cancel what is left when it closes. ``outcome`` must turn the failures it
    isolates into results: an exception a task ends with is raised here, after every other
    task has been cancelled and awaited.
    """
    before()
    loop = asyncio.get_running_loop()
    ready: asyncio.Queue[asyncio.Task[R]] = asyncio.Queue()
    tasks: list[asyncio.Task[R]] = []
    try:
        for name in names:
            task = loop.create_task(outcome(name))
            in_flight.add(task)
            task.add_done_callback(ready.put_nowait)
            tasks.append(task)
        for _ in range(len(tasks)):
            task = await ready.get()
            in_flight.discard(task)
            if task.cancelled():
                # Not by this stream (it cancels only after its last yield): by the owner
                # closing, or by code cancelling tasks it does not own.
                msg = "a read of this stream was cancelled from outside (was the Folio closed?)"
                raise RuntimeError(msg)
            yield task.result()
    finally:
        await cancel_and_wait(tasks, in_flight)


async def cancel_and_wait(
    tasks: Sequence[asyncio.Task[Any]], in_flight: set[asyncio.Task[Any]]
) -> None:
    """Cancel every task not done yet and wait until all have ended; forget them all.

    The wait goes on if the waiting task is cancelled meanwhile (as ``asyncio.TaskGroup``
    does): a read left running would still hold its connection after the caller moved on.
    That cancellation is raised once every task has ended. Each task's outcome is retrieved,
    so asyncio never reports an exception nobody collected.
    """
    pending = [task for task in tasks if not task.done()]
    for task in pending:
        task.cancel()
    cancelled = False
    while pending:
        try:
            await asyncio.wait(pending)
        except asyncio.CancelledError:
            cancelled = True
        pending = [task for task in pending if not task.done()]
    for task in tasks:
        in_flight.discard(task)
        if not task.cancelled():
            task.exception()
    if cancelled:
        raise asyncio.CancelledError
