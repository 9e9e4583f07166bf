"""The async host: per-account readers, fan-out with failures side by side, and closing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from anyio.lowlevel import checkpoint

from framework.config import PluginPolicy, parse_config
from framework.errors import (
    AuthenticationError,
    PluginContractError,
    UnknownAccountError,
    UnsupportedCapabilityError,
)
from framework.host import Folio
from framework.models import NOT_APPLICABLE, BalanceSnapshot, WalletKind
from framework.results import total_by_asset
from framework.settings import HttpSettings
from tests.framework.helpers import (
    ExchangePlugin,
    TableReader,
    account,
    cash_plugin,
    plugins_of,
    row,
)

ACCOUNTS = ("main", "auth", "crash", "spare")


@pytest.fixture
def plugin() -> ExchangePlugin:
    """Serves exchange alpha; 'auth' is refused by the exchange, 'crash' hits a plugin bug."""
    return ExchangePlugin(
        {"alpha": [WalletKind.CASH, WalletKind.MARGIN]},
        risk=["alpha"],
        table={
            "auth": AuthenticationError("API key rejected", endpoint="GET cash/balance"),
            "crash": RuntimeError("boom: signed with test-api-secret"),
            "spare": [row("BTC", "0.000000010"), row("ETH", "2")],
        },
    )


@pytest.fixture
def folio(plugin: ExchangePlugin) -> Folio:
    return Folio([account(name) for name in ACCOUNTS], plugins=plugins_of(("alpha", plugin)))


@pytest.mark.anyio
async def test_every_account_is_read_and_failures_sit_beside_the_successes(folio: Folio) -> None:
    async with folio:
        result = await folio.all_balances()

    assert [r.account for r in result] == list(ACCOUNTS)
    assert [r.ok for r in result] == [True, False, False, True]
    assert not result.ok
    assert result.values["main"]["USDT"].total == Decimal("1285.366663467")
    assert result.values["spare"]["BTC"].total == Decimal("0.000000010")

    refused = result.errors["auth"]
    assert isinstance(refused, AuthenticationError)
    assert (refused.exchange, refused.account, refused.endpoint) == (
        "alpha", "auth", "GET cash/balance"
    )
    assert str(refused) == "alpha account 'auth' GET cash/balance: API key rejected"

    bug = result.errors["crash"]
    assert isinstance(bug, PluginContractError)
    assert isinstance(bug.__cause__, RuntimeError)
    assert str(bug) == (
        "alpha account 'crash': the alpha plugin failed with RuntimeError (a plugin bug)"
    )


@pytest.mark.anyio
async def test_totals_say_which_accounts_they_miss(folio: Folio) -> None:
    async with folio:
        totals = total_by_asset(await folio.all_balances())
        complete = total_by_asset(await folio.all_balances(accounts=["main", "spare"]))

    assert totals.included == ("main", "spare")
    assert totals.missing == ("auth", "crash")
    assert not totals.complete
    assert dict(totals.totals) == {
        "BTC": Decimal("1.500000010"),
        "ETH": Decimal("2"),
        "USDT": Decimal("1285.366663467"),
    }
    assert complete.complete
    assert complete.missing == ()
    assert complete.totals == totals.totals


@pytest.mark.anyio
async def test_one_account_raises_its_located_error(folio: Folio) -> None:
    async with folio:
        snapshot = await folio.balances("main", WalletKind.MARGIN)
        with pytest.raises(AuthenticationError) as caught:
            await folio.balances("auth")
    assert (snapshot.account, snapshot.wallet) == ("main", WalletKind.MARGIN)
    assert caught.value.account == "auth"


@pytest.mark.anyio
async def test_unknown_accounts_are_errors_naming_the_configured_ones(folio: Folio) -> None:
    async with folio:
        with pytest.raises(UnknownAccountError, match=r"configured: main, auth, crash, spare"):
            await folio.balances("nobody")
        result = await folio.all_balances(accounts=["spare", "nobody"])
    assert result["spare"].ok
    assert result["nobody"].exchange == "unknown"
    assert isinstance(result["nobody"].error, UnknownAccountError)


@pytest.mark.anyio
async def test_an_unsupported_wallet_fails_each_account_with_a_typed_error() -> None:
    plugins = plugins_of(("alpha", cash_plugin()))
    async with Folio([account("a"), account("b")], plugins=plugins) as folio:
        result = await folio.all_balances(WalletKind.FUTURES)
    assert all(isinstance(e, UnsupportedCapabilityError) for e in result.errors.values())
    assert set(result.errors) == {"a", "b"}


@pytest.mark.anyio
async def test_readers_are_made_once_per_account_and_reused(
    folio: Folio, plugin: ExchangePlugin
) -> None:
    async with folio:
        for _ in range(3):
            await folio.balances("main")
            await folio.risk("main")
    assert plugin.calls == [("balance", "alpha", "main"), ("risk", "alpha", "main")]
    balance_reader, risk_reader = plugin.readers
    assert balance_reader.connection is risk_reader.connection  # one per account


@pytest.mark.anyio
async def test_closing_closes_each_resource_exactly_once(
    folio: Folio, plugin: ExchangePlugin
) -> None:
    async with folio:
        await folio.all_balances()
        await folio.all_balances(WalletKind.MARGIN)
        await folio.all_risk()
    await folio.aclose()  # a second close does nothing

    connections = {id(r.connection): r.connection for r in plugin.readers}
    assert len(connections) == len(ACCOUNTS)
    assert [c.closes for c in connections.values()] == [1] * len(ACCOUNTS)
    with pytest.raises(RuntimeError, match="closed"):
        await folio.balances("main")


@pytest.mark.anyio
async def test_margin_risk_fans_out_like_balances(folio: Folio) -> None:
    async with folio:
        result = await folio.all_risk()
    assert set(result.values) == {"main", "spare"}
    assert set(result.errors) == {"auth", "crash"}
    assert result.values["main"].leverage is NOT_APPLICABLE


class _Gauge(TableReader):
    """Counts how many reads are in flight across all readers at once."""

    active = 0
    peak = 0

    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        type(self).active += 1
        type(self).peak = max(type(self).peak, type(self).active)
        for _ in range(3):
            await checkpoint()  # let the other reads start, if the host allows it
        type(self).active -= 1
        return await super().fetch_balances(wallet)


@pytest.mark.anyio
@pytest.mark.parametrize(("limit", "peak"), [(1, 1), (2, 2), (256, 4)])
async def test_a_fan_out_reads_at_most_max_concurrency_accounts_at_once(
    limit: int, peak: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_Gauge, "peak", 0)
    plugin = ExchangePlugin({"alpha": [WalletKind.CASH]}, reader=_Gauge)
    accounts = [account(f"a{i}") for i in range(4)]
    http = HttpSettings(max_concurrency=limit)
    async with Folio(accounts, plugins=plugins_of(("alpha", plugin)), http=http) as folio:
        result = await folio.all_balances()
    assert result.ok
    assert _Gauge.peak == peak


def test_account_names_must_be_unique() -> None:
    with pytest.raises(ValueError, match="unique"):
        Folio([account("main"), account("main")], plugins=plugins_of())


CONFIG = """
[plugins]
block = ["ascendex"]

[accounts.main]
exchange = "ALPHA"
api_key_env = "ALPHA_KEY"
api_secret_env = "ALPHA_SECRET"
"""


@pytest.mark.anyio
@pytest.mark.parametrize("source", ["object", "file"])
async def test_a_host_is_built_from_configuration_with_extra_plugins(
    tmp_path: Path, source: str
) -> None:
    path = tmp_path / "folio.toml"
    path.write_text(CONFIG, encoding="utf-8")
    config = parse_config(CONFIG) if source == "object" else path
    plugin = cash_plugin()

    async with Folio.from_config(config, extra_plugins=[("alpha", plugin)]) as folio:
        snapshot = await folio.balances("main")

    assert folio.accounts == ("main",)
    assert folio.plugins.policy == PluginPolicy(block={"ascendex"})
    assert [s.exchange for s in folio.plugins.exchanges()] == ["alpha", "binance", "bybit", "okx"]
    assert snapshot.exchange == "alpha"
    assert plugin.calls == [("balance", "alpha", "main")]
