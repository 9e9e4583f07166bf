"""The Binance plugin's futures wallet and futures risk pass folio's conformance kit.

The kit runs once more for Binance with ``risk_wallet=futures``: the demo account (one open
BTCUSDT position) and one futures account per health state, on one simulator. A futures
account is exposed by its positions' maintenance margin, without any debt: ``ok`` and
``at_risk`` are read from the cushion, ``insolvent`` from losses beyond the wallet; a
Multi-Assets loan without positions is ``unrated`` (valued with the simulator's asset index).
"""

from __future__ import annotations

import hashlib

import pytest

from adapters.binance.simulator import Fault, RunningBinanceSimulator
from adapters.binance.simulator.accounts import SimAccount
from adapters.binance.simulator.demo import demo_account
from adapters.binance.simulator.futures import (
    DEFAULT_INDEX,
    FuturesPosition,
    FuturesRow,
    SimFutures,
)
from adapters.binance.simulator.pytest_plugin import BinanceSimulatorFactory
from adapters.binance.simulator.simulator import BinanceSimulator
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.models import HealthState, WalletKind
from framework.testing import ConformanceTarget, ExchangePluginContract, Scenario
from tests.binance_integration.conftest import DEMO

STAGED = {
    Scenario.RATE_LIMITED: Fault.rate_limited(retry_after=1),
    Scenario.BAD_RESPONSE: Fault.malformed_body('{"assets":[{"asset":"USDT"}]}'),
}


def _futures(wallet: str, pnl: str, maint: str) -> SimFutures:
    position = [FuturesPosition("BTCUSDT", "0.010", "640.00000000", pnl, maint_margin=maint)]
    return SimFutures(rows=[FuturesRow("USDT", wallet, pnl, maint_margin=maint)],
                      positions=position if maint != "0.00000000" else [])


RISK_STATES = {
    # Single-Asset mode, USDT: cushion = (wallet + unrealized profit) / maintenance margin.
    HealthState.NOT_APPLICABLE: _futures("1000.00000000", "0.00000000", "0.00000000"),
    HealthState.OK: _futures("1000.00000000", "-40.00000000", "2.56000000"),  # 375
    HealthState.AT_RISK: _futures("100.00000000", "-97.44000000", "2.56000000"),  # 1
    HealthState.INSOLVENT: _futures("100.00000000", "-150.00000000", "2.56000000"),  # -50
    # Multi-Assets mode, USD: a loan of 100 USDT against 1000 USDC and no position has no
    # cushion; its margin level is shown unrated (docs/exchanges/binance.md).
    HealthState.UNRATED: SimFutures(
        multi_assets=True, asset_index=DEFAULT_INDEX,
        rows=[FuturesRow("USDT", "-100.00000000"), FuturesRow("USDC", "1000.00000000")]),
}


def _key(state: HealthState) -> str:
    return hashlib.sha256(f"futures-{state.value}".encode()).hexdigest()


class TestBinanceFuturesContract(ExchangePluginContract):
    @pytest.fixture
    def binance_simulator(
        self, binance_simulator_factory: BinanceSimulatorFactory
    ) -> RunningBinanceSimulator:
        accounts = [demo_account(), *(
            SimAccount(_key(state), f"secret-{state.value}", futures=futures)
            for state, futures in RISK_STATES.items()
        )]
        return binance_simulator_factory(BinanceSimulator(accounts))

    @pytest.fixture
    def conformance_target(self, binance_simulator: RunningBinanceSimulator) -> ConformanceTarget:
        def account(name: str, credentials: Credentials) -> AccountConfig:
            return AccountConfig(name, "binance", StaticCredentials(credentials),
                                 base_url=binance_simulator.url)

        return ConformanceTarget(
            plugin="binance",
            account=account("futures", DEMO),
            expected_totals={WalletKind.FUTURES: {"USDT": "2000.00000000"}},
            expected_rows={WalletKind.FUTURES: {"USDT": {"available": "1780.00000000",
                                                         "borrowed": "0"}}},
            expected_equity="2100.00000000",
            expected_risk={"total_value": "2000.00000000", "available_value": "1780.00000000",
                           "borrowed_value": "0", "interest_value": None,
                           "max_leverage": None, "health": "164.0625",
                           "maintenance_margin": "12.80000000",
                           "unrealized_pnl": "100.00000000",
                           "position_notional": "3200.00000000"},
            risk_wallet=WalletKind.FUTURES,
            risk_states={
                state: account(f"futures-{state.value}",
                               Credentials.from_strings(_key(state), f"secret-{state.value}"))
                for state in RISK_STATES
            },
            inject=lambda scenario: binance_simulator.faults.installed(STAGED[scenario]),
        )
