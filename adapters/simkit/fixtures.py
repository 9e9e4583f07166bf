"""The part of a simulator's pytest fixtures that every exchange shares (no pytest import)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol, TypeVar

__all__ = ["stopped_after"]


class _Stoppable(Protocol):
    def stop(self) -> None:
        """Shut the server down."""
        ...


R = TypeVar("R", bound=_Stoppable)


def stopped_after(start: Callable[..., R]) -> Iterator[Callable[..., R]]:
    """Yield ``start``, recording what it starts; stop all of it, newest first, afterwards.

    A factory fixture is ``yield from stopped_after(start)``: a test may start several servers
    and none outlives it, whatever the test does.
    """
    started: list[R] = []

    def recorded(*args: object, **kwargs: object) -> R:
        running = start(*args, **kwargs)
        started.append(running)
        return running

    try:
        yield recorded
    finally:
        for running in reversed(started):
            running.stop()
