"""The bundled OKX plugin passes folio's conformance kit, against its simulator."""

from __future__ import annotations

import pytest

from adapters.okx.simulator import Fault, OkxSimulator, Row, SimAccount, demo_account
from adapters.okx.simulator.pytest_plugin import OkxSimulatorFactory
from adapters.okx.simulator.simulator import RunningOkxSimulator
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.models import HealthState, WalletKind
from framework.testing import ConformanceTarget, ExchangePluginContract, Scenario
from tests.okx.conftest import DEMO

STAGED = {
    Scenario.RATE_LIMITED: Fault.rate_limited(retry_after=1),
    Scenario.BAD_RESPONSE: Fault.malformed_body('{"code":"0","data":[{"details":[]}]}'),
}

# Multi-currency margin accounts in each health state (USD; USDT at 1 USD, BTC at 64000).
RISK_STATES = {
    # 0.01 BTC (640 USD) held, 1000 USDT owed: equity -360
    HealthState.INSOLVENT: ([Row("BTC", "0.01"), Row("USDT", "-1000")], "50"),
    HealthState.NOT_APPLICABLE: ([Row("BTC", "1")], "0"),
    HealthState.OK: ([Row("BTC", "1"), Row("USDT", "-1000")], "100"),
    # adjEq 1100 over mmr 1000 x 1.125: a ratio below 1
    HealthState.AT_RISK: ([Row("USDT", "1100")], "1000"),
}


def _account(state: HealthState) -> SimAccount:
    rows, mmr = RISK_STATES[state]
    return SimAccount(f"key-{state.value}", f"secret-{state.value}", "phrase", rows, mmr=mmr)


class TestOkxContract(ExchangePluginContract):
    @pytest.fixture
    def okx_simulator(self, okx_simulator_factory: OkxSimulatorFactory) -> RunningOkxSimulator:
        accounts = [demo_account(), *(_account(state) for state in RISK_STATES)]
        return okx_simulator_factory(OkxSimulator(accounts))

    @pytest.fixture
    def conformance_target(self, okx_simulator: RunningOkxSimulator) -> ConformanceTarget:
        return ConformanceTarget(
            plugin="okx",
            account=AccountConfig("contract", "okx", StaticCredentials(DEMO),
                                  base_url=okx_simulator.url),
            expected_totals={WalletKind.CASH: {"BTC": "0.25", "ETH": "2.4", "SOL": "40",
                                               "USDT": "0.00"}},
            expected_equity="27939.65",
            expected_rows={WalletKind.CASH: {"ETH": {"available": "2"},
                                             "USDT": {"borrowed": "1500.00", "interest": "0.35"}}},
            expected_risk={"total_value": "29440.00", "borrowed_value": "1500.35",
                           "interest_value": None, "max_leverage": None},
            expected_prices={"BTC/USDT": "64000", "SOL/USDT": "150"},
            inject=lambda scenario: okx_simulator.faults.installed(STAGED[scenario]),
            risk_states={
                state: AccountConfig(
                    f"risk-{state.value}", "okx",
                    StaticCredentials(Credentials.from_strings(
                        f"key-{state.value}", f"secret-{state.value}", "phrase")),
                    base_url=okx_simulator.url)
                for state in RISK_STATES
            },
        )
