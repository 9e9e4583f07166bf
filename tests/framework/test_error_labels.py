""""(a plugin bug)" labels only what plugin code raised: not memory, not a host's misuse."""

from __future__ import annotations

import asyncio

import pytest

from framework.errors import OutOfMemoryError, PluginContractError
from framework.hookspecs import hookimpl
from framework.host import Folio
from framework.models import WalletKind
from framework.providers import AccountContext
from framework.sync import SyncFolio
from tests.framework.helpers import TableReader, account, cash_plugin, plugins_of


@pytest.mark.anyio
async def test_running_out_of_memory_is_reported_as_that_for_its_account_only() -> None:
    plugins = plugins_of(("alpha", cash_plugin("alpha", big=MemoryError("cannot grow buffer"))))
    async with Folio([account("fine"), account("big")], plugins=plugins) as folio:
        fan_out = await folio.all_balances()
        with pytest.raises(OutOfMemoryError) as caught:
            await folio.risk("big")
    assert list(fan_out.values) == ["fine"]
    for error in (fan_out.errors["big"], caught.value):
        assert type(error) is OutOfMemoryError
        assert (error.exchange, error.account) == ("alpha", "big")
        assert "ran out of memory (MemoryError (cannot grow buffer))" in str(error)
        assert "plugin bug" not in str(error)
        assert isinstance(error.__cause__, MemoryError)


class MemoryHungryHook:
    @hookimpl
    def folio_balance_wallets(self) -> dict[str, list[WalletKind]]:
        return {"beta": [WalletKind.CASH]}

    @hookimpl
    def folio_balance_reader(self, exchange: str, context: AccountContext) -> TableReader:
        raise MemoryError


@pytest.mark.anyio
async def test_running_out_of_memory_while_building_a_reader_is_not_a_plugin_bug() -> None:
    plugins = plugins_of(("beta", MemoryHungryHook()))
    async with Folio([account("main", "beta")], plugins=plugins) as folio:
        fan_out = await folio.all_balances()
    error = fan_out.errors["main"]
    assert type(error) is OutOfMemoryError
    assert str(error) == (
        "beta account 'main': the process ran out of memory (MemoryError) while reading this "
        "account"
    )


@pytest.mark.anyio
async def test_other_exceptions_from_plugin_code_stay_plugin_bugs() -> None:
    plugins = plugins_of(("alpha", cash_plugin("alpha", main=ZeroDivisionError("x"))))
    async with Folio([account("main")], plugins=plugins) as folio:
        fan_out = await folio.all_balances()
    error = fan_out.errors["main"]
    assert type(error) is PluginContractError
    assert "failed with ZeroDivisionError (a plugin bug)" in str(error)
    assert isinstance(error.__cause__, ZeroDivisionError)


def test_a_folio_used_on_a_second_event_loop_says_so_and_how_to_fix_it() -> None:
    plugin = cash_plugin("alpha")
    folio = Folio([account("main")], plugins=plugins_of(("alpha", plugin)))

    async def first() -> None:
        await folio.balances("main")

    asyncio.run(first())
    calls = [
        lambda: folio.balances("main"),
        lambda: folio.risk("main"),
        folio.all_balances,
        folio.all_risk,
    ]
    for call in calls:
        async def again(call: object = call) -> None:
            await call()  # type: ignore[operator]

        with pytest.raises(RuntimeError) as caught:
            asyncio.run(again())
        message = str(caught.value)
        assert "first used on another event loop" in message
        assert "one Folio per event loop" in message
        assert "SyncFolio" in message
        assert not isinstance(caught.value, PluginContractError)
    assert len(plugin.readers) == 1  # the plugin was never asked again
    asyncio.run(folio.aclose())


@pytest.mark.anyio
async def test_one_folio_serves_every_call_on_its_own_loop() -> None:
    async with Folio([account("main")], plugins=plugins_of(("alpha", cash_plugin()))) as folio:
        for _ in range(3):
            await folio.balances("main")
            await folio.all_risk()


def test_sync_folio_keeps_working_across_calls() -> None:
    with SyncFolio([account("main")], plugins=plugins_of(("alpha", cash_plugin()))) as folio:
        assert folio.balances("main").account == "main"
        assert folio.all_balances().ok
        assert folio.risk("main").account == "main"
