"""Starting and stopping, the pytest fixtures, keep-alive, and what the simulator may import."""

from __future__ import annotations

import http.client
import socket
import sys
import threading
from pathlib import Path

import pytest

from adapters.binance.simulator import (
    BinanceSimulator,
    Fault,
    RunningBinanceSimulator,
    SimAccount,
    system_clock_ms,
)
from adapters.binance.simulator.pytest_plugin import BinanceSimulatorFactory
from tests.binance_simulator.helpers import call
from tests.simulator.test_accounts import imported_modules

PACKAGE = Path(__file__).resolve().parents[2] / "adapters" / "binance" / "simulator"
SHARED = {
    # the exchange-neutral simulator kit, reused rather than copied
    "adapters.simkit.amounts",
    "adapters.simkit.control",
    "adapters.simkit.faults",
    "adapters.simkit.fixtures",
    "adapters.simkit.http11",
    "adapters.simkit.pipeline",
    "adapters.simkit.runtime",
    "adapters.simkit.server",
    "adapters.simkit.stats",
}


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("binance-simulator")]


def test_context_exit_stops_the_thread_and_the_port() -> None:
    with BinanceSimulator.seed().serve() as running:
        port = running.port
        assert running.url == f"http://127.0.0.1:{port}"
        assert running.running
        assert len(_threads()) == 1
    stopped: bool = not running.running  # (a property that changed: not narrowed away)
    assert stopped
    assert _threads() == []
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    running.stop()  # idempotent


def test_one_connection_serves_many_requests(seed_server: RunningBinanceSimulator) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", seed_server.port, timeout=10)
    try:
        for _ in range(3):
            connection.request("GET", "/api/v3/time")
            response = connection.getresponse()
            assert response.status == 200
            response.read()
    finally:
        connection.close()
    stats = seed_server.stats()
    assert (stats.connections, stats.count(route="time")) == (1, 3)


def test_the_fixture_is_fresh_per_test(binance_simulator: RunningBinanceSimulator) -> None:
    assert binance_simulator.faults.active() == []
    assert binance_simulator.stats().total == 0
    assert binance_simulator.used_weight("account") == 0
    binance_simulator.faults.add(Fault.http_status(500))  # left for the fixture to discard
    assert call(binance_simulator.port, "/api/v3/account", timestamp=None, sign_with=None
                ).status == 500


def test_the_factory_starts_custom_simulators_and_stops_them(
    binance_simulator_factory: BinanceSimulatorFactory,
) -> None:
    custom = BinanceSimulator([SimAccount("C" * 64, "custom-secret")])
    first = binance_simulator_factory(custom)
    second = binance_simulator_factory()
    assert first.port != second.port
    assert len(_threads()) == 2
    answer = call(first.port, "/api/v3/account", timestamp=system_clock_ms())
    assert answer.json()["code"] == -2015  # the demo key is not one of this simulator's


def test_a_port_in_use_fails_at_start() -> None:
    with BinanceSimulator.seed().serve() as running, pytest.raises(OSError, match="in use"):
        BinanceSimulator.seed().serve(port=running.port)
    assert _threads() == []


@pytest.mark.parametrize("module", sorted(p.name for p in PACKAGE.glob("*.py")))
def test_the_simulator_imports_nothing_of_folios_client(module: str) -> None:
    allowed_third_party = {"pytest"} if module == "pytest_plugin.py" else set()
    for name in imported_modules(PACKAGE / module):
        top = name.split(".")[0]
        if name.startswith("adapters.binance.simulator") or name in SHARED:
            continue
        assert top == "__future__" or top in sys.stdlib_module_names | allowed_third_party, (
            f"{module} imports {name}"
        )
