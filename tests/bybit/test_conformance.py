"""The bundled Bybit plugin passes folio's conformance kit, against its simulator.

Needs the ``bybit`` entry point installed (pyproject.toml; ``pip install -e .``).
"""

from __future__ import annotations

from typing import Any

import pytest

from adapters.bybit.simulator import BybitSimulator, Coin, Fault, SimAccount, demo_account
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.models import HealthState, WalletKind
from framework.testing import ConformanceTarget, ExchangePluginContract, Scenario
from tests.bybit.conftest import DEMO

STAGED = {
    Scenario.RATE_LIMITED: {"kind": "json_error", "code": 10006, "message": "Too many visits!"},
    Scenario.BAD_RESPONSE: {"kind": "malformed_body",
                            "body": '{"retCode":0,"retMsg":"OK","result":{"list":[{"coin":1}]}}'},
}

# One unified account per health state; the simulator computes the USD figures and rates.
RISK_STATES: dict[HealthState, dict[str, Any]] = {
    HealthState.NOT_APPLICABLE: {"coins": [Coin("BTC", "1")]},
    HealthState.OK: {"coins": [Coin("BTC", "1"), Coin("USDT", "-1000", borrow_amount="1000")],
                     "maintenance_margin": "100"},
    # 0.01 BTC (640.1235 USD) and a 700 USD maintenance margin: a rate of 1.0935
    HealthState.AT_RISK: {"coins": [Coin("BTC", "0.01")], "maintenance_margin": "700"},
    # 0.005 BTC against a 500 USDT derivatives liability
    HealthState.INSOLVENT: {"coins": [Coin("BTC", "0.005"),
                                      Coin("USDT", "-500", borrow_amount="500")],
                            "maintenance_margin": "10"},
}


def _key(state: HealthState) -> str:
    return f"RISK{state.value.upper().replace('_', '')}KEY"


def _secret(state: HealthState) -> str:
    return f"risk-secret-{state.value}"


class TestBybitContract(ExchangePluginContract):
    @pytest.fixture
    def conformance_target(self, bybit_simulator_factory: Any) -> ConformanceTarget:
        accounts = [demo_account(), *(SimAccount(_key(s), _secret(s), **RISK_STATES[s])
                                      for s in RISK_STATES)]
        simulator = bybit_simulator_factory(BybitSimulator(accounts))

        return ConformanceTarget(
            plugin="bybit",
            account=AccountConfig("contract", "bybit", StaticCredentials(DEMO),
                                  base_url=simulator.url),
            expected_totals={WalletKind.CASH: {"BTC": "0.35", "ETH": "4.2", "SOL": "120",
                                               "USDT": "8000", "USDC": "3000"}},
            expected_equity="61045.5675",
            expected_rows={WalletKind.CASH: {
                "ETH": {"available": "3.7"},
                "USDC": {"available": "3000", "borrowed": "2500", "interest": "1.84"}}},
            expected_risk={"total_value": "61228.0675", "available_value": "60080.3675",
                           "borrowed_value": "0", "interest_value": None,
                           "leverage": "1.00298957", "max_leverage": None, "health": "0.0015"},
            expected_prices={"BTC/USDT": "64000.5", "ETH/BTC": "0.04922"},
            inject=lambda scenario: simulator.faults.installed(Fault.from_json(STAGED[scenario])),
            risk_states={
                state: AccountConfig(
                    f"risk-{state.value}", "bybit",
                    StaticCredentials(Credentials.from_strings(_key(state), _secret(state))),
                    base_url=simulator.url)
                for state in RISK_STATES
            },
        )
