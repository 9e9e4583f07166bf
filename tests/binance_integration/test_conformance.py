"""The bundled Binance plugin passes folio's conformance kit, against its simulator."""

from __future__ import annotations

import hashlib

import pytest

from adapters.binance.simulator import Fault, RunningBinanceSimulator
from adapters.binance.simulator.accounts import MarginRow, SimAccount, seed_account
from adapters.binance.simulator.pytest_plugin import BinanceSimulatorFactory
from adapters.binance.simulator.simulator import BinanceSimulator
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.models import HealthState, WalletKind
from framework.testing import ConformanceTarget, ExchangePluginContract, Scenario
from tests.binance_integration.conftest import DEMO

STAGED = {
    Scenario.RATE_LIMITED: Fault.rate_limited(retry_after=1),
    Scenario.BAD_RESPONSE: Fault.malformed_body('{"balances":[{"asset":"BTC"}]}'),
}


# Cross-margin accounts in each health state; the simulator computes the BTC totals and the
# margin level (total asset / liability) from the rows.
RISK_STATES = {
    # 0.5 held, 0.6 owed: level 0.83333333, net -0.1
    HealthState.INSOLVENT: [MarginRow("BTC", "0.50000000", borrowed="0.60000000")],
    HealthState.NOT_APPLICABLE: [MarginRow("BTC", "1.00000000")],
    HealthState.OK: [MarginRow("BTC", "2.00000000", borrowed="1.00000000")],  # level 2
    HealthState.AT_RISK: [MarginRow("BTC", "1.10000000", borrowed="1.00000000")],  # level 1.1
}


def _key(state: HealthState) -> str:
    """A key in Binance's format (64 letters and digits), one per state."""
    return hashlib.sha256(state.value.encode()).hexdigest()


def _state_account(state: HealthState) -> SimAccount:
    return SimAccount(_key(state), f"risk-secret-{state.value}", margin=RISK_STATES[state])


class TestBinanceContract(ExchangePluginContract):
    @pytest.fixture
    def binance_simulator(
        self, binance_simulator_factory: BinanceSimulatorFactory
    ) -> RunningBinanceSimulator:
        """The seed account, and one cross-margin account per health state."""
        accounts = [seed_account(), *(_state_account(state) for state in RISK_STATES)]
        return binance_simulator_factory(BinanceSimulator(accounts))

    @pytest.fixture
    def conformance_target(self, binance_simulator: RunningBinanceSimulator) -> ConformanceTarget:
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
            inject=lambda scenario: binance_simulator.faults.installed(STAGED[scenario]),
            risk_states={
                state: AccountConfig(
                    f"risk-{state.value}", "binance",
                    StaticCredentials(Credentials.from_strings(
                        _key(state), f"risk-secret-{state.value}")),
                    base_url=binance_simulator.url,
                )
                for state in RISK_STATES
            },
        )
