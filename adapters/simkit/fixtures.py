"""The part of a simulator's pytest fixtures that every exchange shares (no pytest import)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar

__all__ = ["serving", "stopped_after"]


class _Stoppable(Protocol):
    def stop(self) -> None:
        """Shut the server down."""
        ...


R = TypeVar("R", bound=_Stoppable)
R_co = TypeVar("R_co", bound=_Stoppable, covariant=True)


class _Servable(Protocol[R_co]):
    def serve(self, *args: Any, **kwargs: Any) -> R_co:
        """Start serving on a background thread."""
        ...


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


def serving(default: Callable[[], _Servable[R]]) -> Iterator[Callable[..., R]]:
    """The body of an exchange's ``*_simulator_factory`` fixture, given its default simulator.

    ``yield from serving(Simulator.demo)`` yields ``start(simulator=None, **serve_kwargs)``,
    which serves ``simulator`` (a fresh ``default()`` without one) with its control routes on
    unless told otherwise, and stops everything it started when the test ends
    (:func:`stopped_after`).
    """

    def start(simulator: _Servable[R] | None = None, **serve: Any) -> R:
        serve.setdefault("control", True)
        return (simulator or default()).serve(**serve)

    yield from stopped_after(start)
