"""The blocking facade: the same host driven from sync code on one private event loop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from framework.config import FolioConfig
from framework.errors import AuthenticationError
from framework.models import NOT_APPLICABLE, WalletKind
from framework.sync import SyncFolio
from tests.framework.helpers import ExchangePlugin, account, cash_plugin, plugins_of


@pytest.fixture
def plugin() -> ExchangePlugin:
    return cash_plugin(auth=AuthenticationError("API key rejected"))


def test_sync_code_reads_accounts_and_closes_their_resources(plugin: ExchangePlugin) -> None:
    accounts = [account("main"), account("auth")]
    with SyncFolio(accounts, plugins=plugins_of(("alpha", plugin))) as folio:
        assert folio.accounts == ("main", "auth")
        snapshot = folio.balances("main")
        everything = folio.all_balances(WalletKind.CASH)
        risk = folio.risk("main")
        risks = folio.all_risk(["main"])
        with pytest.raises(AuthenticationError, match="account 'auth'"):
            folio.balances("auth")

    assert snapshot.assets == ("BTC", "USDT")
    assert set(everything.values) == {"main"}
    assert isinstance(everything.errors["auth"], AuthenticationError)
    assert risk.leverage is NOT_APPLICABLE
    assert risks.ok
    assert [r.connection.closes for r in plugin.readers] == [1] * len(plugin.readers)


def test_every_call_runs_on_the_same_private_loop(plugin: ExchangePlugin) -> None:
    folio = SyncFolio([account("main")], plugins=plugins_of(("alpha", plugin)))
    try:
        folio.balances("main")
        folio.balances("main")
        folio.risk("main")
    finally:
        folio.close()
    loops = [loop for reader in plugin.readers for loop in reader.loops]
    assert len(loops) == 3
    assert len(set(loops)) == 1  # pooled connections stay valid between calls
    assert loops[0].is_closed()


def test_calls_from_several_threads_share_the_loop_one_at_a_time(plugin: ExchangePlugin) -> None:
    results: list[str] = []
    with SyncFolio([account("main")], plugins=plugins_of(("alpha", plugin))) as folio:
        def read() -> None:
            results.append(folio.balances("main").exchange)

        threads = [threading.Thread(target=read) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert results == ["alpha"] * 4
    assert len({loop for reader in plugin.readers for loop in reader.loops}) == 1


@pytest.mark.anyio
async def test_calling_it_from_async_code_is_a_clear_error(plugin: ExchangePlugin) -> None:
    folio = SyncFolio([account("main")], plugins=plugins_of(("alpha", plugin)))
    try:
        with pytest.raises(RuntimeError, match="await Folio instead"):
            folio.balances("main")
    finally:
        await asyncio.to_thread(folio.close)


def test_a_closed_facade_refuses_calls_and_closes_once(plugin: ExchangePlugin) -> None:
    folio = SyncFolio([account("main")], plugins=plugins_of(("alpha", plugin)))
    folio.balances("main")
    folio.close()
    folio.close()
    with pytest.raises(RuntimeError, match="closed"):
        folio.balances("main")
    assert plugin.readers[0].connection.closes == 1


def test_built_from_configuration_with_extra_plugins(plugin: ExchangePlugin) -> None:
    config = FolioConfig(accounts=[account("main")])
    with SyncFolio.from_config(config, extra_plugins=[("alpha", plugin)]) as folio:
        assert folio.balances("main").exchange == "alpha"
        assert "alpha" in [s.exchange for s in folio.plugins.exchanges()]
