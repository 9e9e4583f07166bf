"""Risk per wallet: ``folio_risk_wallets``, ``fetch_margin_risk(wallet)`` and the host's ``wallet``.

A unified account's risk pool is its one wallet (served as ``cash``) and a futures wallet is a
risk pool of its own; the older ``folio_risk_exchanges`` means the margin wallet. Both kinds of
plugin are served side by side (docs/plugins.md, docs/host-api.md "Risk per wallet").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import pytest

from framework.errors import PluginContractError, UnsupportedCapabilityError
from framework.hookspecs import hookimpl
from framework.host import Folio
from framework.loading import PluginStatus
from framework.models import (
    Capability,
    HealthMetric,
    HealthState,
    MarginHealth,
    MarginRisk,
    WalletKind,
)
from framework.providers import AccountContext
from framework.sync import SyncFolio
from tests.framework.helpers import FETCHED_AT, ExchangePlugin, account, plugins_of


def futures_risk(
    context: AccountContext, wallet: WalletKind, *, pnl: str = "-120.5", mm: str = "310"
) -> MarginRisk:
    """A risk profile with positions and no debt: exposed, judged by its cushion."""
    total, unrealized = Decimal("5000"), Decimal(pnl)
    equity = total + unrealized
    maintenance = Decimal(mm)
    return MarginRisk(
        exchange=context.account.exchange,
        account=context.account.name,
        quote_asset="USD" if wallet is WalletKind.CASH else "USDT",
        total_value=total,
        available_value=Decimal("3100"),
        borrowed_value=Decimal(0),
        interest_value=None,
        equity=equity,
        leverage=total / equity,
        max_leverage=None,
        health=MarginHealth.assess(
            metric=HealthMetric.CUSHION,
            ratio=equity / maintenance if maintenance else None,
            liquidation_threshold=Decimal(1),
            equity=equity,
            debt=Decimal(0),
            maintenance_margin=maintenance,
        ),
        fetched_at=FETCHED_AT,
        wallet=wallet,
        maintenance_margin=maintenance,
        unrealized_pnl=unrealized,
        position_notional=Decimal("24000"),
    )


class WalletRiskReader:
    """Answers ``fetch_margin_risk(wallet)``; records every wallet asked for."""

    def __init__(self, context: AccountContext, answer_wallet: WalletKind | None) -> None:
        self.context = context
        self.asked: list[WalletKind] = []
        self.answer_wallet = answer_wallet

    async def fetch_margin_risk(self, wallet: WalletKind) -> MarginRisk:
        self.asked.append(wallet)
        return futures_risk(self.context, self.answer_wallet or wallet)

    async def fetch_balances(self, wallet: WalletKind) -> object:
        raise AssertionError("not read in these tests")


class WalletPlugin:
    """A plugin declaring risk per wallet (``risk``), optionally answering a wrong wallet."""

    def __init__(
        self,
        risk: object,
        *,
        balances: Mapping[str, Sequence[WalletKind]] | None = None,
        legacy: Sequence[str] | None = None,
        answer_wallet: WalletKind | None = None,
    ) -> None:
        self.risk = risk
        self.balances = balances or {}
        self.legacy = legacy
        self.answer_wallet = answer_wallet
        self.readers: list[WalletRiskReader] = []

    @hookimpl
    def folio_balance_wallets(self) -> Mapping[str, Sequence[WalletKind]]:
        return self.balances

    @hookimpl
    def folio_risk_wallets(self) -> object:
        return self.risk

    @hookimpl
    def folio_risk_reader(self, exchange: str, context: AccountContext) -> WalletRiskReader:
        reader = WalletRiskReader(context, self.answer_wallet)
        self.readers.append(reader)
        return reader


class BothHooks(WalletPlugin):
    """Also declares exchanges through the older hook."""

    @hookimpl
    def folio_risk_exchanges(self) -> Sequence[str]:
        return self.legacy or ()


UNIFIED = {"uni": [WalletKind.CASH], "perp": [WalletKind.FUTURES, WalletKind.MARGIN]}


def _folio(*named: tuple[str, object], accounts: Sequence[tuple[str, str]]) -> Folio:
    return Folio([account(n, exchange=e) for n, e in accounts], plugins=plugins_of(*named))


def test_declared_risk_wallets_are_the_exchange_support_in_order() -> None:
    legacy = ExchangePlugin({"alpha": [WalletKind.CASH]}, risk=["alpha"])
    registry = plugins_of(("wallets", WalletPlugin(UNIFIED)), ("alpha", legacy)).registry

    support = {s.exchange: s for s in registry.exchanges()}
    assert support["uni"].risk_wallets == (WalletKind.CASH,)
    assert support["perp"].risk_wallets == (WalletKind.FUTURES, WalletKind.MARGIN)
    assert support["alpha"].risk_wallets == (WalletKind.MARGIN,)  # the older hook's meaning
    assert support["perp"].capabilities == {Capability.MARGIN_RISK: "wallets"}
    assert registry.risk_service("perp").takes_wallet is True
    assert registry.risk_service("alpha").takes_wallet is False


@pytest.mark.parametrize(
    ("declared", "why"),
    [
        (["uni"], "a list of names is the older hook's answer"),
        ({"uni": {WalletKind.CASH}}, "a set has no default"),
        ({"uni": []}, "no wallet"),
        ({"uni": ["cash", "cash"]}, "a wallet twice"),
        ({"uni": ["spot"]}, "not a wallet kind"),
        ({"uni": "cash"}, "a string is not a sequence of wallets"),
        ({"uni": [WalletKind.CASH], "UNI": [WalletKind.MARGIN]}, "one exchange twice"),
        ({7: [WalletKind.CASH]}, "a name that is not a string"),
    ],
)
def test_a_malformed_risk_wallets_answer_is_reported_against_the_plugin(
    declared: object, why: str
) -> None:
    plugins = plugins_of(("bad", WalletPlugin(declared, balances={"uni": [WalletKind.CASH]})))

    (record,) = plugins.records
    assert record.status is PluginStatus.FAILED, why
    assert record.error is not None
    assert record.error.startswith("folio_risk_wallets() must return {exchange: [WalletKind")
    assert plugins.exchanges() == []  # its balances are not served either: it is unloaded


def test_one_exchange_declared_through_both_risk_hooks_is_a_declaration_error() -> None:
    plugin = BothHooks({"uni": [WalletKind.CASH]}, legacy=["uni", "other"])
    plugins = plugins_of(("both", plugin), ("alpha", ExchangePlugin({"alpha": [WalletKind.CASH]})))

    records = {r.name: r for r in plugins.records}
    assert records["both"].status is PluginStatus.FAILED
    assert records["both"].error == (
        "declares the risk of uni through both folio_risk_exchanges and folio_risk_wallets; "
        "declare each exchange through one of them"
    )
    assert [s.exchange for s in plugins.exchanges()] == ["alpha"]


def test_different_exchanges_through_each_risk_hook_are_both_served() -> None:
    plugin = BothHooks({"uni": [WalletKind.CASH]}, legacy=["old"])
    registry = plugins_of(("both", plugin)).registry

    assert registry.risk_service("uni").wallets == (WalletKind.CASH,)
    assert registry.risk_service("old").wallets == (WalletKind.MARGIN,)


def test_a_per_wallet_and_an_older_declaration_of_one_exchange_conflict() -> None:
    older = ExchangePlugin({}, risk=["uni"])
    registry = plugins_of(("wallets", WalletPlugin(UNIFIED)), ("older", older)).registry

    assert registry.conflicts() == {"uni": ("older", "wallets")}


@pytest.mark.anyio
async def test_the_default_risk_wallet_is_the_first_declared_and_is_passed_to_the_reader() -> None:
    plugin = WalletPlugin(UNIFIED)
    async with _folio(("wallets", plugin), accounts=[("u", "uni"), ("p", "perp")]) as folio:
        unified = await folio.risk("u")
        futures = await folio.risk("p")
        margin = await folio.risk("p", "margin")  # a name is accepted, as for balances
        again = await folio.risk("p", WalletKind.FUTURES)

    assert (unified.wallet, unified.quote_asset) == (WalletKind.CASH, "USD")
    assert futures.wallet is WalletKind.FUTURES
    assert futures.health.state is HealthState.OK  # no debt, positions: exposed, not n/a
    assert margin.wallet is WalletKind.MARGIN
    assert again.wallet is WalletKind.FUTURES
    # one reader per account serves every wallet, each call told which wallet
    assert [r.asked for r in plugin.readers] == [
        [WalletKind.CASH],
        [WalletKind.FUTURES, WalletKind.MARGIN, WalletKind.FUTURES],
    ]


@pytest.mark.anyio
async def test_the_older_hook_is_called_without_argument_and_means_the_margin_wallet() -> None:
    legacy = ExchangePlugin({"alpha": [WalletKind.CASH]}, risk=["alpha"])
    async with _folio(("alpha", legacy), accounts=[("a", "alpha")]) as folio:
        default = await folio.risk("a")
        named = await folio.risk("a", WalletKind.MARGIN)
        with pytest.raises(UnsupportedCapabilityError) as refused:
            await folio.risk("a", WalletKind.FUTURES)

    assert default.wallet is named.wallet is WalletKind.MARGIN
    assert (refused.value.exchange, refused.value.account) == ("alpha", "a")
    assert str(refused.value) == (
        "alpha account 'a': margin risk of the futures wallet is not supported for 'alpha' "
        "(its risk wallets: margin)"
    )


@pytest.mark.anyio
async def test_a_wallet_whose_risk_is_not_served_is_refused_before_the_plugin_is_asked() -> None:
    plugin = WalletPlugin(UNIFIED)
    async with _folio(("wallets", plugin), accounts=[("u", "uni")]) as folio:
        with pytest.raises(UnsupportedCapabilityError, match="its risk wallets: cash"):
            await folio.risk("u", WalletKind.FUTURES)
        with pytest.raises(ValueError, match="'spot' is not a valid WalletKind"):
            await folio.risk("u", "spot")
    assert [r.asked for r in plugin.readers] == [[]]


@pytest.mark.anyio
async def test_a_risk_of_another_wallet_than_asked_is_a_plugin_bug_naming_the_plugin() -> None:
    plugin = WalletPlugin(UNIFIED, answer_wallet=WalletKind.MARGIN)
    async with _folio(("sloppy", plugin), accounts=[("p", "perp")]) as folio:
        with pytest.raises(PluginContractError) as bug:
            await folio.risk("p")

    assert str(bug.value) == (
        "perp account 'p': the perp plugin ('sloppy') answered the risk of the futures "
        "wallet with that of the margin wallet (a plugin bug)"
    )


@pytest.mark.anyio
async def test_fan_outs_and_streams_read_the_wallet_asked_for_or_each_default() -> None:
    legacy = ExchangePlugin({"alpha": [WalletKind.CASH]}, risk=["alpha"])
    named = [("u", "uni"), ("p", "perp"), ("a", "alpha")]
    async with _folio(("wallets", WalletPlugin(UNIFIED)), ("alpha", legacy), accounts=named) as f:
        defaults = await f.all_risk()
        futures = await f.all_risk(wallet="futures")
        streamed = [r async for r in f.stream_risk(["p", "a"], wallet=WalletKind.MARGIN)]

    assert {n: r.wallet for n, r in defaults.values.items()} == {
        "u": WalletKind.CASH, "p": WalletKind.FUTURES, "a": WalletKind.MARGIN
    }
    assert list(futures.values) == ["p"]
    assert {n: type(e).__name__ for n, e in futures.errors.items()} == {
        "u": "UnsupportedCapabilityError", "a": "UnsupportedCapabilityError"
    }
    assert sorted((r.account, r.value.wallet if r.value else None) for r in streamed) == [
        ("a", WalletKind.MARGIN), ("p", WalletKind.MARGIN)
    ]


def test_the_blocking_host_mirrors_the_wallet_argument() -> None:
    plugins = plugins_of(("wallets", WalletPlugin(UNIFIED)))
    with SyncFolio([account("p", exchange="perp")], plugins=plugins) as sync:
        assert sync.risk("p").wallet is WalletKind.FUTURES
        assert sync.risk("p", "margin").wallet is WalletKind.MARGIN
        assert sync.all_risk(wallet="margin").values["p"].wallet is WalletKind.MARGIN
        (streamed,) = list(sync.stream_risk(wallet=WalletKind.FUTURES))
        assert streamed.value is not None
        assert streamed.value.wallet is WalletKind.FUTURES
