"""The whole stack with Binance: host API -> registry -> plugin -> adapter -> httpx -> simulator.

Plugins come from the installed ``folio`` entry points, as in an application; the expected
numbers are Binance's documentation samples.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY as ASCENDEX_KEY
from adapters.ascendex.simulator import DEMO_API_SECRET as ASCENDEX_SECRET
from adapters.ascendex.simulator import AscendexSimulator
from adapters.binance.simulator import DEMO_API_KEY, RunningBinanceSimulator
from framework import Folio, SyncFolio, WalletKind, total_by_asset
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.errors import (
    AuthenticationError,
    ConfigurationError,
    UnsupportedCapabilityError,
)
from framework.models import HealthMetric
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings
from tests.binance_integration.conftest import DEMO

SPOT = {"BTC": Decimal("4723846.89208129"), "LTC": Decimal("4763368.68006011")}
MARGIN_NET = {"BTC": Decimal("0.00499500"), "BNB": Decimal("2144.83333328")}


def binance(
    name: str, url: str, credentials: Credentials = DEMO, **options: object
) -> AccountConfig:
    return AccountConfig(name, "binance", StaticCredentials(credentials), base_url=url,
                         options=options)


@pytest.mark.anyio
async def test_the_async_host_reads_spot_margin_and_risk(
    binance_simulator: RunningBinanceSimulator,
) -> None:
    async with Folio([binance("main", binance_simulator.url)]) as folio:
        spot = await folio.balances("main", WalletKind.CASH)
        margin = await folio.balances("main", WalletKind.MARGIN)
        risk = await folio.risk("main")
    assert (spot.exchange, spot.account, spot.wallet) == ("binance", "main", WalletKind.CASH)
    assert {b.asset: b.total for b in spot} == SPOT
    assert {b.asset: b.net for b in margin} == MARGIN_NET
    assert (risk.quote_asset, risk.equity, risk.health.metric) == (
        "BTC", Decimal("6.24095242"), HealthMetric.MARGIN_LEVEL
    )
    # one client per account: both readers shared its connection
    assert binance_simulator.stats().connections == 1


def test_the_sync_host_reads_the_same(binance_simulator: RunningBinanceSimulator) -> None:
    with SyncFolio([binance("main", binance_simulator.url)]) as folio:
        spot = folio.balances("main")
        risk = folio.risk("main")
    assert {b.asset: b.total for b in spot} == SPOT
    assert risk.health.value == Decimal("11.64405625")


@pytest.fixture
def ascendex_url() -> Iterator[str]:
    with AscendexSimulator.seed().serve() as running:
        yield running.url


@pytest.mark.anyio
async def test_two_exchanges_side_by_side_with_one_total_per_asset(
    binance_simulator: RunningBinanceSimulator, ascendex_url: str
) -> None:
    wrong = Credentials.from_strings(DEMO_API_KEY, "not-the-secret")
    accounts = [
        binance("binance-main", binance_simulator.url),
        binance("binance-wrong", binance_simulator.url, wrong),
        AccountConfig("ascendex-main", "ascendex",
                      StaticCredentials(Credentials.from_strings(ASCENDEX_KEY, ASCENDEX_SECRET)),
                      base_url=ascendex_url),
    ]
    async with Folio(accounts, http=HttpSettings(retry=NO_RETRIES)) as folio:
        cash = await folio.all_balances(WalletKind.CASH)
        margin = await folio.all_balances(WalletKind.MARGIN)
        risks = await folio.all_risk()
    error = cash.errors["binance-wrong"]
    assert isinstance(error, AuthenticationError)
    assert (error.exchange, error.account, error.endpoint, error.code) == (
        "binance", "binance-wrong", "GET account", -1022
    )
    totals = total_by_asset([*cash, *margin], field="net")
    assert totals.missing == ("binance-wrong",)
    # BTC: AscendEX cash 22.1308675 + Binance spot + Binance margin net
    assert totals.totals["BTC"] == Decimal("22.1308675") + SPOT["BTC"] + MARGIN_NET["BTC"]
    assert totals.totals["LTC"] == SPOT["LTC"]
    assert totals.totals["ETH"] == Decimal("20.6")  # AscendEX only
    assert {r.account: r.unwrap().quote_asset for r in risks if r.ok} == {
        "binance-main": "BTC", "ascendex-main": "USDT"
    }


@pytest.mark.anyio
async def test_a_wallet_binance_has_no_risk_reader_for_is_a_typed_error(
    binance_simulator: RunningBinanceSimulator,
) -> None:
    async with Folio([binance("main", binance_simulator.url)]) as folio:
        with pytest.raises(UnsupportedCapabilityError):
            await folio.risk("main", WalletKind.CASH)


@pytest.mark.anyio
async def test_bad_options_are_a_configuration_error_naming_the_key(
    binance_simulator: RunningBinanceSimulator,
) -> None:
    account = binance("main", binance_simulator.url, recv_window=120_000)
    async with Folio([account]) as folio:
        result = await folio.all_balances(WalletKind.CASH)
    error = result.errors["main"]
    assert isinstance(error, ConfigurationError)
    assert error.key == "options.recv_window"
    assert binance_simulator.stats().total == 0
