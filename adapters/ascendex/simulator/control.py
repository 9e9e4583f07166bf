"""The ``/__simulator__/`` control routes, for driving an out-of-process simulator.

Reachable only when the server runs with ``control=True`` (the default of the CLI and of
the pytest fixtures); otherwise these paths are unknown routes (404) like any other.

* ``POST /__simulator__/faults`` with a fault object, a list of them, or
  ``{"faults": [...]}`` (format: :mod:`adapters.ascendex.simulator.faults`) installs them:
  ``{"code":0,"data":{"ids":[1,2],"active":2}}``.
* ``GET /__simulator__/faults`` lists the installed faults with ``id``, ``remaining`` and
  ``fired``; ``DELETE /__simulator__/faults`` removes them all (``{"removed": n}``).
* ``GET /__simulator__/stats`` returns the counters (:class:`SimStats` JSON form);
  ``DELETE /__simulator__/stats`` zeroes them.
* ``GET /__simulator__/clock`` returns ``{"now_ms", "offset_ms"}``; ``POST`` with
  ``{"offset_ms": n}`` sets the offset.

Bad input answers HTTP 400 with ``{"code":100004,"message":...,"reason":"INVALID_REQUEST_DATA"}``.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.ascendex.simulator.faults import Fault, FaultError
from adapters.ascendex.simulator.payloads import encode_error, encode_ok
from adapters.ascendex.simulator.routes import RouteKind
from adapters.simkit.http11 import Request, Response
from adapters.simkit.runtime import Runtime

__all__ = ["handle_control"]


def _bad(message: str) -> Response:
    return Response(400, encode_error(100004, message, "INVALID_REQUEST_DATA"))


def _json_body(request: Request) -> Any:
    try:
        return json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FaultError(f"body is not valid JSON: {exc}") from None


def handle_control(request: Request, kind: RouteKind, runtime: Runtime) -> Response:
    """Answer one control request (the method was already checked against the route)."""
    try:
        if kind is RouteKind.CONTROL_FAULTS:
            return _faults(request, runtime)
        if kind is RouteKind.CONTROL_STATS:
            if request.method == "DELETE":
                runtime.stats.reset()
            return Response(200, encode_ok(runtime.stats.snapshot().to_json()))
        return _clock(request, runtime)
    except FaultError as exc:
        return _bad(str(exc))


def _faults(request: Request, runtime: Runtime) -> Response:
    if request.method == "DELETE":
        return Response(200, encode_ok({"removed": runtime.faults.clear()}))
    if request.method == "GET":
        listing = [
            {"id": a.id, "remaining": a.remaining, "fired": a.fired, **a.fault.to_json()}
            for a in runtime.faults.active()
        ]
        return Response(200, encode_ok(listing))
    document = _json_body(request)
    if isinstance(document, dict) and set(document) == {"faults"}:
        document = document["faults"]
    items = document if isinstance(document, list) else [document]
    faults = [Fault.from_json(item) for item in items]  # all valid before any is installed
    ids = runtime.faults.extend(faults)
    return Response(200, encode_ok({"ids": ids, "active": len(runtime.faults)}))


def _clock(request: Request, runtime: Runtime) -> Response:
    if request.method == "POST":
        document = _json_body(request)
        offset = document.get("offset_ms") if isinstance(document, dict) else None
        if not isinstance(offset, int) or isinstance(offset, bool):
            raise FaultError('expected {"offset_ms": <integer>}')
        runtime.set_clock_offset_ms(offset)
    return Response(200, encode_ok({"now_ms": runtime.now_ms(),
                                    "offset_ms": runtime.clock_offset_ms}))
