"""Risk per wallet and unrealized profit or loss in everything a host sees of the portfolio.

The portfolio reads the risk of every risk wallet an exchange declares (``risks``, one part
per wallet), its totals and value use equity (net + unrealized: a futures loss lowers the
value) with the unrealized part shown apart, and every renderer and serializer carries the new
figures (docs/host-api.md, "Risk per wallet" and "The whole portfolio").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from framework.errors import InvalidResponseError
from framework.hookspecs import hookimpl
from framework.host import Folio
from framework.models import (
    AssetBalance,
    BalanceSnapshot,
    HealthMetric,
    HealthState,
    MarginHealth,
    MarginRisk,
    WalletKind,
)
from framework.portfolio import (
    PART_RISK,
    AccountPortfolio,
    PricePlan,
    build_portfolio,
    risk_part,
)
from framework.prices import Pair, Price
from framework.providers import AccountContext
from framework.render import balances_table, health_text, plugins_table, risk_table
from framework.render_portfolio import assets_table, portfolio_text, positions_table
from framework.results import AccountResult, FanOut
from framework.serialize import to_jsonable
from framework.serialize_portfolio import POSITION_COLUMNS, position_row
from framework.valuation import PriceBook, value_risk
from tests.framework.helpers import FETCHED_AT, account, plugins_of
from tests.framework.test_risk_wallets import futures_risk

D = Decimal
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

FUTURES_ROWS = (
    # USDT: 1000 in the ledger, a 60 loss open: equity 940
    AssetBalance("USDT", D("1000"), D("700"), unrealized_pnl=D("-60")),
    AssetBalance("BTC", D("0.5"), D("0.5"), unrealized_pnl=D("0.01")),
)
CASH_ROWS = (AssetBalance("USDT", D("200"), D("200")),)


class UnifiedPlugin:
    """Exchange ``uni``: cash and futures balances, risk of futures (default) and cash."""

    def __init__(self, broken: Mapping[WalletKind, Exception] | None = None) -> None:
        self.broken = broken or {}

    @hookimpl
    def folio_balance_wallets(self) -> Mapping[str, Sequence[WalletKind]]:
        return {"uni": [WalletKind.CASH, WalletKind.FUTURES]}

    @hookimpl
    def folio_risk_wallets(self) -> Mapping[str, Sequence[WalletKind]]:
        return {"uni": [WalletKind.FUTURES, WalletKind.CASH]}

    @hookimpl
    def folio_balance_reader(self, exchange: str, context: AccountContext) -> object:
        return _Reader(context, self.broken)

    @hookimpl
    def folio_risk_reader(self, exchange: str, context: AccountContext) -> object:
        return _Reader(context, self.broken)


class _Reader:
    def __init__(self, context: AccountContext, broken: Mapping[WalletKind, Exception]) -> None:
        self.context = context
        self.broken = broken

    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        rows = FUTURES_ROWS if wallet is WalletKind.FUTURES else CASH_ROWS
        account = self.context.account
        return BalanceSnapshot(account.exchange, account.name, wallet, rows, FETCHED_AT)

    async def fetch_margin_risk(self, wallet: WalletKind) -> MarginRisk:
        if wallet in self.broken:
            raise self.broken[wallet]
        return futures_risk(self.context, wallet)


def _folio(plugin: UnifiedPlugin) -> Folio:
    return Folio([account("u", exchange="uni")], plugins=plugins_of(("uni", plugin)))


@pytest.mark.anyio
async def test_the_portfolio_reads_every_declared_risk_wallet_in_order() -> None:
    async with _folio(UnifiedPlugin()) as folio:
        portfolio = await folio.portfolio()

    (found,) = portfolio.accounts
    assert [r.wallet for r in found.risks] == [WalletKind.FUTURES, WalletKind.CASH]
    assert found.risk is not None
    assert found.risk.wallet is WalletKind.FUTURES  # the default: the first declared
    assert found.risk_of(WalletKind.CASH) is found.risks[1]
    assert found.risk_of(WalletKind.MARGIN) is None
    assert [(r.account, r.wallet) for r in portfolio.risks] == [
        ("u", WalletKind.FUTURES), ("u", WalletKind.CASH)
    ]
    assert portfolio.complete


@pytest.mark.anyio
async def test_a_failed_risk_wallet_is_its_own_part_and_the_others_are_kept() -> None:
    refused = InvalidResponseError("no such field", field="accountMMRate")
    async with _folio(UnifiedPlugin({WalletKind.FUTURES: refused})) as folio:
        portfolio = await folio.portfolio()

    (found,) = portfolio.accounts
    assert found.risk is None  # the default wallet's read failed: never another's in its place
    assert [r.wallet for r in found.risks] == [WalletKind.CASH]
    (failure,) = found.failures
    assert failure.part == "futures risk" == risk_part(WalletKind.FUTURES)
    assert risk_part(WalletKind.MARGIN) == PART_RISK  # the older name, unchanged
    # a risk part missing does not make the balances' totals incomplete
    assert portfolio.totals.complete
    assert not portfolio.complete


@pytest.mark.anyio
async def test_totals_and_value_use_equity_and_show_the_unrealized_part_apart() -> None:
    async with _folio(UnifiedPlugin()) as folio:
        found = await folio.account_portfolio("u")
    book = PriceBook("uni", [Price(Pair.parse("BTC/USDT"), D("30000"), "uni", "GET /t", NOW)],
                     NOW)
    books = FanOut([AccountResult("u", "uni", value=book)])
    portfolio = build_portfolio([found], "USDT", books, PricePlan({"u": ("u",)}))

    assert portfolio.totals.field == "equity"
    assert dict(portfolio.totals.totals) == {"BTC": D("0.51"), "USDT": D("1140")}  # 200 + 940
    assert dict(portfolio.unrealized_pnl) == {"BTC": D("0.01"), "USDT": D("-60")}
    assert portfolio.value is not None
    assets = {a.asset: a for a in portfolio.value.assets}
    assert (assets["USDT"].net, assets["USDT"].unrealized_pnl, assets["USDT"].equity) == (
        D("1200"), D("-60"), D("1140")
    )
    assert assets["USDT"].value == D("1140")  # the loss lowers the value
    assert assets["BTC"].value == D("15300")  # 0.51 x 30000
    assert portfolio.value.total == D("16440")
    futures_usdt = next(p for p in portfolio.positions
                        if p.wallet is WalletKind.FUTURES and p.asset == "USDT")
    assert (futures_usdt.net, futures_usdt.equity) == (D("1000"), D("940"))
    assert futures_usdt.valuation is not None
    assert futures_usdt.valuation.amount == D("940")


def test_a_portfolio_without_derivatives_has_no_unrealized_part_and_the_old_tables() -> None:
    snapshot = BalanceSnapshot("p", "a", WalletKind.CASH, CASH_ROWS, NOW)
    portfolio = build_portfolio([AccountPortfolio("a", "p", [snapshot])])
    assert dict(portfolio.unrealized_pnl) == {}
    assert assets_table(portfolio).splitlines()[0].split() == ["ASSET", "NET"]
    assert "UNREALIZED" not in positions_table(portfolio.positions, None)
    fan_out = FanOut([AccountResult("a", "p", value=snapshot)])
    assert balances_table(fan_out).splitlines()[0].split()[-1] == "NET"


def test_tables_show_the_unrealized_part_where_there_is_one() -> None:
    snapshot = BalanceSnapshot("uni", "u", WalletKind.FUTURES, FUTURES_ROWS, NOW)
    fan_out = FanOut([AccountResult("u", "uni", value=snapshot)])
    header, usdt, _ = balances_table(fan_out).splitlines()
    assert header.split()[-4:] == ["NET", "UNREALIZED", "PNL", "EQUITY"]
    assert usdt.split()[-3:] == ["1000", "-60", "940"]
    portfolio = build_portfolio([AccountPortfolio("u", "uni", [snapshot])])
    assets = assets_table(portfolio).splitlines()
    assert assets[0].split() == ["ASSET", "NET", "UNREALIZED", "PNL", "EQUITY"]
    assert assets[2].split() == ["USDT", "1000", "-60", "940"]


def test_risk_tables_and_json_carry_the_wallet_and_the_positions_figures() -> None:
    context = AccountContext(account("u", exchange="uni"))
    risk = futures_risk(context, WalletKind.FUTURES)
    text = risk_table(FanOut([AccountResult("u", "uni", value=risk)]))
    header, row = text.splitlines()
    assert "MAINT MARGIN" in header
    assert "NOTIONAL LEV" in header
    assert row.split()[10:13] == ["310", "-120.5", "24000"]
    data = to_jsonable(risk)
    assert (data["wallet"], data["maintenance_margin"], data["unrealized_pnl"]) == (
        "futures", "310", "-120.5"
    )
    assert data["position_notional"] == "24000"
    assert data["notional_leverage"] == "4.918536735321241930525668613587458"  # 24000 / 4879.5

    portfolio = build_portfolio([AccountPortfolio("u", "uni", risk=risk)])
    assert "== risk ==" in portfolio_text(portfolio)  # not "margin risk": it is futures'
    assert " futures " in portfolio_text(portfolio)
    document = to_jsonable(portfolio)
    assert document["risk"][0]["wallet"] == "futures"
    assert [r["wallet"] for r in document["accounts"][0]["risks"]] == ["futures"]


def _mmr(rate: str, state: HealthState) -> MarginRisk:
    equity, mm = D("1000"), D(rate) * D("1000")
    health = MarginHealth.assess(metric=HealthMetric.MAINTENANCE_MARGIN_RATE, ratio=D(rate),
                                 liquidation_threshold=D(1), equity=equity, debt=D(0),
                                 maintenance_margin=mm)
    assert health.state is state
    return MarginRisk("bybit", "b", "USD", equity, None, D(0), None, equity, D(1), None, health,
                      FETCHED_AT, wallet=WalletKind.CASH, maintenance_margin=mm)


def test_a_lower_is_safer_rate_says_which_way_its_threshold_points() -> None:
    assert health_text(_mmr("0.05", HealthState.OK)) == (
        "ok: maintenance_margin_rate 0.05 (liquidation at >= 1, lower is safer)"
    )
    assert health_text(_mmr("1.2", HealthState.AT_RISK)) == (
        "AT RISK: maintenance_margin_rate 1.2, liquidation at >= 1, lower is safer"
    )
    assert to_jsonable(_mmr("0.05", HealthState.OK))["health"]["higher_is_safer"] is False


def test_a_usd_risk_is_never_valued_as_usdt_without_a_usd_market() -> None:
    risk = _mmr("0.05", HealthState.OK)
    book = PriceBook("bybit", [Price(Pair.parse("BTC/USDT"), D("30000"), "bybit", "t", NOW)],
                     NOW)
    valued = value_risk(risk, "USDT", book)
    assert valued.equity.value is None
    assert valued.equity.reason == (
        "no USD/USDT, USDT/USD or bridge on bybit; USD is the exchange's unit of account, "
        "never taken for a stablecoin"
    )
    assert valued.maintenance_margin is not None
    assert valued.maintenance_margin.value is None
    assert valued.unrealized_pnl is None  # not reported: not valued either
    listed = PriceBook("bybit", [Price(Pair.parse("USDT/USD"), D("0.9995"), "bybit", "t", NOW)],
                       NOW)
    assert value_risk(risk, "USDT", listed).equity.valued  # a real USD market is read


def test_csv_rows_carry_unrealized_and_equity_with_a_loss_left_a_number() -> None:
    snapshot = BalanceSnapshot("uni", "u", WalletKind.FUTURES, FUTURES_ROWS, NOW)
    (usdt, _) = build_portfolio([AccountPortfolio("u", "uni", [snapshot])]).positions
    row = position_row(usdt, quote=False)
    assert list(row) == list(POSITION_COLUMNS)
    assert (row["net"], row["unrealized_pnl"], row["equity"]) == ("1000", "-60", "940")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(POSITION_COLUMNS))
    writer.writerow(row)
    assert ",-60,940" in out.getvalue()


def test_plugins_table_lists_the_risk_wallets_default_first() -> None:
    registry = plugins_of(("uni", UnifiedPlugin())).registry
    _, exchanges = plugins_table(registry.records, registry.exchanges()).split("\n\n")
    header, row = exchanges.splitlines()
    assert header.split()[2:5] == ["RISK", "WALLETS", "PLUGIN"]
    assert "futures, cash" in row
