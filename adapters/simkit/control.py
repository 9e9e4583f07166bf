"""The ``/__simulator__/`` control routes, answered the same way by every exchange simulator.

A host's test suite drives a simulator it did not start (``folio simulate binance``, or the
plugin's simulator hook) over HTTP only; so that one testing kit can drive every exchange, the
routes, their JSON bodies and their errors are the same whatever the exchange
(docs/exchanges/binance.md, "Simulator"). Both bundled simulators answer them from this
module, each parsing faults with its own ``Fault.from_json`` (its route names):

* ``POST /__simulator__/faults`` with a fault object, a list of them, or ``{"faults": [...]}``
  (format: :mod:`adapters.simkit.faults`) installs them, all or none:
  ``{"code":0,"data":{"ids":[1,2],"active":2}}``;
* ``GET /__simulator__/faults`` lists them with ``id``, ``remaining`` and ``fired``;
  ``DELETE`` removes them all (``{"removed": n}``);
* ``GET /__simulator__/stats`` returns the counters (:meth:`SimStats.to_json`); ``DELETE``
  zeroes them;
* ``GET /__simulator__/clock`` returns ``{"now_ms", "offset_ms"}``; ``POST {"offset_ms": n}``
  sets the offset.

Bad input answers HTTP 400 ``{"code":100004,"message":...,"reason":"INVALID_REQUEST_DATA"}``;
another method 405. Control requests are not exchange traffic: they are not counted, and faults
never apply to them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

from adapters.simkit.faults import Fault, FaultError
from adapters.simkit.http11 import Request, Response
from adapters.simkit.runtime import Runtime

__all__ = ["CONTROL_PREFIX", "handle_control", "is_control"]

CONTROL_PREFIX: Final = "/__simulator__/"
_METHODS: Final = {
    "faults": ("GET", "POST", "DELETE"),
    "stats": ("GET", "DELETE"),
    "clock": ("GET", "POST"),
}


def is_control(path: str, runtime: Runtime) -> bool:
    """Whether ``path`` is a control route of this server (only when control is on)."""
    return (runtime.control and path.startswith(CONTROL_PREFIX)
            and path.removeprefix(CONTROL_PREFIX) in _METHODS)


def _json(status: int, document: Any) -> Response:
    body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return Response(status, body, "application/json")


def _ok(data: Any) -> Response:
    return _json(200, {"code": 0, "data": data})


def _body(request: Request) -> Any:
    try:
        return json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FaultError(f"body is not valid JSON: {exc}") from None


def handle_control(
    request: Request, runtime: Runtime, parse_fault: Callable[[object], Fault]
) -> Response:
    """Answer one control request; ``parse_fault`` is the exchange's ``Fault.from_json``."""
    name = request.path.removeprefix(CONTROL_PREFIX)
    methods = _METHODS[name]
    if request.method not in methods:
        body = f"HTTP method not allowed, supported methods: {', '.join(methods)}"
        return Response(405, body.encode("utf-8"), "text/plain; charset=UTF-8",
                        [("Allow", ", ".join(methods))])
    try:
        if name == "faults":
            return _faults(request, runtime, parse_fault)
        if name == "stats":
            if request.method == "DELETE":
                runtime.stats.reset()
            return _ok(runtime.stats.snapshot().to_json())
        return _clock(request, runtime)
    except FaultError as exc:
        return _json(400, {"code": 100004, "message": str(exc),
                           "reason": "INVALID_REQUEST_DATA"})


def _faults(
    request: Request, runtime: Runtime, parse_fault: Callable[[object], Fault]
) -> Response:
    if request.method == "DELETE":
        return _ok({"removed": runtime.faults.clear()})
    if request.method == "GET":
        return _ok([
            {"id": a.id, "remaining": a.remaining, "fired": a.fired, **a.fault.to_json()}
            for a in runtime.faults.active()
        ])
    document = _body(request)
    if isinstance(document, dict) and set(document) == {"faults"}:
        document = document["faults"]
    items = document if isinstance(document, list) else [document]
    faults = [parse_fault(item) for item in items]  # all valid before any is installed
    ids = runtime.faults.extend(faults)
    return _ok({"ids": ids, "active": len(runtime.faults)})


def _clock(request: Request, runtime: Runtime) -> Response:
    if request.method == "POST":
        document = _body(request)
        offset = document.get("offset_ms") if isinstance(document, dict) else None
        if not isinstance(offset, int) or isinstance(offset, bool):
            raise FaultError('expected {"offset_ms": <integer>}')
        runtime.set_clock_offset_ms(offset)
    return _ok({"now_ms": runtime.now_ms(), "offset_ms": runtime.clock_offset_ms})
