"""The bundled AscendEX plugin passes the conformance kit, against its simulator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, Fault, RunningSimulator
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.models import WalletKind
from framework.testing import ConformanceTarget, ExchangePluginContract, Scenario

STAGED = {
    Scenario.RATE_LIMITED: Fault.rate_limited(retry_after=1),
    Scenario.BAD_RESPONSE: Fault.malformed_body('{"code":0,"data":[{"asset":"BTC"}]}'),
}


class TestAscendexContract(ExchangePluginContract):
    @pytest.fixture
    def conformance_target(self, ascendex_simulator: RunningSimulator) -> ConformanceTarget:
        @contextmanager
        def inject(scenario: Scenario) -> Iterator[None]:
            fault_id = ascendex_simulator.faults.add(STAGED[scenario])
            try:
                yield
            finally:
                ascendex_simulator.faults.remove(fault_id)

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
            inject=inject,
        )
