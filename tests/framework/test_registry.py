"""The exchange registry: each exchange has one owning plugin, and only the owner is asked."""

from __future__ import annotations

from contextlib import AbstractContextManager

import pytest

from framework.errors import (
    PluginContractError,
    UnknownExchangeError,
    UnsupportedCapabilityError,
)
from framework.hookspecs import hookimpl
from framework.loading import PluginStatus
from framework.models import Capability, WalletKind
from framework.providers import AccountContext, Simulator, SimulatorHandle
from tests.framework.helpers import ExchangePlugin, account, plugins_of


def _context(exchange: str, name: str = "main") -> AccountContext:
    return AccountContext(account(name, exchange=exchange))


@pytest.fixture
def alpha() -> ExchangePlugin:
    return ExchangePlugin({"alpha": [WalletKind.CASH, WalletKind.MARGIN]}, risk=["alpha"])


@pytest.fixture
def beta() -> ExchangePlugin:
    return ExchangePlugin({"Beta": [WalletKind.CASH]})


def test_a_call_for_an_exchange_goes_only_to_the_plugin_that_declared_it(
    alpha: ExchangePlugin, beta: ExchangePlugin
) -> None:
    # pluggy calls the newest registration first: without owner dispatch beta would answer
    registry = plugins_of(("alpha", alpha), ("beta", beta)).registry

    reader = registry.balance_reader(WalletKind.CASH, _context("alpha"))
    assert alpha.calls == [("balance", "alpha", "main")]
    assert beta.calls == []
    assert reader is alpha.readers[0]

    registry.balance_reader(WalletKind.CASH, _context("beta", "other"))
    registry.risk_reader(_context("alpha"))
    assert beta.calls == [("balance", "beta", "other")]
    assert alpha.calls[1:] == [("risk", "alpha", "main")]


def test_exchanges_list_capabilities_by_owner(alpha: ExchangePlugin, beta: ExchangePlugin) -> None:
    registry = plugins_of(("alpha", alpha), ("beta", beta)).registry
    first, second = registry.exchanges()
    assert first.exchange == "alpha"
    assert dict(first.capabilities) == {
        Capability.CASH_BALANCE: "alpha",
        Capability.MARGIN_BALANCE: "alpha",
        Capability.MARGIN_RISK: "alpha",
    }
    assert second.exchange == "beta"  # declared as "Beta": names are case-insensitive
    assert dict(second.capabilities) == {Capability.CASH_BALANCE: "beta"}


@pytest.mark.parametrize("declares", ["balances", "risk"])
def test_two_plugins_declaring_one_exchange_is_a_reported_conflict(
    alpha: ExchangePlugin, declares: str
) -> None:
    if declares == "balances":
        rival = ExchangePlugin({"alpha": [WalletKind.CASH]})
    else:
        rival = ExchangePlugin({}, risk=["alpha"])
    registry = plugins_of(("alpha", alpha), ("rival", rival)).registry

    assert registry.conflicts() == {"alpha": ("alpha", "rival")}
    claimed = r"claimed by several plugins \(alpha, rival\); block all but one"
    with pytest.raises(UnknownExchangeError, match=claimed):
        registry.balance_reader(WalletKind.CASH, _context("alpha"))
    with pytest.raises(UnknownExchangeError, match=claimed):
        registry.risk_reader(_context("alpha"))
    assert alpha.calls == rival.calls == []


def test_an_unknown_exchange_names_what_is_installed(
    alpha: ExchangePlugin, beta: ExchangePlugin
) -> None:
    registry = plugins_of(("alpha", alpha), ("beta", beta)).registry
    with pytest.raises(UnknownExchangeError) as caught:
        registry.balance_reader(WalletKind.CASH, _context("gamma"))
    assert caught.value.exchange == "gamma"
    assert "no installed plugin serves exchange 'gamma' (installed: alpha, beta)" in str(
        caught.value
    )


@pytest.mark.parametrize(
    ("asked", "hint"),
    [("alhpa", "; did you mean 'alpha'?"), ("Beta-Futures", "; did you mean 'beta'?"),
     ("gamma", "")],
)
def test_a_misspelt_exchange_is_answered_with_the_closest_served_name(
    alpha: ExchangePlugin, beta: ExchangePlugin, asked: str, hint: str
) -> None:
    """``okex`` for ``okx``, ``binance-futures`` for the ``binance`` plugin's futures wallet."""
    registry = plugins_of(("alpha", alpha), ("beta", beta)).registry
    with pytest.raises(UnknownExchangeError) as caught:
        registry.balance_reader(WalletKind.CASH, _context(asked))
    assert str(caught.value).endswith(f"(installed: alpha, beta){hint}")


def test_an_unknown_exchange_with_nothing_installed_says_none() -> None:
    with pytest.raises(UnknownExchangeError, match=r"\(installed: none\)"):
        plugins_of().registry.risk_reader(_context("alpha"))


@pytest.mark.parametrize(
    ("wallet", "wanted"),
    [(WalletKind.MARGIN, "margin"), (WalletKind.FUTURES, "futures")],
)
def test_an_unsupported_capability_is_a_typed_error(
    beta: ExchangePlugin, wallet: WalletKind, wanted: str
) -> None:
    registry = plugins_of(("beta", beta)).registry
    with pytest.raises(UnsupportedCapabilityError) as caught:
        registry.balance_reader(wallet, _context("beta"))
    # In the words of --wallet: the wallet asked for and the wallets served, not capabilities.
    assert str(caught.value).endswith(
        f"the {wanted} wallet is not served for 'beta' (its wallets: cash; 'folio plugins' "
        "lists what each exchange serves)"
    )
    with pytest.raises(UnsupportedCapabilityError, match="margin_risk is not supported"):
        registry.risk_reader(_context("beta"))
    assert beta.calls == []


class _Declares:
    """A plugin whose declaration hooks return whatever the test gives it."""

    def __init__(self, wallets: object = None, risk: object = (), fail: bool = False) -> None:
        self.wallets = wallets if wallets is not None else {"delta": [WalletKind.CASH]}
        self.risk = risk
        self.fail = fail

    @hookimpl
    def folio_balance_wallets(self) -> object:
        return self.wallets

    @hookimpl
    def folio_risk_exchanges(self) -> object:
        if self.fail:
            raise OSError("declarations must not do I/O")
        return self.risk

    @hookimpl
    def folio_balance_reader(self, exchange: str, context: AccountContext) -> object:
        return {"not": "a reader"}


@pytest.mark.parametrize(
    ("plugin", "error"),
    [
        pytest.param(_Declares(wallets=["delta"]), "must return {exchange: [WalletKind]}",
                     id="wallets-not-a-mapping"),
        pytest.param(_Declares(wallets={"delta": ["spot"]}), "must return {exchange:",
                     id="unknown-wallet-kind"),
        pytest.param(_Declares(risk="delta"), "must return a collection of names",
                     id="risk-as-one-string"),
        pytest.param(_Declares(fail=True), "folio_risk_exchanges() raised OSError",
                     id="declaration-raises"),
    ],
)
def test_a_plugin_with_a_bad_declaration_is_failed_and_the_others_still_served(
    alpha: ExchangePlugin, plugin: _Declares, error: str
) -> None:
    plugins = plugins_of(("alpha", alpha), ("bad", plugin))
    records = {r.name: r for r in plugins.records}
    assert records["bad"].status is PluginStatus.FAILED
    assert records["bad"].error is not None
    assert error in records["bad"].error
    assert records["alpha"].status is PluginStatus.LOADED
    # balances it declared before failing are dropped with it
    assert [s.exchange for s in plugins.exchanges()] == ["alpha"]
    assert not plugins.manager.has_plugin("bad")


def test_a_reader_hook_returning_a_non_reader_breaks_the_contract() -> None:
    registry = plugins_of(("delta", _Declares())).registry
    with pytest.raises(PluginContractError, match="plugin 'delta' returned dict") as caught:
        registry.balance_reader(WalletKind.CASH, _context("delta", "acct"))
    assert (caught.value.exchange, caught.value.account) == ("delta", "acct")


class _ShipsSimulators:
    def __init__(self, declared: object) -> None:
        self.declared = declared

    @hookimpl
    def folio_simulators(self) -> object:
        return self.declared


def _never_started(host: str, port: int) -> AbstractContextManager[SimulatorHandle]:
    raise AssertionError("not started in this test")


def _simulator(exchange: str) -> Simulator:
    return Simulator(exchange, f"{exchange} simulator", _never_started)


def test_simulators_are_collected_by_exchange_and_bad_declarations_reported() -> None:
    plugins = plugins_of(
        ("zeta", _ShipsSimulators([_simulator("zeta")])),
        ("eta", _ShipsSimulators((_simulator("eta"),))),
        ("bad", _ShipsSimulators(["not a simulator"])),
    )
    assert [s.exchange for s in plugins.registry.simulators()] == ["eta", "zeta"]
    (bad,) = [r for r in plugins.records if r.name == "bad"]
    assert bad.status is PluginStatus.FAILED

