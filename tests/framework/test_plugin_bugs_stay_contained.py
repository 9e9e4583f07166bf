"""A buggy plugin fails its own accounts with typed errors and never hides the others."""

from __future__ import annotations

from collections.abc import Collection

import pytest

import plugins.ascendex as bundled
from framework.config import PluginPolicy
from framework.errors import PluginContractError, UnknownExchangeError
from framework.hookspecs import hookimpl
from framework.host import Folio, Plugins
from framework.loading import PluginStatus
from framework.models import BalanceSnapshot, WalletKind
from framework.providers import AccountContext
from tests.framework.helpers import TableReader, account, cash_plugin, plugins_of


class ReaderHookRaises:
    """Declares ``beta`` but its reader hook blows up with a non-folio exception."""

    @hookimpl
    def folio_balance_wallets(self) -> dict[str, list[WalletKind]]:
        return {"beta": [WalletKind.CASH]}

    @hookimpl
    def folio_balance_reader(self, exchange: str, context: AccountContext) -> TableReader:
        raise KeyError("account_group")


class ReturnsNone(TableReader):
    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        return None  # type: ignore[return-value]  # the bug under test


class ReturnsNothingPlugin:
    @hookimpl
    def folio_balance_wallets(self) -> dict[str, list[WalletKind]]:
        return {"gamma": [WalletKind.CASH]}

    @hookimpl
    def folio_balance_reader(self, exchange: str, context: AccountContext) -> ReturnsNone:
        return ReturnsNone(context, {})


class RiskOnly:
    def __init__(self) -> None:
        self.exchanges: Collection[str] = ("alpha",)

    @hookimpl
    def folio_risk_exchanges(self) -> Collection[str]:
        return self.exchanges


@pytest.mark.anyio
async def test_a_reader_hook_that_raises_fails_only_its_accounts() -> None:
    plugins = plugins_of(("good", cash_plugin("alpha")), ("bad", ReaderHookRaises()))
    async with Folio([account("fine", "alpha"), account("broken", "beta")],
                     plugins=plugins) as folio:
        fan_out = await folio.all_balances()
    assert list(fan_out.values) == ["fine"]
    error = fan_out.errors["broken"]
    assert isinstance(error, PluginContractError)
    assert "KeyError" in str(error)
    assert error.account == "broken"


@pytest.mark.anyio
async def test_a_reader_that_returns_none_is_a_contract_error() -> None:
    plugins = plugins_of(("good", cash_plugin("alpha")), ("bad", ReturnsNothingPlugin()))
    async with Folio([account("fine", "alpha"), account("empty", "gamma")],
                     plugins=plugins) as folio:
        fan_out = await folio.all_balances()
    assert list(fan_out.values) == ["fine"]
    error = fan_out.errors["empty"]
    assert isinstance(error, PluginContractError)
    assert "returned NoneType, not a BalanceSnapshot" in str(error)


@pytest.mark.anyio
async def test_a_conflicted_exchange_is_not_advertised_and_not_served() -> None:
    plugins = plugins_of(
        ("cash", cash_plugin("alpha")), ("risk-a", RiskOnly()), ("risk-b", RiskOnly())
    )
    assert [e.exchange for e in plugins.exchanges()] == []
    assert plugins.registry.conflicts() == {"alpha": ("cash", "risk-a", "risk-b")}
    async with Folio([account("main", "alpha")], plugins=plugins) as folio:
        with pytest.raises(UnknownExchangeError, match="claimed by several plugins"):
            await folio.balances("main")


def test_the_block_list_applies_to_plugins_a_host_registers() -> None:
    plugins = Plugins(
        PluginPolicy(block=frozenset({"acme"})),
        extra=[("acme", cash_plugin("alpha"))],
        use_entry_points=False,
    )
    assert [(r.name, r.status) for r in plugins.records] == [("acme", PluginStatus.BLOCKED)]
    assert plugins.exchanges() == []


def test_blocking_an_entry_point_also_blocks_its_name_given_by_the_host() -> None:
    loaded = Plugins(PluginPolicy(block=frozenset({"ascendex"})),
                     extra=[("ascendex", bundled)])
    records = [(r.name, r.status) for r in loaded.records if r.name == "ascendex"]
    assert records == [("ascendex", PluginStatus.BLOCKED)]
    assert [e.exchange for e in loaded.exchanges()] == ["binance", "bybit", "okx"]


def test_exchange_names_are_case_insensitive_in_python_too() -> None:
    assert account("main", "AscendEX").exchange == "ascendex"
