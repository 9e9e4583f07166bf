"""The part of answering a request that every exchange simulator shares, in one place.

Each simulator's ``handle`` is the same frame around its own decisions: the ``/__simulator__/``
control routes aside (:mod:`adapters.simkit.control`: not exchange traffic, so no fault, limit
or counter); the request counted in flight while it is answered; its arrival (latency and
clock-offset faults applied, the terminal fault selected, the server's time read); the
exchange's answer; and the request recorded by key, route and status. Only the answer is the
exchange's (``respond``), so every simulator counts and stages faults alike.
"""

from __future__ import annotations

from collections.abc import Callable

from adapters.simkit.control import handle_control, is_control
from adapters.simkit.faults import Fault
from adapters.simkit.http11 import Request, Response
from adapters.simkit.runtime import Runtime

__all__ = ["answer"]


async def answer(
    runtime: Runtime, request: Request, *, api_key: str | None, route: str | None,
    parse_fault: Callable[[object], Fault], respond: Callable[[Fault | None, int], Response],
) -> Response:
    """The response to ``request``, framed as the module docstring says.

    ``respond(terminal fault or None, server time in ms)`` is the exchange's answer; ``route``
    names the route in stats and faults (``None``: a path the exchange does not serve).
    """
    if is_control(request.path, runtime):
        return handle_control(request, runtime, parse_fault)
    runtime.stats.started()
    try:
        selection, now_ms = await runtime.arrival(request, route, api_key)
        response = respond(selection.terminal, now_ms)
        response.now_ms = now_ms
        runtime.stats.request(api_key, route, None if response.reset else response.status)
        return response
    finally:
        runtime.stats.finished()
