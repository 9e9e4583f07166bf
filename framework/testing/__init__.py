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
(``pip install 'folio[testing]'``).
"""

from framework.testing.contract import (
    REQUIRED_RISK_STATES,
    ConformanceTarget,
    ExchangePluginContract,
    Scenario,
)

__all__ = ["REQUIRED_RISK_STATES", "ConformanceTarget", "ExchangePluginContract", "Scenario"]
