"""Both simulators answer their control routes from one module (adapters/simkit/control.py).

The host testing kit (framework/testing/control.py) drives every simulator the same way, so
the control routes must not drift apart per exchange: AscendEX's once had a copy of its own.
Here the same control requests, sent to both simulators, get byte-identical answers (the
``Date`` header aside).
"""

from __future__ import annotations

import importlib.util
import re
import socket
from typing import Any

from adapters.ascendex.simulator import AscendexSimulator
from adapters.binance.simulator import BinanceSimulator

REQUESTS = [
    ("GET", "/__simulator__/faults", b""),
    ("POST", "/__simulator__/faults", b'{"kind":"latency","latency_ms":5}'),
    ("POST", "/__simulator__/faults",
     b'{"faults":[{"kind":"http_status","status":503,"times":2},{"kind":"nope"}]}'),
    ("POST", "/__simulator__/faults", b"{not json"),
    ("GET", "/__simulator__/faults", b""),
    ("PUT", "/__simulator__/faults", b""),
    ("PATCH", "/__simulator__/stats", b""),
    ("DELETE", "/__simulator__/clock", b""),
    ("POST", "/__simulator__/clock", b'{"offset_ms":true}'),
    ("POST", "/__simulator__/clock", b'{"offset_ms":5}'),
    ("DELETE", "/__simulator__/faults", b""),
    ("DELETE", "/__simulator__/stats", b""),
]


def _exchange(port: int, method: str, path: str, body: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
                     "Connection: close\r\n\r\n".encode() + body)
        answer = b""
        while chunk := sock.recv(65_536):
            answer += chunk
    return re.sub(rb"Date: [^\r]*", b"Date: -", answer)


def _answers(running: Any) -> list[bytes]:
    with running:
        return [_exchange(running.port, *request) for request in REQUESTS]


def test_both_simulators_answer_control_requests_byte_for_byte_alike() -> None:
    def clock() -> int:
        return 1_700_000_000_000

    ascendex = _answers(AscendexSimulator.seed(clock=clock).serve(control=True))
    binance = _answers(BinanceSimulator.seed(clock=clock).serve(control=True))
    assert ascendex == binance
    assert ascendex[1].startswith(b"HTTP/1.1 200 ")
    assert ascendex[5].startswith(b"HTTP/1.1 405 ")


def test_the_ascendex_simulator_has_no_control_module_of_its_own() -> None:
    assert importlib.util.find_spec("adapters.ascendex.simulator.control") is None
