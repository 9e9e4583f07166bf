"""The bundled Binance plugin passes folio's conformance kit, against its simulator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from adapters.binance.simulator import Fault, RunningBinanceSimulator
from framework.config import AccountConfig, StaticCredentials
from framework.models import WalletKind
from framework.testing import ConformanceTarget, ExchangePluginContract, Scenario
from tests.binance_integration.conftest import DEMO

STAGED = {
    Scenario.RATE_LIMITED: Fault.rate_limited(retry_after=1),
    Scenario.BAD_RESPONSE: Fault.malformed_body('{"balances":[{"asset":"BTC"}]}'),
}


class TestBinanceContract(ExchangePluginContract):
    @pytest.fixture
    def conformance_target(self, binance_simulator: RunningBinanceSimulator) -> ConformanceTarget:
        @contextmanager
        def inject(scenario: Scenario) -> Iterator[None]:
            fault_id = binance_simulator.faults.add(STAGED[scenario])
            try:
                yield
            finally:
                binance_simulator.faults.remove(fault_id)

        return ConformanceTarget(
            plugin="binance",
            account=AccountConfig("contract", "binance", StaticCredentials(DEMO),
                                  base_url=binance_simulator.url),
            expected_totals={
                WalletKind.CASH: {"BTC": "4723846.89208129", "LTC": "4763368.68006011"},
                WalletKind.MARGIN: {"BTC": "0.00499500", "BNB": "2346.50000000"},
            },
            expected_equity="6.24095242",
            expected_rows={
                WalletKind.CASH: {"LTC": {"available": "4763368.68006011"}},
                WalletKind.MARGIN: {"BNB": {"available": "2346.50000000",
                                            "borrowed": "201.66666672",
                                            "interest": "0.00000000"}},
            },
            expected_risk={"total_value": "6.82728457", "available_value": None,
                           "borrowed_value": "0.58633215", "interest_value": None,
                           "leverage": "1.09394915", "max_leverage": None,
                           "health": "11.64405625"},
            inject=inject,
        )
