"""The conformance kit refuses a balance row with a negative amount or a negative locked.

The model decision of issue #12 (docs/host-api.md, "Models"): every amount of a balance is at
least zero but the unrealized PnL (a debt is ``borrowed``, never a negative ``total``), and
nothing locks more than the asset holds: ``locked = max(total + unrealized_pnl, 0) -
available`` below zero means the plugin read an ``available`` that is not the asset's own (an
account-wide figure put on one row). The model does not check signs (it is on the hot path,
docs/performance.md); the kit is where a plugin learns it got them wrong. Before this test
both readings passed the kit. The plugin is installed as pip leaves one and the kit runs in a
pytest process of its own, as in a plugin author's suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PLUGIN = '''
from datetime import UTC, datetime
from decimal import Decimal

from framework.hookspecs import hookimpl
from framework.models import AssetBalance, BalanceSnapshot, WalletKind

ROWS = {
    "locked": AssetBalance("USDT", total=Decimal("100"), available=Decimal("80"),
                           unrealized_pnl=Decimal("-50")),
    "total": AssetBalance("USDT", total=Decimal("-5"), available=Decimal("-5")),
    "fine": AssetBalance("USDT", total=Decimal("100"), available=Decimal("40"),
                         unrealized_pnl=Decimal("-50")),
}


class Reader:
    def __init__(self, context):
        self.account = context.account.name

    async def fetch_balances(self, wallet):
        rows = [ROWS[self.account]]
        return BalanceSnapshot("signex", self.account, wallet, rows, datetime.now(UTC))


@hookimpl
def folio_balance_wallets():
    return {"signex": [WalletKind.CASH]}


@hookimpl
def folio_balance_reader(exchange, context):
    return Reader(context) if exchange == "signex" else None
'''

CONTRACT = '''
import pytest

from framework import AccountConfig, Credentials, StaticCredentials, WalletKind
from framework.testing import ConformanceTarget, ExchangePluginContract

pytest_plugins = ["framework.testing.conformance"]


class TestSignex(ExchangePluginContract):
    @pytest.fixture
    def conformance_target(self):
        credentials = StaticCredentials(Credentials.from_strings("key", "secret"))
        return ConformanceTarget(
            plugin="signex",
            account=AccountConfig("ACCOUNT", "signex", credentials),
            expected_totals={WalletKind.CASH: {"USDT": "TOTAL"}},
            available_within_total=False,
        )
'''


def _contract(account: str) -> str:
    total = {"locked": "100", "total": "-5", "fine": "100"}[account]
    return CONTRACT.replace("ACCOUNT", account).replace("TOTAL", total)


def _install(site: Path) -> None:
    (site / "signex_plugin.py").write_text(PLUGIN, encoding="utf-8")
    info = site / "folio_signex-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: folio-signex\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text("[folio]\nsignex = signex_plugin\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("account", "verdict"),
    [("locked", "USDT: available above what it holds"), ("total", "USDT: negative total"),
     ("fine", None)],
)
def test_the_kit_refuses_negative_amounts_and_locked(
    tmp_path: Path, account: str, verdict: str | None
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install(site)
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_contract.py").write_text(_contract(account),
                                            encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rf",
         str(tests / "test_contract.py"), "-k", "balances_are_exact"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(site)},
    )
    output = done.stdout + done.stderr
    summary = textwrap.indent(output[-3000:], "  ")
    if verdict is None:
        assert "1 passed" in output, summary
    else:
        assert "1 failed" in output, summary
        assert verdict in output, summary
