"""Conformance kit: the contract every exchange plugin must meet, as ready-made pytest tests.

A plugin author subclasses :class:`ExchangePluginContract` in their test suite and supplies one
fixture, ``conformance_target``, describing a working account (usually pointed at the plugin's
own simulator), the numbers it must read, and how to make the exchange misbehave::

    pytest_plugins = ["framework.testing.conformance"]

    from framework.testing import ConformanceTarget, ExchangePluginContract, Scenario

    class TestMyExchange(ExchangePluginContract):
        @pytest.fixture
        def conformance_target(self, my_simulator):
            return ConformanceTarget(
                plugin="myexchange",                       # the entry-point name
                account=AccountConfig(...),                # base_url = the simulator
                expected_totals={WalletKind.CASH: {"BTC": "1.50000000"}},
                inject=my_simulator.inject,                # Scenario -> context manager
            )

The inherited tests check discovery through the ``folio`` entry point, the declared
capabilities (which decide what else runs), the amounts read against the expected ones digit
for digit (``expected_totals``, ``expected_rows``, ``expected_risk``), what the domain models
cannot check themselves (available within total, no debt outside margin, a leverage that means
total / equity), error mapping (bad credentials, rate limiting, a garbled answer), that no
credential, not even a rejected one, shows up in any ``repr``, message or log line, and that
every socket is closed when the host closes. Install with the ``testing`` extra
(``pip install 'folio-exchanges[testing]'``).

A *host's* test suite uses the other half: :class:`SimulatedExchanges` starts every installed
plugin's simulator, hands over a configuration and stages faults (:class:`SimulatorFault`)
through the simulators' control routes, without importing an adapter; the ``folio_simulators``
fixture (:mod:`framework.testing.fixtures`) wraps it. docs/testing.md, "Testing a host".

The names are imported on first use: pytest loads :mod:`framework.testing.fixtures` in every
session of an environment where folio is installed, and that must not import the contract,
the host or any plugin.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from framework.testing.contract import (
        REQUIRED_RISK_STATES,
        ConformanceTarget,
        ExchangePluginContract,
        Scenario,
    )
    from framework.testing.control import SimulatorControl, SimulatorControlError
    from framework.testing.faults import SimulatorFault, SimulatorFaultKind
    from framework.testing.hosts import SimulatedExchange, SimulatedExchanges

__all__ = [
    "REQUIRED_RISK_STATES",
    "ConformanceTarget",
    "ExchangePluginContract",
    "Scenario",
    "SimulatedExchange",
    "SimulatedExchanges",
    "SimulatorControl",
    "SimulatorControlError",
    "SimulatorFault",
    "SimulatorFaultKind",
]

_HOMES = {
    "REQUIRED_RISK_STATES": "contract",
    "ConformanceTarget": "contract",
    "ExchangePluginContract": "contract",
    "Scenario": "contract",
    "SimulatedExchange": "hosts",
    "SimulatedExchanges": "hosts",
    "SimulatorControl": "control",
    "SimulatorControlError": "control",
    "SimulatorFault": "faults",
    "SimulatorFaultKind": "faults",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        msg = f"module 'framework.testing' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(import_module(f"framework.testing.{home}"), name)
