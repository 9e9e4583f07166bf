"""Public prices over loopback against the simulator, through the plugin's hook.

The simulator's tickers are consistent with its accounts: valuing the seed margin account at
them reproduces the sample's own BTC totals, to the last of Binance's 8 decimals.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from adapters.binance import BinancePrices
from adapters.binance.client import MARKETS_MAX_AGE
from adapters.binance.simulator import BinanceSimulator, Fault, FixedTotals, seed_account
from adapters.binance.simulator.markets import SEED_MARKETS, Market
from adapters.binance.simulator.simulator import RunningBinanceSimulator
from framework.errors import ExchangeError
from framework.prices import Pair
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings
from plugins.binance import folio_price_exchanges, folio_price_reader

EIGHT = Decimal("0.00000001")


@pytest.fixture
def running() -> Iterator[RunningBinanceSimulator]:
    with BinanceSimulator.seed().serve(control=True) as server:
        yield server


def _reader(url: str) -> BinancePrices:
    return BinancePrices(base_url=url, account="main", http=HttpSettings(retry=NO_RETRIES))


@pytest.mark.anyio
async def test_valuing_the_margin_rows_at_the_tickers_gives_the_samples_btc_totals(
    running: RunningBinanceSimulator,
) -> None:
    async with _reader(running.url) as reader:
        prices = {p.pair: p.value for p in await reader.fetch_prices()}

    def in_btc(asset: str) -> Decimal:
        if asset == "BTC":
            return Decimal(1)
        direct = prices.get(Pair(asset, "BTC"))
        return direct if direct is not None else 1 / prices[Pair("BTC", asset)]  # USDT

    account = seed_account()
    totals = account.totals
    assert isinstance(totals, FixedTotals)
    asset = sum(((Decimal(r.free) + Decimal(r.locked)) * in_btc(r.asset) for r in account.margin),
                Decimal(0))
    owed = sum(((Decimal(r.borrowed) + Decimal(r.interest)) * in_btc(r.asset)
                for r in account.margin), Decimal(0))
    rounded = [v.quantize(EIGHT, ROUND_HALF_EVEN) for v in (asset, owed, asset - owed)]
    assert [str(v) for v in rounded] == [totals.total_asset_of_btc,
                                         totals.total_liability_of_btc,
                                         totals.total_net_asset_of_btc]


@pytest.mark.anyio
async def test_the_seed_markets_need_inverses_and_bridges_and_leave_ltc_unpriced(
    running: RunningBinanceSimulator,
) -> None:
    async with _reader(running.url) as reader:
        every = {p.pair for p in await reader.fetch_prices()}
        asked = await reader.fetch_prices([Pair("USDT", "BTC"), Pair("LTC", "BTC"),
                                           Pair("LTC", "USDT"), Pair("BNB", "USDT"),
                                           Pair("OLD", "BTC"), Pair("ETH", "BTC")])
    assert every == {Pair("BTC", "USDT"), Pair("BNB", "BTC"), Pair("ETH", "BTC")}
    assert [(str(p.pair), str(p.value)) for p in asked] == [("ETH/BTC", "0.05200000")]
    assert running.stats().count("exchange-info") == 1  # learnt once, then kept a while
    assert running.stats().count("ticker/price") == 2
    assert running.used_weight("ticker/price") == 20 + 4 + 2


@pytest.mark.anyio
async def test_faults_from_the_control_routes_reach_the_reader(
    running: RunningBinanceSimulator,
) -> None:
    running.faults.add(Fault.json_error(-1121, "Invalid symbol.", route="ticker/price"))
    async with _reader(running.url) as reader:
        with pytest.raises(ExchangeError) as caught:
            await reader.fetch_prices([Pair("BTC", "USDT")])
    assert (caught.value.exchange, caught.value.account, caught.value.endpoint) == (
        "binance", "main", "GET ticker/price")
    assert "-1121" in str(caught.value)


def test_the_plugin_hook_builds_a_keyless_reader() -> None:
    assert tuple(folio_price_exchanges()) == ("binance",)
    assert folio_price_reader("ascendex", None) is None  # type: ignore[arg-type]


class _Clock:
    """The reader's clock, moved by the test: the markets' age without waiting."""

    def __init__(self) -> None:
        self.at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


def _halted(markets: tuple[Market, ...], symbol: str) -> list[Market]:
    return [replace(m, status="BREAK") if m.symbol == symbol else m for m in markets]


@pytest.mark.anyio
async def test_a_market_halted_after_the_markets_were_learnt_is_no_longer_priced(
    running: RunningBinanceSimulator,
) -> None:
    clock = _Clock()
    reader = BinancePrices(base_url=running.url, account="main",
                           http=HttpSettings(retry=NO_RETRIES), now=clock)
    async with reader:
        assert Pair("BNB", "BTC") in {p.pair for p in await reader.fetch_prices()}
        running.relist(_halted(SEED_MARKETS, "BNBBTC"))
        clock.at += MARKETS_MAX_AGE
        every = {p.pair for p in await reader.fetch_prices()}
        asked = await reader.fetch_prices([Pair("BNB", "BTC")])
    # Its last trade is stale from the moment it halted: never a price again.
    assert every == {Pair("BTC", "USDT"), Pair("ETH", "BTC")}
    assert asked == []
    assert running.stats().count("exchange-info") == 2


@pytest.mark.anyio
async def test_a_symbol_delisted_after_the_markets_were_learnt_does_not_fail_the_read(
    running: RunningBinanceSimulator,
) -> None:
    wanted = [Pair("ETH", "BTC"), Pair("BNB", "BTC")]
    async with _reader(running.url) as reader:
        assert {p.pair for p in await reader.fetch_prices(wanted)} == set(wanted)
        running.relist(m for m in SEED_MARKETS if m.symbol != "ETHBTC")
        # Binance answers -1121 for the named ETHBTC: learnt again, asked once more.
        again = await reader.fetch_prices(wanted)
        later = await reader.fetch_prices(wanted)
    assert [(str(p.pair), str(p.value)) for p in again] == [("BNB/BTC", "0.002907432162")]
    assert [p.pair for p in later] == [Pair("BNB", "BTC")]
    assert running.stats().count("exchange-info") == 2
