"""One run of some work at a time, its outcome shared by every caller that arrives meanwhile.

Used where many reads would otherwise repeat one piece of work at once: an AscendEX account's
group discovery (its first cash, margin and risk reads wait for one ``GET info``) and the
server-time read that corrects a host's signing clock (20 accounts meeting the same skew make
one probe, tests/integration/test_clock_sharing.py).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Coroutine
from typing import Any, Generic, TypeVar

__all__ = ["SingleFlight"]

T = TypeVar("T")


def _always() -> bool:
    return True


class SingleFlight(Generic[T]):
    """One run of some work at a time; every caller arriving meanwhile shares its outcome.

    Success *or* failure is shared: callers that waited for a run that failed get its error
    and do not start another run each in turn (which would add their deadlines up against a
    dead host). A caller arriving after the run ended starts a new one if ``needed()`` says so.

    Runs are per event loop (a task and its waiters belong to one loop; ``SyncFolio`` runs its
    own) and go on as a task, so a waiter cut by its own deadline does not cancel the others'
    run. A shared error object is raised to every caller; callers that change it (locate it
    for their account) copy it.
    """

    def __init__(self) -> None:
        # Created on the first run: most flights (one per account) never run twice, and a host
        # with thousands of accounts should not carry thousands of idle weak dictionaries.
        self._tasks: (
            weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task[T]] | None
        ) = None
        self.runs = 0
        """How many runs were started (for tests and diagnostics)."""
        self.waiting = 0
        """Callers waiting for a run that another caller started."""

    async def run(
        self,
        work: Callable[[], Coroutine[Any, Any, T]],
        *,
        needed: Callable[[], bool] = _always,
    ) -> T | None:
        """Join the run in progress on this loop, or start ``work()`` if ``needed()``.

        Returns the run's result (``None`` when no run was needed) or raises its error.
        """
        loop = asyncio.get_running_loop()
        tasks = self._tasks
        if tasks is None:
            tasks = self._tasks = weakref.WeakKeyDictionary()
        task = tasks.get(loop)
        if task is None:
            if not needed():
                return None
            self.runs += 1
            task = loop.create_task(work())
            tasks[loop] = task
            task.add_done_callback(self._landed)
            return await asyncio.shield(task)
        self.waiting += 1
        try:
            return await asyncio.shield(task)
        finally:
            self.waiting -= 1

    def _landed(self, task: asyncio.Task[T]) -> None:
        loop = task.get_loop()
        if self._tasks is not None and self._tasks.get(loop) is task:
            del self._tasks[loop]
        if not task.cancelled():
            task.exception()  # retrieved here too: every waiter may have gone (deadlines)
