"""``Folio.portfolio``: every account at once, net totals, and valuation in one quote.

Both simulators run on loopback with their seed data. Every expected number below is worked
out by hand from that data (adapters/ascendex/simulator/data and tickers.py,
adapters/binance/simulator/data and markets.py), never by the code under test:

AscendEX seed: cash USDT 1285.366663467, BTC 22.1308675, ETH 0.6; margin USDT 11200, ETH 20;
tickers BTC/USDT 8000, ETH/BTC 0.040723859375 (so one ETH is 325.790875 USDT via BTC).
Binance seed: spot BTC 4723846.89208129, LTC 4763368.68006011; margin BTC 0.00499500 and BNB
2346.5 less 201.66666672 borrowed; markets BTCUSDT 64000, BNBBTC 0.002907432162, no LTC market;
USD-M futures (adapters/binance/simulator/data/seed_futures_account.json, the documentation's
Multi-Assets sample): one USDT row, wallet 23.72469206 with no unrealised PnL, and the account's
risk in USD (126.72469206 of margin balance, no maintenance margin: not applicable). USD is not
USDT, so that risk is left unvalued in USDT.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.binance.simulator.simulator import RunningBinanceSimulator
from adapters.simkit.faults import Fault
from adapters.simkit.server import RunningSimulator
from framework import AccountConfig, AccountResult, Folio, SyncFolio, WalletKind
from framework.errors import (
    ExchangeError,
    ExchangeUnavailableError,
    UnknownAccountError,
    UnknownExchangeError,
)
from framework.portfolio import PART_ACCOUNT, PART_PRICES
from tests.integration.portfolio_accounts import ONE_ATTEMPT, ascendex, binance, unserved

FUTURES_USDT = Decimal("23.72469206")
"""Binance's futures wallet: its USDT wallet balance, unrealised PnL 0 (so its equity too)."""
ASCENDEX_IN_USDT = {
    # 1285.366663467 + 22.1308675 x 8000 + 0.6 x 325.790875 + 11200 + 20 x 325.790875
    "USDT": Decimal("12485.366663467"),
    "BTC": Decimal("177046.94"),
    "ETH": Decimal("6711.292025"),
}
BNB_IN_USDT = Decimal("399101.27457970796488704")
"""2144.83333328 BNB x 0.002907432162 BTC x 64000 USDT: the bridge BNB/BTC x BTC/USDT."""


@pytest.fixture
def both(
    ascendex_simulator: RunningSimulator, binance_simulator: RunningBinanceSimulator
) -> list[AccountConfig]:
    return [ascendex("a", ascendex_simulator.url), binance("b", binance_simulator.url)]


@pytest.mark.anyio
async def test_net_totals_per_asset_across_exchanges(both: list[AccountConfig]) -> None:
    async with Folio(both) as folio:
        portfolio = await folio.portfolio()
    assert portfolio.complete
    assert portfolio.failures == ()
    assert portfolio.quote is None
    assert portfolio.value is None
    assert dict(portfolio.totals.totals) == {
        "BNB": Decimal("2144.83333328"),  # 2346.5 - 201.66666672
        "BTC": Decimal("4723869.02794379"),  # 22.1308675 + 4723846.89208129 + 0.00499500
        "ETH": Decimal("20.6"),
        "LTC": Decimal("4763368.68006011"),
        "USDT": Decimal("12509.091355527"),  # AscendEX's 12485.366663467 + 23.72469206 futures
    }
    assert portfolio.totals.totals["USDT"] == ASCENDEX_IN_USDT["USDT"] + FUTURES_USDT
    assert portfolio.totals.included == ("a", "b")
    assert [(p.account, p.wallet, p.asset) for p in portfolio.positions] == [
        ("a", WalletKind.CASH, "USDT"), ("a", WalletKind.CASH, "BTC"),
        ("a", WalletKind.CASH, "ETH"), ("a", WalletKind.MARGIN, "USDT"),
        ("a", WalletKind.MARGIN, "ETH"), ("b", WalletKind.CASH, "BTC"),
        ("b", WalletKind.CASH, "LTC"), ("b", WalletKind.MARGIN, "BTC"),
        ("b", WalletKind.MARGIN, "BNB"), ("b", WalletKind.FUTURES, "USDT"),
    ]
    assert all(p.valuation is None for p in portfolio.positions)
    assert [(r.account, r.wallet, r.risk.quote_asset, r.valued) for r in portfolio.risks] == [
        ("a", WalletKind.MARGIN, "USDT", None), ("b", WalletKind.MARGIN, "BTC", None),
        ("b", WalletKind.FUTURES, "USD", None),
    ]


@pytest.mark.anyio
async def test_valued_in_usdt_each_holding_on_its_own_exchange(both: list[AccountConfig]) -> None:
    async with Folio(both) as folio:
        portfolio = await folio.portfolio(quote="USDT")
    value = portfolio.value
    assert value is not None
    assets = {a.asset: a for a in value.assets}
    assert assets["USDT"].value == ASCENDEX_IN_USDT["USDT"] + FUTURES_USDT
    assert assets["ETH"].value == ASCENDEX_IN_USDT["ETH"]
    # BTC: 22.1308675 x 8000 on AscendEX, (4723846.89208129 + 0.00499500) x 64000 on Binance
    assert assets["BTC"].value == Decimal("177046.94") + Decimal("302326201412.88256")
    assert assets["BNB"].value == BNB_IN_USDT
    # LTC has no market on Binance: unvalued, named, never a zero and never dropped
    assert assets["LTC"].value is None
    assert assets["LTC"].unvalued == 1
    (ltc,) = value.unvalued
    assert (ltc.account, ltc.asset, ltc.net) == ("b", "LTC", Decimal("4763368.68006011"))
    assert ltc.valuation is not None
    assert ltc.valuation.reason == "no LTC/USDT, USDT/LTC or bridge on binance"
    # 12509.091355527 USDT + 6711.292025 ETH + 302326378459.82256 BTC + the BNB above
    assert value.total == Decimal("302326796781.48052023496488704")
    assert not value.complete
    assert not portfolio.complete
    assert portfolio.failures == ()  # nothing failed: LTC simply has no price
    assert value.exact


@pytest.mark.anyio
async def test_each_valuation_names_its_prices_and_path(both: list[AccountConfig]) -> None:
    async with Folio(both) as folio:
        portfolio = await folio.portfolio(quote="USDT")
    by_key = {(p.account, p.wallet, p.asset): p.valuation for p in portfolio.positions}
    eth = by_key["a", WalletKind.MARGIN, "ETH"]
    assert eth is not None
    assert eth.value == Decimal("6515.8175")  # 20 x 0.040723859375 x 8000
    assert eth.path_text == "ETH/BTC x BTC/USDT"
    assert [(str(p.pair), p.value, p.exchange) for p in eth.prices] == [
        ("ETH/BTC", Decimal("0.040723859375"), "ascendex"),
        ("BTC/USDT", Decimal("8000"), "ascendex"),
    ]
    assert eth.prices[0].source == "GET /api/pro/v1/spot/ticker"
    usdt = by_key["a", WalletKind.CASH, "USDT"]
    assert usdt is not None
    assert (usdt.value, usdt.path) == (Decimal("1285.366663467"), ())
    btc = by_key["b", WalletKind.CASH, "BTC"]
    assert btc is not None
    assert btc.value == Decimal("302326201093.20256")  # 4723846.89208129 x 64000
    assert btc.prices[0].exchange == "binance"  # Binance's price, not AscendEX's 8000
    assert {b.exchange for b in portfolio.books} == {"ascendex", "binance"}


@pytest.mark.anyio
async def test_risk_figures_are_shown_in_the_quote(both: list[AccountConfig]) -> None:
    async with Folio(both) as folio:
        portfolio = await folio.portfolio(quote="USDT")
    risks = {r.account: r for r in portfolio.risks if r.wallet is WalletKind.MARGIN}
    binance_risk = risks["b"].valued
    assert binance_risk is not None
    assert binance_risk.equity.value == Decimal("399420.95488")  # 6.24095242 BTC x 64000
    assert binance_risk.debt.value == Decimal("37525.2576")  # 0.58633215 BTC x 64000
    assert binance_risk.equity.path_text == "BTC/USDT"
    ascendex_risk = risks["a"].valued
    assert ascendex_risk is not None
    assert ascendex_risk.equity.value == Decimal("17715.8175")  # already USDT: no price


@pytest.mark.anyio
async def test_valued_in_btc_uses_the_inverse_pair(ascendex_simulator: RunningSimulator) -> None:
    async with Folio([ascendex("a", ascendex_simulator.url)]) as folio:
        portfolio = await folio.portfolio(quote="BTC")
    usdt = portfolio.positions[0].valuation
    assert usdt is not None
    assert usdt.value == Decimal("0.160670832933375")  # 1285.366663467 / 8000
    assert usdt.path_text == "BTC/USDT inverted"
    assert usdt.exact  # 1/8000 has a finite decimal form
    assert portfolio.value is not None
    assert portfolio.value.complete


@pytest.mark.anyio
async def test_prices_are_read_once_per_exchange_and_base_url(
    ascendex_simulator: RunningSimulator,
) -> None:
    url = ascendex_simulator.url
    accounts = [ascendex("a1", url), ascendex("a2", url), ascendex("a3", url)]
    async with Folio(accounts) as folio:
        portfolio = await folio.portfolio(quote="USDT")
    assert ascendex_simulator.stats().count(route="spot/ticker") == 1
    assert len(portfolio.books) == 1
    assert portfolio.value is not None
    assert portfolio.value.total == 3 * Decimal("196243.598688467")


@pytest.mark.anyio
async def test_no_price_is_read_when_everything_is_in_the_quote(
    ascendex_simulator: RunningSimulator,
) -> None:
    async with Folio([ascendex("a", ascendex_simulator.url)]) as folio:
        portfolio = await folio.portfolio(quote="USDT", accounts=[])
    assert portfolio.positions == ()
    assert ascendex_simulator.stats().count(route="spot/ticker") == 0


@pytest.mark.anyio
async def test_a_failed_price_read_is_named_and_its_holdings_unvalued(
    ascendex_simulator: RunningSimulator,
) -> None:
    ascendex_simulator.faults.add(Fault.http_status(503, route="spot/ticker"))
    async with Folio([ascendex("a", ascendex_simulator.url)], http=ONE_ATTEMPT) as folio:
        portfolio = await folio.portfolio(quote="USDT")
    (failure,) = portfolio.failures
    assert (failure.account, failure.exchange, failure.part) == ("a", "ascendex", PART_PRICES)
    assert isinstance(failure.error, ExchangeError)
    assert failure.error.endpoint is not None
    assert "ticker" in failure.error.endpoint
    value = portfolio.value
    assert value is not None
    assert [p.asset for p in value.unvalued] == ["BTC", "ETH", "ETH"]
    assert all(str(failure.error) in (p.valuation.reason or "") for p in value.unvalued
               if p.valuation is not None)
    assert value.total == Decimal("12485.366663467")  # only what needs no price
    assert not value.complete
    assert not portfolio.complete


@pytest.mark.anyio
async def test_every_failed_part_is_named_and_the_rest_kept(
    ascendex_simulator: RunningSimulator, binance_simulator: RunningBinanceSimulator
) -> None:
    ascendex_simulator.faults.add(Fault.http_status(503, route="margin/balance"))
    accounts = [
        ascendex("a", ascendex_simulator.url),
        binance("b", binance_simulator.url),
        unserved("x"),
    ]
    async with Folio(accounts, http=ONE_ATTEMPT) as folio:
        portfolio = await folio.portfolio(["a", "b", "x", "nobody"], quote="USDT")
    named = [(f.account, f.exchange, f.part, type(f.error)) for f in portfolio.failures]
    assert named == [
        ("a", "ascendex", "margin balances", ExchangeUnavailableError),
        ("x", "nowhere", PART_ACCOUNT, UnknownExchangeError),
        ("nobody", "unknown", PART_ACCOUNT, UnknownAccountError),
    ]
    assert portfolio.totals.missing == ("a", "x", "nobody")
    assert portfolio.totals.included == ("a", "b")  # a's cash wallet is still in
    # a's margin USDT 11200 and ETH 20 are missing from the totals, and the totals say so;
    # b's futures USDT is in
    assert portfolio.totals.totals["USDT"] == Decimal("1285.366663467") + FUTURES_USDT
    assert portfolio.totals.totals["ETH"] == Decimal("0.6")
    assert [a.account for a in portfolio.accounts] == ["a", "b", "x", "nobody"]
    assert not portfolio.complete


def test_the_blocking_host_reads_the_same(ascendex_simulator: RunningSimulator) -> None:
    with SyncFolio([ascendex("a", ascendex_simulator.url)]) as folio:
        portfolio = folio.portfolio(quote="USDT")
    assert portfolio.value is not None
    assert portfolio.value.total == Decimal("196243.598688467")
    assert portfolio.complete


@pytest.mark.anyio
async def test_a_quote_that_is_no_asset_code_is_refused() -> None:
    async with Folio([unserved("x")]) as folio:
        with pytest.raises(ValueError, match="upper-case asset code"):
            await folio.portfolio(quote="usdt")


@pytest.mark.anyio
async def test_a_streamed_read_assembles_into_the_same_portfolio(both: list[AccountConfig]) -> None:
    async with Folio(both) as folio:
        streamed = [outcome async for outcome in folio.stream_portfolio()]
        ordered = sorted(streamed, key=lambda outcome: outcome.account)
        assembled = await folio.assemble_portfolio(ordered, quote="USDT")
        whole = await folio.portfolio(quote="USDT")
    assert assembled.value is not None
    assert whole.value is not None
    assert assembled.value.total == whole.value.total == Decimal(
        "302326796781.48052023496488704"
    )
    assert assembled.totals.totals == whole.totals.totals
    assert [a.account for a in assembled.accounts] == ["a", "b"]


def test_the_blocking_host_assembles_a_read(ascendex_simulator: RunningSimulator) -> None:
    with SyncFolio([ascendex("a", ascendex_simulator.url)]) as folio:
        found = folio.account_portfolio("a")
        portfolio = folio.assemble_portfolio(
            [AccountResult("a", "ascendex", value=found)], quote="BTC"
        )
    assert portfolio.value is not None
    # 0.160670832933375 (USDT/8000) + 22.1308675 + 0.024434315625 (0.6 ETH) + 1.4 + 0.8144771875
    assert portfolio.value.total == Decimal("24.530449836058375")


@pytest.mark.anyio
async def test_an_account_named_twice_is_counted_once(ascendex_simulator: RunningSimulator) -> None:
    async with Folio([ascendex("a", ascendex_simulator.url)]) as folio:
        portfolio = await folio.portfolio(["a", "a"], quote="USDT")
        streamed = [outcome async for outcome in folio.stream_portfolio(["a", "a"])]
        assembled = await folio.assemble_portfolio(streamed)
    assert [a.account for a in portfolio.accounts] == ["a"]
    assert portfolio.value is not None
    assert portfolio.value.total == Decimal("196243.598688467")
    assert [outcome.account for outcome in streamed] == ["a"]  # the stream reads it once too
    assert ascendex_simulator.stats().count(route="cash/balance") == 2  # 1 + the stream's 1
    assert assembled.totals.totals["USDT"] == Decimal("12485.366663467")  # not twice that
