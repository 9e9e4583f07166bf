"""The conformance kit names a plugin that raises a non-folio exception as exactly that.

The plugin is installed the way pip leaves one, as far as discovery goes: a module plus a
``.dist-info`` directory with its ``entry_points.txt`` on ``sys.path``; the contract then runs
in its own pytest process, as in a plugin author's suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

PLUGIN = '''
from datetime import UTC, datetime
from decimal import Decimal

from framework.errors import RateLimitedError
from framework.hookspecs import hookimpl
from framework.models import AssetBalance, BalanceSnapshot, WalletKind

STAGED = set()


class Reader:
    def __init__(self, context):
        self.account = context.account.name
        self.key = context.credentials().api_key.reveal()

    async def fetch_balances(self, wallet):
        if self.key != "good-key":
            raise ValueError("unknown key")         # a plugin bug: not a folio error
        if "rate_limited" in STAGED:
            raise RateLimitedError("throttled", endpoint="GET ledger")
        if "bad_response" in STAGED:
            raise KeyError("balances")              # a plugin bug again
        rows = [AssetBalance("BTC", total=Decimal("1.5"), available=Decimal("1.5"))]
        return BalanceSnapshot("brokenex", self.account, wallet, rows, datetime.now(UTC))


@hookimpl
def folio_balance_wallets():
    return {"brokenex": [WalletKind.CASH]}


@hookimpl
def folio_balance_reader(exchange, context):
    return Reader(context) if exchange == "brokenex" else None
'''

CONTRACT = '''
from contextlib import contextmanager

import pytest

import brokenex_plugin
from framework import AccountConfig, Credentials, StaticCredentials, WalletKind
from framework.testing import ConformanceTarget, ExchangePluginContract

pytest_plugins = ["framework.testing.conformance"]


@contextmanager
def inject(scenario):
    brokenex_plugin.STAGED.add(scenario.value)
    try:
        yield
    finally:
        brokenex_plugin.STAGED.clear()


class TestBrokenex(ExchangePluginContract):
    @pytest.fixture
    def conformance_target(self):
        credentials = StaticCredentials(Credentials.from_strings("good-key", "secret"))
        return ConformanceTarget(
            plugin="brokenex",
            account=AccountConfig("a", "brokenex", credentials),
            expected_totals={WalletKind.CASH: {"BTC": "1.5"}},
            inject=inject,
        )
'''


def _install(site: Path) -> None:
    (site / "brokenex_plugin.py").write_text(PLUGIN, encoding="utf-8")
    info = site / "folio_brokenex-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: folio-brokenex\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text("[folio]\nbrokenex = brokenex_plugin\n",
                                           encoding="utf-8")


def test_the_contract_says_the_plugin_raised_a_non_folio_exception(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install(site)
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_contract.py").write_text(CONTRACT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rf",
         str(tests / "test_contract.py"), "-k", "credentials or garbled or throttling"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(site)},
    )
    output = done.stdout + done.stderr
    summary = textwrap.indent(output[-3000:], "  ")
    # throttling is mapped correctly; the two plugin bugs are named for what they are
    assert "1 passed" in output, summary
    assert "2 failed" in output, summary
    assert "the plugin raised ValueError at brokenex_plugin.py:19, not a folio error" in output, (
        summary
    )
    assert "the plugin raised KeyError at brokenex_plugin.py:23, not a folio error" in output, (
        summary
    )
    assert "the error must say which endpoint failed" not in output, summary
    assert "unknown key" not in output, "a plugin's own message may hold anything: not quoted"
