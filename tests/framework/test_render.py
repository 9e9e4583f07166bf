"""Plain-text tables: columns line up and amounts show every digit, unrounded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from framework.errors import AuthenticationError
from framework.loading import PluginRecord, PluginStatus
from framework.models import BalanceSnapshot, Capability, MarginRisk
from framework.registry import ExchangeSupport
from framework.render import (
    balances_table,
    errors_block,
    plugins_table,
    risk_table,
    totals_table,
)
from framework.results import AccountResult, FanOut, total_by_asset
from tests.framework.helpers import margin_risk, row, snapshot


def _column_end(header: str, name: str) -> int:
    return header.index(name) + len(name)


@pytest.fixture
def balances() -> FanOut[BalanceSnapshot]:
    down = AuthenticationError("API key rejected").located(exchange="alpha", account="down")
    return FanOut([
        AccountResult("main", "alpha", value=snapshot("main", [
            row("USDT", "1285.366663467"),
            row("BTC", "22.1308675", "16.1308675", borrowed="0.5", interest="0.000000010"),
        ])),
        AccountResult("down", "alpha", error=down),
        AccountResult("a-much-longer-name", "alpha", value=snapshot("a-much-longer-name", [
            row("BTC", "1E-8"),
        ])),
        AccountResult("empty", "alpha", value=snapshot("empty")),
    ])


def test_balances_line_up_with_every_digit(balances: FanOut[BalanceSnapshot]) -> None:
    header, *lines = balances_table(balances).splitlines()
    assert header.split() == ["ACCOUNT", "EXCHANGE", "WALLET", "ASSET", "TOTAL", "AVAILABLE",
                              "LOCKED", "BORROWED", "INTEREST", "NET"]
    assert len(lines) == 4  # failed accounts have no rows; an empty wallet says so
    usdt, btc, tiny, empty = lines
    assert len({len(line) for line in [header, usdt, btc, tiny]}) == 1
    expected = {
        "TOTAL": ["1285.366663467", "22.1308675", "0.00000001"],
        "LOCKED": ["0.000000000", "6.0000000", "0.00000000"],
        "INTEREST": ["0", "0.000000010", "0"],
        "NET": ["1285.366663467", "21.630867490", "0.00000001"],
    }
    for column, cells in expected.items():
        end = _column_end(header, column)
        for line, cell in zip([usdt, btc, tiny], cells, strict=True):
            assert line[:end].endswith(f" {cell}"), (column, line)
    assert usdt.startswith("main ")
    assert tiny.startswith("a-much-longer-name  alpha")
    assert "(none)" in empty


def test_totals_name_the_accounts_they_miss(balances: FanOut[BalanceSnapshot]) -> None:
    header, btc, usdt, note = totals_table(total_by_asset(balances, "net")).splitlines()
    assert header.split() == ["ASSET", "NET"]
    assert btc.split() == ["BTC", "21.630867500"]
    assert usdt.split() == ["USDT", "1285.366663467"]
    assert len(btc) == len(usdt) == len(header)  # amounts right-aligned under NET
    assert note == "(across 3 accounts; INCOMPLETE, missing: down)"


def test_complete_totals_of_one_account_say_so() -> None:
    one = FanOut([AccountResult("main", "alpha", value=snapshot(rows=[row("ETH", "0.6")]))])
    assert totals_table(total_by_asset(one)).splitlines()[-1] == "(across 1 account)"


def test_errors_are_listed_one_line_per_failed_account(
    balances: FanOut[BalanceSnapshot],
) -> None:
    assert errors_block(balances) == (
        "FAILED down: AuthenticationError: alpha account 'down': API key rejected"
    )


def test_risk_shows_ratios_that_do_not_apply_as_n_a() -> None:
    fan_out: FanOut[MarginRisk] = FanOut([
        AccountResult("calm", "alpha", value=margin_risk("calm")),
        AccountResult("geared", "alpha", value=margin_risk(
            "geared", leverage=Decimal("1.503759398"), cushion=Decimal("3.20")
        )),
    ])
    header, calm, geared = risk_table(fan_out).splitlines()
    assert calm.endswith("  n/a: nothing borrowed")
    assert geared.endswith("  ok: cushion 3.20 (liquidation at 1)")
    end = _column_end(header, "LEVERAGE")
    assert calm[:end].endswith(" n/a")
    # an exchange's leverage is shown as sent (framework/render.py's _leverage shortens only
    # quotients longer than any exchange sends; --json keeps every digit)
    assert geared[:end].endswith(" 1.503759398")


def test_plugins_and_exchanges_are_listed() -> None:
    records = [
        PluginRecord("alpha", PluginStatus.LOADED, "alpha-folio", "1.2.3"),
        PluginRecord("broken", PluginStatus.FAILED, "broken-folio", error="import failed: X"),
    ]
    support = ExchangeSupport(
        "alpha", {Capability.MARGIN_RISK: "alpha", Capability.CASH_BALANCE: "alpha"}
    )
    plugins, exchanges = plugins_table(records, [support]).split("\n\n")
    assert plugins.splitlines() == [
        "PLUGIN  STATUS  DISTRIBUTION       PROBLEM",
        "alpha   loaded  alpha-folio 1.2.3",
        "broken  failed  broken-folio       import failed: X",
    ]
    assert exchanges.splitlines() == [
        "EXCHANGE  CAPABILITIES               RISK WALLETS  PLUGIN",
        "alpha     cash_balance, margin_risk  -             alpha",
    ]
