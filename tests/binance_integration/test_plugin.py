"""The plugin module: what it declares, one client per account, and the simulator it ships."""

from __future__ import annotations

import tomllib
from typing import Any

import httpx
import pytest

from adapters.binance import AsyncBinanceClient
from adapters.binance.simulator import DEMO_API_KEY, DEMO_API_SECRET, RunningBinanceSimulator
from adapters.binance_futures import AsyncBinanceFuturesClient, BinanceAccountReader
from framework.config import AccountConfig, StaticCredentials, parse_config
from framework.errors import ConfigurationError
from framework.host import Plugins
from framework.loading import BUILTIN_DISTRIBUTION
from framework.models import Capability, WalletKind
from framework.providers import AccountContext
from plugins import binance as plugin
from tests.binance_integration.conftest import DEMO


def _context(url: str = "http://127.0.0.1:9", **options: object) -> AccountContext:
    account = AccountConfig("main", "binance", StaticCredentials(DEMO), base_url=url,
                            options=options)
    return AccountContext(account)


def test_it_is_discovered_through_the_entry_point_and_owns_binance() -> None:
    plugins = Plugins()
    (record,) = [r for r in plugins.records if r.name == "binance"]
    assert record.distribution == BUILTIN_DISTRIBUTION == "folio-exchanges"
    (support,) = [e for e in plugins.exchanges() if e.exchange == "binance"]
    assert support.capabilities == {
        Capability.CASH_BALANCE: "binance",
        Capability.MARGIN_BALANCE: "binance",
        Capability.FUTURES_BALANCE: "binance",
        Capability.MARGIN_RISK: "binance",
        Capability.PRICES: "binance",
    }
    assert support.risk_wallets == (WalletKind.MARGIN, WalletKind.FUTURES)


def test_hooks_answer_only_for_binance() -> None:
    assert plugin.folio_balance_wallets() == {
        "binance": (WalletKind.CASH, WalletKind.MARGIN, WalletKind.FUTURES)
    }
    assert plugin.folio_risk_wallets() == {"binance": (WalletKind.MARGIN, WalletKind.FUTURES)}
    context = _context()
    assert plugin.folio_balance_reader("ascendex", context) is None
    assert plugin.folio_risk_reader("ascendex", context) is None


@pytest.mark.anyio
async def test_both_readers_of_an_account_share_its_clients(
    binance_simulator: RunningBinanceSimulator,
) -> None:
    context = _context(binance_simulator.url, recv_window=10_000)
    reader = plugin.folio_balance_reader("binance", context)
    assert isinstance(reader, BinanceAccountReader)

    def built() -> Any:
        msg = "not built yet"
        raise LookupError(msg)

    spot = context.resource("binance", built)  # built with the reader
    assert isinstance(spot, AsyncBinanceClient)
    assert spot.protocol.account == "main"
    risk = plugin.folio_risk_reader("binance", context)
    assert isinstance(risk, BinanceAccountReader)
    with pytest.raises(LookupError):  # the futures client is built on first use only
        context.resource("binance/futures", built)
    await risk.fetch_margin_risk(WalletKind.FUTURES)
    futures = context.resource("binance/futures", built)
    assert isinstance(futures, AsyncBinanceFuturesClient)
    await reader.fetch_balances(WalletKind.FUTURES)
    assert context.resource("binance/futures", built) is futures
    # The reader sends on the host's shared client, signed with the account's recvWindow.
    signed: list[httpx.URL] = []

    async def note(request: httpx.Request) -> None:
        signed.append(request.url)

    context.http_client().event_hooks["request"].append(note)
    await reader.fetch_balances(WalletKind.CASH)
    (url,) = signed
    assert url.params["recvWindow"] == "10000"
    assert "signature" in url.params
    await context.resources.aclose()


def test_bad_options_fail_when_the_reader_is_made() -> None:
    with pytest.raises(ConfigurationError) as caught:
        plugin.folio_balance_reader("binance", _context(omit_zero_balances="no"))
    assert caught.value.key == "options.omit_zero_balances"


def test_the_shipped_simulator_gives_a_working_sample_config() -> None:
    (simulator,) = plugin.folio_simulators()
    assert simulator.exchange == "binance"
    with simulator.start("127.0.0.1", 0) as handle:
        assert handle.url.startswith("http://127.0.0.1:")
        (demo,) = handle.demo_accounts()
        assert (demo.name, demo.exchange, demo.base_url) == ("binance-demo", "binance",
                                                             handle.url)
        environment = handle.sample_environment()
        assert environment == {"BINANCE_SIM_API_KEY": DEMO_API_KEY,
                               "BINANCE_SIM_API_SECRET": DEMO_API_SECRET}
        config = parse_config(handle.sample_config())
        (account,) = config.accounts
        assert (account.exchange, account.base_url) == ("binance", handle.url)
        assert tomllib.loads(handle.sample_config())["accounts"]["binance-sim"][
            "api_key_env"] == "BINANCE_SIM_API_KEY"
