"""The bundled AscendEX plugin passes the conformance kit, against its simulator."""

from __future__ import annotations

import pytest

from adapters.ascendex.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    AscendexSimulator,
    ComputedRisk,
    Fault,
    MarginRow,
    RunningSimulator,
    SimAccount,
)
from adapters.ascendex.simulator.accounts import seed_account
from adapters.ascendex.simulator.pytest_plugin import SimulatorFactory
from adapters.ascendex.simulator.tickers import SEED_TICKERS
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.models import HealthState, WalletKind
from framework.testing import ConformanceTarget, ExchangePluginContract, Scenario

STAGED = {
    Scenario.RATE_LIMITED: Fault.rate_limited(retry_after=1),
    Scenario.BAD_RESPONSE: Fault.malformed_body('{"code":0,"data":[{"asset":"BTC"}]}'),
}


# Margin accounts in each health state, computed by the simulator from their rows as the
# exchange does (cushion = net / maintenance margin when both are positive, else -1).
RISK_STATES = {
    # net 100 - 150 - 1.5 = -51.5 with debt: the cushion is -1, as for "nothing borrowed"
    HealthState.INSOLVENT: [MarginRow("USDT", "100", "100", borrowed="150", interest="1.5")],
    HealthState.NOT_APPLICABLE: [MarginRow("USDT", "100", "100")],
    # net 900, maintenance 10: cushion 90
    HealthState.OK: [MarginRow("USDT", "1000", "1000", borrowed="100")],
    # net 5, maintenance 10: cushion 0.5
    HealthState.AT_RISK: [MarginRow("USDT", "100", "100", borrowed="95")],
}


def _state_account(state: HealthState) -> SimAccount:
    emm = "10" if state is HealthState.AT_RISK else None
    return SimAccount(
        api_key=f"risk-{state.value}", api_secret=f"risk-secret-{state.value}", account_group=3,
        margin=RISK_STATES[state], risk=ComputedRisk(effective_maintenance_margin=emm),
    )


class TestAscendexContract(ExchangePluginContract):
    @pytest.fixture
    def ascendex_simulator(self, ascendex_simulator_factory: SimulatorFactory) -> RunningSimulator:
        """The seed account, and one margin account per health state."""
        accounts = [seed_account("seed"), *(_state_account(state) for state in RISK_STATES)]
        return ascendex_simulator_factory(AscendexSimulator(accounts, tickers=SEED_TICKERS))

    @pytest.fixture
    def conformance_target(self, ascendex_simulator: RunningSimulator) -> ConformanceTarget:
        account = AccountConfig(
            name="contract",
            exchange="ascendex",
            credentials=StaticCredentials(Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)),
            base_url=ascendex_simulator.url,
            options={"account_group": 6},
        )
        return ConformanceTarget(
            plugin="ascendex",
            account=account,
            expected_totals={
                WalletKind.CASH: {"USDT": "1285.366663467", "BTC": "22.1308675", "ETH": "0.6"},
                WalletKind.MARGIN: {"USDT": "11200", "ETH": "20"},
            },
            expected_equity="17715.8175",
            expected_rows={
                WalletKind.CASH: {"BTC": {"available": "16.1308675"}},
                WalletKind.MARGIN: {"USDT": {"available": "11200", "borrowed": "0",
                                             "interest": "0"}},
            },
            expected_risk={"total_value": "17715.8175", "available_value": "17715.8175",
                           "borrowed_value": "0", "interest_value": "0", "leverage": "1",
                           "max_leverage": "10", "health": "n/a"},
            inject=lambda scenario: ascendex_simulator.faults.installed(STAGED[scenario]),
            expected_prices={"BTC/USDT": "8000", "ETH/BTC": "0.040723859375"},
            risk_states={
                state: AccountConfig(
                    name=f"risk-{state.value}",
                    exchange="ascendex",
                    credentials=StaticCredentials(Credentials.from_strings(
                        f"risk-{state.value}", f"risk-secret-{state.value}")),
                    base_url=ascendex_simulator.url,
                )
                for state in RISK_STATES
            },
        )
