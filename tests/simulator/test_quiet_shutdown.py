"""Stopping a simulator that still holds connections logs nothing (both exchanges).

A connection held by a latency fault, or idle on keep-alive, is cancelled by the server's
shutdown (adapters/simkit/server.py). On Python 3.11 a connection task that ended cancelled
made asyncio's stream callback log a ``CancelledError`` traceback at ERROR on the ``asyncio``
logger: noise in every host's test output that reads like a crash.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest

from adapters.ascendex.simulator import AscendexSimulator
from adapters.ascendex.simulator import Fault as AscendexFault
from adapters.binance.simulator import BinanceSimulator
from adapters.binance.simulator import Fault as BinanceFault

HELD_MS = 600_000
"""Far longer than any test: the answer never comes before the shutdown."""


def _wait_until(condition: Callable[[], bool], *, deadline_s: float = 30) -> None:
    give_up = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < give_up, "the server never reached the expected state"
        time.sleep(0.001)


def _ascendex() -> tuple[Any, str, str]:
    running = AscendexSimulator.seed().serve()
    running.faults.add(AscendexFault.latency(HELD_MS, route="info"))
    return running, "/api/pro/v1/info", "/api/pro/v1/exchange-info"


def _binance() -> tuple[Any, str, str]:
    running = BinanceSimulator.seed().serve()
    running.faults.add(BinanceFault.latency(HELD_MS, route="ticker/price"))
    return running, "/api/v3/ticker/price", "/api/v3/time"


@pytest.mark.parametrize("start", [_ascendex, _binance], ids=["ascendex", "binance"])
def test_stopping_with_a_pending_latency_fault_and_an_idle_connection_logs_nothing(
    start: Callable[[], tuple[Any, str, str]], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="asyncio")
    running, held_path, quick_path = start()
    idle = socket.create_connection(("127.0.0.1", running.port), timeout=30)
    idle.sendall(f"GET {quick_path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert idle.recv(12) == b"HTTP/1.1 200"  # answered; the connection stays open, idle
    busy = socket.create_connection(("127.0.0.1", running.port), timeout=30)
    busy.sendall(f"GET {held_path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    _wait_until(lambda: running.stats().in_flight == 1)  # held by the latency fault
    running.stop()
    try:
        assert busy.recv(100) == b""  # closed without an answer
    finally:
        busy.close()
        idle.close()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
