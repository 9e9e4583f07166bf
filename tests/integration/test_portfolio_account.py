"""``Folio.account_portfolio``: every part of one account, a failed part recorded, over loopback."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.ascendex.simulator import AscendexSimulator
from adapters.binance.simulator.simulator import RunningBinanceSimulator
from adapters.simkit.faults import Fault
from adapters.simkit.server import RunningSimulator
from framework import Folio, SyncFolio, WalletKind
from framework.errors import ExchangeError, UnknownAccountError, UnknownExchangeError
from framework.portfolio import PART_ACCOUNT, PART_RISK, balance_part
from tests.integration.portfolio_accounts import ONE_ATTEMPT, ascendex, binance, unserved


@pytest.mark.anyio
async def test_every_wallet_and_the_risk_of_each_exchange(
    ascendex_simulator: RunningSimulator, binance_simulator: RunningBinanceSimulator
) -> None:
    accounts = [ascendex("a", ascendex_simulator.url), binance("b", binance_simulator.url)]
    async with Folio(accounts) as folio:
        a = await folio.account_portfolio("a")
        b = await folio.account_portfolio("b")
    assert a.complete
    assert b.complete
    assert [s.wallet for s in a.snapshots] == [WalletKind.CASH, WalletKind.MARGIN]
    assert [s.wallet for s in b.snapshots] == [
        WalletKind.CASH, WalletKind.MARGIN, WalletKind.FUTURES
    ]
    cash = a.snapshot(WalletKind.CASH)
    assert cash is not None
    assert cash["USDT"].total == Decimal("1285.366663467")
    assert a.risk is not None
    assert a.risk.equity == Decimal("17715.8175")
    assert b.risk is not None
    assert b.risk.quote_asset == "BTC"
    assert b.risk.equity == Decimal("6.24095242")
    margin = b.snapshot(WalletKind.MARGIN)
    assert margin is not None
    assert margin["BNB"].net == Decimal("2144.83333328")
    # Binance's futures wallet and its own risk, next to margin's (the seed's documentation
    # sample, adapters/binance/simulator/data/seed_futures_account.json: USDT 23.72469206 of
    # wallet, a Multi-Assets account whose risk is in USD)
    futures = b.snapshot(WalletKind.FUTURES)
    assert futures is not None
    assert [(r.asset, r.total, r.unrealized_pnl) for r in futures] == [
        ("USDT", Decimal("23.72469206"), Decimal(0))
    ]
    assert [(r.wallet, r.quote_asset) for r in b.risks] == [
        (WalletKind.MARGIN, "BTC"), (WalletKind.FUTURES, "USD")
    ]
    futures_risk = b.risk_of(WalletKind.FUTURES)
    assert futures_risk is not None
    assert futures_risk.equity == Decimal("126.72469206")
    assert b.risk is b.risks[0]  # the default risk wallet: margin
    assert [r.wallet for r in a.risks] == [WalletKind.MARGIN]
    assert a.snapshot(WalletKind.FUTURES) is None  # not served: not read, not a failure
    assert [(wallet, row.asset) for wallet, row in a.positions] == [
        (WalletKind.CASH, "USDT"), (WalletKind.CASH, "BTC"), (WalletKind.CASH, "ETH"),
        (WalletKind.MARGIN, "USDT"), (WalletKind.MARGIN, "ETH"),
    ]


@pytest.mark.anyio
async def test_a_failed_part_is_recorded_and_the_rest_is_kept(
    ascendex_simulator: RunningSimulator,
) -> None:
    ascendex_simulator.faults.add(Fault.http_status(503, route="margin/risk"))
    async with Folio([ascendex("a", ascendex_simulator.url)], http=ONE_ATTEMPT) as folio:
        found = await folio.account_portfolio("a")
    assert not found.complete
    assert found.risk is None
    assert len(found.snapshots) == 2  # both wallets were still read
    (failure,) = found.failures
    assert (failure.account, failure.exchange, failure.part) == ("a", "ascendex", PART_RISK)
    assert isinstance(failure.error, ExchangeError)
    assert failure.error.account == "a"
    assert failure.error.endpoint is not None
    assert "margin/risk" in failure.error.endpoint
    assert str(failure).startswith("a (ascendex) margin risk: ")


@pytest.mark.anyio
async def test_a_wrong_secret_fails_every_part_each_named() -> None:
    with AscendexSimulator.seed().serve() as running:
        account = ascendex("a", running.url, secret="not-the-secret")
        async with Folio([account], http=ONE_ATTEMPT) as folio:
            found = await folio.account_portfolio("a")
    assert found.snapshots == ()
    assert [f.part for f in found.failures] == [
        balance_part(WalletKind.CASH), balance_part(WalletKind.MARGIN), PART_RISK
    ]
    assert all(f.error.account == "a" for f in found.failures)


@pytest.mark.anyio
async def test_an_exchange_no_plugin_serves_is_a_failure_of_the_account() -> None:
    async with Folio([unserved("x")]) as folio:
        found = await folio.account_portfolio("x")
    (failure,) = found.failures
    assert failure.part == PART_ACCOUNT
    assert isinstance(failure.error, UnknownExchangeError)
    assert "no installed plugin serves exchange 'nowhere'" in str(failure.error)
    assert failure.error.account == "x"


@pytest.mark.anyio
async def test_an_unknown_account_name_raises() -> None:
    async with Folio([unserved("x")]) as folio:
        with pytest.raises(UnknownAccountError, match="no account named 'y'"):
            await folio.account_portfolio("y")


def test_the_blocking_host_reads_the_same(ascendex_simulator: RunningSimulator) -> None:
    with SyncFolio([ascendex("a", ascendex_simulator.url)]) as folio:
        found = folio.account_portfolio("a")
    assert found.complete
    assert found.risk is not None
    assert found.risk.total_value == Decimal("17715.8175")
