"""A bug in a simulator's handler is answered 500 and logged, not a dropped connection.

A dropped connection reads to the client under test as the network's fault: it retries and
reports a transport error, hiding the simulator's bug (adapters/simkit/server.py).
"""

from __future__ import annotations

import logging
import time

import attrs
import httpx
import pytest

from adapters.simkit.http11 import Request, Response
from adapters.simkit.runtime import Runtime
from adapters.simkit.server import RunningSimulator


@attrs.frozen
class _Limits:
    idle_timeout_s: float | None = 5.0
    max_uri_length: int = 2048
    max_body_bytes: int = 1 << 16


class _BrokenService:
    """Answers ``/ok`` and raises on anything else, as a simulator with a bug would."""

    def __init__(self) -> None:
        self.options = _Limits()
        self.runtime = Runtime(lambda: int(time.time() * 1000), control=False)

    async def handle(self, request: Request) -> Response:
        if request.path == "/ok":
            return Response(200, b"{}", "application/json")
        raise ValueError("a bug in the simulator")


def test_a_handler_error_is_answered_500_and_logged_and_the_server_keeps_serving(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger="adapters.simkit.server")
    running = RunningSimulator(_BrokenService(), "127.0.0.1", 0)
    try:
        with httpx.Client(base_url=running.url) as client:
            broken = client.get("/broken")
            assert broken.status_code == 500
            assert broken.headers["connection"] == "close"
            assert client.get("/ok").status_code == 200
        assert running.stats().statuses[500] == 1
    finally:
        running.stop()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == ["simulator error answering GET /broken"]
    assert errors[0].exc_info is not None
    assert errors[0].exc_info[0] is ValueError
