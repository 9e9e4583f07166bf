"""A review of issue #12's core changes, as an outside audit would run them.

Each test here failed before the fix it pins: a wallet, metric or state written by its name
(``"futures"``) accepted by the models and failing far from the plugin that wrote it; a
negative maintenance margin rate (a margin balance under water) judged the safest reading of
all because the rate is lower-is-safer; a liquidation threshold of zero or below; a leverage
or notional leverage too wide for the default decimal context crashing a table or a property;
a risk table mixing accounts' default risk wallets without saying whose row is whose; a
plugin answering one wallet's balances with another's (docs/host-api.md, "Risk per wallet").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import pytest

from framework.cli.reading import print_risk
from framework.credentials import Credentials, Secret
from framework.errors import PluginContractError
from framework.hookspecs import hookimpl
from framework.host import Folio
from framework.models import (
    NOT_APPLICABLE,
    BalanceSnapshot,
    HealthMetric,
    HealthState,
    MarginHealth,
    MarginRisk,
    WalletKind,
)
from framework.portfolio import AccountPortfolio
from framework.render import risk_table
from framework.results import AccountResult, FanOut
from tests.framework.helpers import (
    FETCHED_AT,
    ExchangePlugin,
    TableReader,
    account,
    margin_risk,
    plugins_of,
    row,
    snapshot,
)
from tests.framework.test_exposure import futures_risk

D = Decimal


# -- names where members belong --------------------------------------------------------------


@pytest.mark.parametrize("wallet", ["futures", "bogus", None])
def test_a_risk_wallet_given_by_name_is_a_type_error(wallet: object) -> None:
    with pytest.raises(TypeError, match="wallet must be a WalletKind, got"):
        futures_risk(wallet=wallet)


def test_a_snapshot_wallet_given_by_name_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="wallet must be a WalletKind, got str"):
        BalanceSnapshot("alpha", "main", "cash", [row("BTC", "1")], FETCHED_AT)  # type: ignore[arg-type]


def test_a_health_metric_or_state_given_by_name_is_a_type_error() -> None:
    # Before: a str state "not_applicable" with NOT_APPLICABLE was accepted as it is.
    with pytest.raises(TypeError, match="metric must be a HealthMetric, got str"):
        MarginHealth("cushion", HealthState.OK, D(2), D(1))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="state must be a HealthState, got str"):
        MarginHealth(HealthMetric.CUSHION, "not_applicable", NOT_APPLICABLE)  # type: ignore[arg-type]


def test_a_risk_health_that_is_not_a_margin_health_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="health must be a MarginHealth, got str"):
        futures_risk(health="ok")


# -- the lower-is-safer rate --------------------------------------------------------------------


def _rate(ratio: str, equity: str = "100") -> MarginHealth:
    return MarginHealth.assess(
        metric=HealthMetric.MAINTENANCE_MARGIN_RATE, ratio=D(ratio), liquidation_threshold=D(1),
        equity=D(equity), debt=D(0), maintenance_margin=D(5),
    )


def test_a_negative_maintenance_margin_rate_is_never_judged_safe() -> None:
    assert _rate("0.05").state is HealthState.OK
    with pytest.raises(ValueError, match="negative margin balance"):
        _rate("-0.05")
    with pytest.raises(ValueError, match="negative margin balance"):
        MarginHealth(HealthMetric.MAINTENANCE_MARGIN_RATE, HealthState.OK, D("-0.05"), D(1))
    with pytest.raises(ValueError, match="negative margin balance"):
        MarginHealth(HealthMetric.MAINTENANCE_MARGIN_RATE, HealthState.UNRATED, D("-0.05"))
    # An exposed account without positive equity is insolvent, whatever the rate says.
    assert _rate("-0.05", equity="-3").state is HealthState.INSOLVENT
    # A cushion below zero is on the unsafe side already: at risk, not refused.
    cushion = MarginHealth.assess(
        metric=HealthMetric.CUSHION, ratio=D("-0.5"), liquidation_threshold=D(1),
        equity=D(1), debt=D(0), maintenance_margin=D(5),
    )
    assert cushion.state is HealthState.AT_RISK


@pytest.mark.parametrize("threshold", ["0", "-1"])
def test_a_liquidation_threshold_must_be_positive(threshold: str) -> None:
    # A cushion of -0.5 "above" a threshold of -1 would read ok.
    with pytest.raises(ValueError, match="liquidation threshold must be positive"):
        MarginHealth.assess(
            metric=HealthMetric.CUSHION, ratio=D("-0.5"), liquidation_threshold=D(threshold),
            equity=D(1), debt=D(0), maintenance_margin=D(5),
        )


# -- wide quotients -----------------------------------------------------------------------------


def test_a_leverage_wider_than_28_digits_is_shown_not_crashed() -> None:
    wide = D("123456789012345678901.2345678901234")
    risk = futures_risk(leverage=wide)
    text = risk_table(FanOut([AccountResult("f", "binance", value=risk)]))
    assert " 123456789012345678901.2345678901 " in text  # more than 12 decimals: shown to 10


def test_notional_leverage_of_amounts_the_model_accepts_does_not_overflow() -> None:
    tiny = D("1E-600000")
    risk = futures_risk(
        total_value=tiny, equity=tiny, leverage=NOT_APPLICABLE, unrealized_pnl=D(0),
        position_notional=D("1E+600000"), maintenance_margin=D(0), available_value=tiny,
        health=MarginHealth.assess(metric=HealthMetric.CUSHION, ratio=None,
                                   liquidation_threshold=D(1), equity=tiny, debt=D(0),
                                   maintenance_margin=D(0)),
    )
    assert risk.notional_leverage == D("1E+1200000")


# -- whose row is whose -------------------------------------------------------------------------


def test_a_risk_table_of_several_wallets_names_each_rows_wallet() -> None:
    unified = futures_risk(wallet=WalletKind.CASH, quote_asset="USD")
    margin = margin_risk("m")
    text = risk_table(FanOut([
        AccountResult("u", "binance", value=unified), AccountResult("m", "alpha", value=margin),
    ]))
    header, first, second = text.splitlines()
    assert header.split()[:4] == ["ACCOUNT", "EXCHANGE", "WALLET", "QUOTE"]
    assert first.split()[:4] == ["u", "binance", "cash", "USD"]
    assert second.split()[:4] == ["m", "alpha", "margin", "USDT"]
    # One wallet only: the heading names it, the table is as it was.
    alone = risk_table(FanOut([AccountResult("m", "alpha", value=margin)]))
    assert "WALLET" not in alone


class _OtherWalletReader(TableReader):
    """Answers every balance read with a margin snapshot, whatever wallet was asked for."""

    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        return await super().fetch_balances(WalletKind.MARGIN)


@pytest.mark.anyio
async def test_balances_of_another_wallet_are_a_plugin_bug() -> None:
    plugin = ExchangePlugin(
        {"alpha": [WalletKind.CASH, WalletKind.MARGIN]}, reader=_OtherWalletReader
    )
    async with Folio([account()], plugins=plugins_of(("p", plugin))) as folio:
        assert (await folio.balances("main", WalletKind.MARGIN)).wallet is WalletKind.MARGIN
        with pytest.raises(PluginContractError) as caught:
            await folio.balances("main", WalletKind.CASH)
    error = caught.value
    assert "answered the cash balances with that of the margin wallet" in str(error)
    assert (error.exchange, error.account) == ("alpha", "main")


class _NamedWalletRiskReader(TableReader):
    """A plugin bug: builds its risk with the wallet's name, not the WalletKind."""

    async def fetch_margin_risk(self, wallet: WalletKind) -> Any:  # type: ignore[override]
        return futures_risk(wallet=wallet.value)


class _RiskWalletsPlugin(ExchangePlugin):
    @hookimpl
    def folio_risk_wallets(self) -> Mapping[str, Sequence[WalletKind]]:
        return {"alpha": [WalletKind.FUTURES]}


@pytest.mark.anyio
async def test_a_risk_built_with_a_wallet_name_is_the_plugins_bug() -> None:
    plugin = _RiskWalletsPlugin({"alpha": [WalletKind.CASH]}, reader=_NamedWalletRiskReader)
    async with Folio([account()], plugins=plugins_of(("p", plugin))) as folio:
        result = await folio.all_risk(wallet=WalletKind.FUTURES)
    error = result.errors["main"]
    assert isinstance(error, PluginContractError)
    assert "TypeError" in str(error)


# -- secrets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["api_key", "api_secret", "api_passphrase"])
def test_a_plain_string_credential_is_refused_without_showing_it(field: str) -> None:
    # Before: attrs' instance_of put the passphrase in the message and the exception's
    # arguments; a plain key or secret was accepted, and its repr printed it.
    values: dict[str, Any] = {
        "api_key": Secret("k"), "api_secret": Secret("s"), "api_passphrase": Secret("p")
    }
    values[field] = "hunter2 plain text"
    with pytest.raises(TypeError) as caught:
        Credentials(**values)
    assert caught.value.args == (f"{field} must be a Secret, got str (not shown)",)
    assert "hunter2" not in repr(caught.value)


# -- an account assembled by a host -------------------------------------------------------------


def test_an_account_portfolio_lists_each_wallet_once_and_its_risk_among_its_risks() -> None:
    cash = snapshot("main", [row("USDT", "100")])
    margin, futures = margin_risk(), futures_risk()
    assert AccountPortfolio("main", "alpha", [cash], margin).risks == (margin,)
    assert AccountPortfolio("main", "alpha", [cash], margin, (), (margin, futures)).risk_of(
        WalletKind.FUTURES) is futures
    # Before: accepted, and the portfolio counted the USDT twice.
    with pytest.raises(ValueError, match="more than one snapshot of one wallet"):
        AccountPortfolio("main", "alpha", [cash, cash])
    with pytest.raises(ValueError, match="more than one risk of one wallet"):
        AccountPortfolio("main", "alpha", risks=(futures, futures))
    with pytest.raises(ValueError, match="its risk is not among its risks"):
        AccountPortfolio("main", "alpha", risk=margin, risks=(futures,))


def test_a_risk_read_where_every_account_failed_is_not_titled_margin_risk(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Before: "== margin risk ==" over an OKX account's failure, whose risk wallet is cash.
    failed = FanOut[MarginRisk]([
        AccountResult("o", "okx", error=PluginContractError("x", exchange="okx", account="o"))
    ])
    print_risk(failed, as_json=False)
    assert capsys.readouterr().out.splitlines()[0] == "== risk =="
    print_risk(FanOut([AccountResult("m", "alpha", value=margin_risk("m"))]), as_json=False)
    assert capsys.readouterr().out.splitlines()[0] == "== margin risk =="


def test_a_risk_read_of_one_wallet_is_titled_as_the_demo_and_wallet_title_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Before: "== risk (cash) ==" for OKX or Bybit accounts alone, where `folio demo` and
    # `--wallet cash` print "== cash risk ==" over the same table.
    cash = attrs.evolve(margin_risk("u"), wallet=WalletKind.CASH)
    print_risk(FanOut([AccountResult("u", "alpha", value=cash)]), as_json=False)
    assert capsys.readouterr().out.splitlines()[0] == "== cash risk =="
    both = FanOut([AccountResult("u", "alpha", value=cash),
                   AccountResult("m", "alpha", value=margin_risk("m"))])
    print_risk(both, as_json=False)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "== risk (cash, margin) =="
    assert "WALLET" in out[1]  # each row says whose risk it is
