"""The futures wallet and risk over loopback sockets, against the simulator's ``/fapi/`` routes."""

from __future__ import annotations

import logging
import traceback
from decimal import Decimal

import pytest

from adapters.binance import AsyncBinanceClient
from adapters.binance.endpoints import ACCOUNT
from adapters.binance.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    BinanceSimulator,
    Fault,
    SimulatorOptions,
)
from adapters.binance.simulator.accounts import SimAccount
from adapters.binance.simulator.demo import demo_account
from adapters.binance_futures import AsyncBinanceFuturesClient, BinanceFuturesOptions, futures_url
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.errors import (
    AccountStateError,
    ConfigurationError,
    ExchangeError,
    InvalidResponseError,
    PermissionDeniedError,
    RateLimitedError,
)
from framework.host import Folio
from framework.models import HealthState, WalletKind
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings
from tests.binance_integration.conftest import DEMO
from tests.binance_simulator.helpers import FrozenClock, call, hex_hmac

ONE_ATTEMPT = HttpSettings(retry=NO_RETRIES)
NO_FUTURES_KEY = "F" * 64


def _account(url: str, name: str = "main", credentials: Credentials = DEMO,
             **options: object) -> AccountConfig:
    return AccountConfig(name, "binance", StaticCredentials(credentials), base_url=url,
                         options=options)


@pytest.mark.anyio
async def test_the_host_reads_the_futures_wallet_and_its_risk() -> None:
    with BinanceSimulator.demo().serve() as running:
        async with Folio([_account(running.url)], http=ONE_ATTEMPT) as folio:
            wallet = await folio.balances("main", WalletKind.FUTURES)
            risk = await folio.risk("main", WalletKind.FUTURES)
            default = await folio.risk("main")
    (usdt,) = wallet
    assert (usdt.asset, usdt.total, usdt.available, usdt.unrealized_pnl, usdt.equity) == (
        "USDT", Decimal("2000.00000000"), Decimal("1780.00000000"), Decimal("100.00000000"),
        Decimal("2100.00000000"))
    assert (risk.wallet, risk.quote_asset, risk.health.state) == (
        WalletKind.FUTURES, "USDT", HealthState.OK)
    assert (default.wallet, default.quote_asset) == (WalletKind.MARGIN, "BTC")


@pytest.mark.anyio
async def test_futures_weight_is_metered_apart_from_spot() -> None:
    with BinanceSimulator.demo().serve() as running:
        async with Folio([_account(running.url)], http=ONE_ATTEMPT) as folio:
            await folio.balances("main", WalletKind.FUTURES)
            assert (running.used_weight("futures/account"), running.used_weight("account")) == (
                10, 0)  # accountConfig 5 + account 5, nothing of /api/
            await folio.balances("main", WalletKind.CASH)
            assert (running.used_weight("futures/account"), running.used_weight("account")) == (
                10, 20)
            await folio.risk("main", WalletKind.FUTURES)
            assert running.used_weight("futures/time") == 20


@pytest.mark.anyio
async def test_the_client_side_limiters_are_apart_too() -> None:
    with BinanceSimulator.demo().serve() as running:
        options = BinanceFuturesOptions(fapi_weight_limit=2399, weight_limit=5999)
        async with (
            AsyncBinanceFuturesClient(DEMO, base_url=running.url, options=options) as futures,
            AsyncBinanceClient(DEMO, base_url=running.url, options=options) as spot,
        ):
            (spot_limiter,) = spot.budgets.of(ACCOUNT)
            (futures_limiter,) = futures.limiters
            assert futures_limiter is not spot_limiter
            await futures.fetch_balances()
            assert futures.used_weight == 10  # what Binance reported for the futures budget
            assert spot.used_weight == {}
            assert spot_limiter.try_acquire(5999) == 0  # the futures read took none of /api/
            assert futures_limiter.try_acquire(2399) > 0  # it took 10 of /fapi/'s, client-side


@pytest.mark.anyio
async def test_over_the_futures_limit_is_429_on_futures_only() -> None:
    simulator = BinanceSimulator.demo(options=SimulatorOptions(fapi_weight_limit=10))
    with simulator.serve() as running:
        async with Folio([_account(running.url, fapi_weight_limit=0)],
                         http=ONE_ATTEMPT) as folio:
            await folio.balances("main", WalletKind.FUTURES)
            with pytest.raises(RateLimitedError) as caught:
                await folio.balances("main", WalletKind.FUTURES)
            assert (await folio.balances("main", WalletKind.CASH)).assets
    assert caught.value.status == 429
    assert "requests per minute" in (caught.value.exchange_message or "")


@pytest.mark.anyio
async def test_a_key_without_futures_is_refused_with_futures_advice() -> None:
    secret = "no-futures-secret"
    accounts = [demo_account(), SimAccount(NO_FUTURES_KEY, secret)]
    with BinanceSimulator(accounts).serve() as running:
        credentials = Credentials.from_strings(NO_FUTURES_KEY, secret)
        async with Folio([_account(running.url, credentials=credentials)],
                         http=ONE_ATTEMPT) as folio:
            with pytest.raises(PermissionDeniedError) as caught:
                await folio.balances("main", WalletKind.FUTURES)
    error = caught.value
    assert (error.exchange, error.account, error.endpoint, error.code, error.status) == (
        "binance", "main", "GET futures/accountConfig", -2015, 401)
    assert "Enable Futures" in str(error)
    assert secret not in "".join(traceback.format_exception(error)) + repr(vars(error))


@pytest.mark.anyio
async def test_a_rejected_timestamp_is_corrected_from_the_futures_clock() -> None:
    with BinanceSimulator.demo().serve() as running:
        running.set_clock_offset_ms(-30_000)  # the server's clock is 30 s behind ours
        async with AsyncBinanceFuturesClient(DEMO, base_url=running.url,
                                             http=ONE_ATTEMPT) as client:
            wallet = await client.fetch_balances()
            assert -31_000 < client.clock_offset_ms < -29_000
        stats = running.stats()
    assert wallet.assets == ("USDT",)
    assert stats.count(route="futures/time") == 1
    assert stats.count(route="time") == 0  # spot's clock is not the futures host's


@pytest.mark.anyio
async def test_a_garbled_account_is_refused_naming_the_field() -> None:
    with BinanceSimulator.demo().serve() as running:
        running.faults.add(Fault.malformed_body('{"assets": 1}', route="futures/account"))
        async with AsyncBinanceFuturesClient(DEMO, base_url=running.url,
                                             http=ONE_ATTEMPT) as client:
            with pytest.raises(InvalidResponseError) as caught:
                await client.fetch_margin_risk()
    assert caught.value.endpoint == "GET futures/account"
    assert str(caught.value.field).startswith("$.")


def test_the_simulator_checks_futures_signatures_as_binance_does() -> None:
    clock = FrozenClock()
    with BinanceSimulator.demo(clock=clock).serve() as running:
        good = call(running.port, "/fapi/v3/account", {"recvWindow": "5000"})
        upper = call(running.port, "/fapi/v1/accountConfig",
                     signature=hex_hmac(DEMO_API_SECRET, f"timestamp={clock.now_ms}").upper())
        wrong = call(running.port, "/fapi/v3/account", sign_with="not-the-secret")
        stale = call(running.port, "/fapi/v3/account", timestamp=clock.now_ms - 5001)
        ahead = call(running.port, "/fapi/v3/account", timestamp=clock.now_ms + 1000)
        unsigned = call(running.port, "/fapi/v1/time", sign_with=None, timestamp=None,
                        key=None)
    assert good.status == upper.status == 200
    assert good.json()["positions"][0]["symbol"] == "BTCUSDT"
    assert (wrong.status, wrong.json()["code"]) == (400, -1022)
    assert (stale.status, stale.json()["code"]) == (400, -1021)
    assert (ahead.status, ahead.json()["code"]) == (400, -1021)
    assert unsigned.json() == {"serverTime": clock.now_ms}
    assert good.headers["x-mbx-used-weight-1m"] == "5"
    assert wrong.headers["x-mbx-used-weight-1m"] == "15"  # refusals are metered too
    assert DEMO_API_KEY not in repr(good.headers)


def test_the_futures_host() -> None:
    options = BinanceFuturesOptions()
    assert futures_url(options, "https://api.binance.com") == "https://fapi.binance.com"
    assert futures_url(options, "https://API3.Binance.com:443") == "https://fapi.binance.com"
    assert futures_url(options, "http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert futures_url(options, "https://binance.com.example.org") == (
        "https://binance.com.example.org")
    explicit = BinanceFuturesOptions(futures_base_url="https://demo-fapi.binance.com")
    assert futures_url(explicit, "https://api.binance.com") == "https://demo-fapi.binance.com"


@pytest.mark.parametrize("url", ["ftp://fapi.binance.com", "https://fapi.binance.com?x=1",
                                 "http://fapi.binance.com", 5])
def test_a_bad_futures_url_is_a_configuration_error_naming_the_key(url: object) -> None:
    with pytest.raises(ConfigurationError) as caught:
        BinanceFuturesOptions.from_mapping({"futures_base_url": url}, account="main")
    assert caught.value.key == "options.futures_base_url"


@pytest.mark.anyio
async def test_an_explicit_futures_url_wins() -> None:
    with (BinanceSimulator.demo().serve() as spot,
          BinanceSimulator.demo().serve() as futures):
        account = _account(spot.url, futures_base_url=futures.url)
        async with Folio([account], http=ONE_ATTEMPT) as folio:
            await folio.balances("main", WalletKind.FUTURES)
        assert (spot.stats().total, futures.stats().count(route="futures/account")) == (0, 1)


@pytest.mark.anyio
async def test_no_key_or_secret_in_logs_errors_or_reprs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = Credentials.from_strings(DEMO_API_KEY, "wrong-secret-that-must-not-leak")
    seen: list[str] = []
    with BinanceSimulator.demo().serve() as running:
        running.faults.add(Fault.malformed_body('{"assets": 1}', route="futures/account",
                                                times=1))
        async with AsyncBinanceFuturesClient(DEMO, base_url=running.url,
                                             http=ONE_ATTEMPT) as client:
            seen.append(repr(client) + repr(vars(client)) + repr(vars(client.protocol)))
            with pytest.raises(InvalidResponseError) as garbled:
                await client.fetch_balances()
            await client.fetch_margin_risk()
        async with AsyncBinanceFuturesClient(wrong, base_url=running.url,
                                             http=ONE_ATTEMPT) as client:
            with pytest.raises(ExchangeError) as refused:
                await client.fetch_balances()
    assert refused.value.code == -1022
    for error in (garbled.value, refused.value):
        seen.append("".join(traceback.format_exception(error)) + repr(vars(error)) + str(error))
    seen.append(caplog.text)
    assert any("futures" in record.getMessage() for record in caplog.records)  # it did log
    text = "".join(seen)
    for secret in (DEMO_API_KEY, DEMO_API_SECRET, "wrong-secret-that-must-not-leak"):
        assert secret not in text


@pytest.mark.anyio
async def test_an_isolated_position_refuses_the_risk_over_loopback() -> None:
    """A cross pool at its liquidation line beside an isolated position with a large wallet.

    The totals (margin balance 2000 over maintenance margin 25) read a cushion of 80, "ok";
    the cross pool holds 50 of wallet against 50 of maintenance margin: at liquidation. The
    risk is refused naming the account and endpoint; the wallet is still served.
    """
    from adapters.binance.simulator.futures import (  # noqa: PLC0415
        FuturesPosition,
        FuturesRow,
        SimFutures,
    )

    futures = SimFutures(
        rows=[FuturesRow("USDT", "2000.00000000", maint_margin="100.00000000")],
        positions=[FuturesPosition("BTCUSDT", "0.100", "6400.00000000",
                                   maint_margin="50.00000000"),
                   FuturesPosition("ETHUSDT", "1.000", "3200.00000000",
                                   maint_margin="50.00000000", isolated_wallet="1950.00000000")],
    )
    key = "1" * 64
    account = SimAccount(key, "isolated-secret", futures=futures)
    with BinanceSimulator([account]).serve() as running:
        async with AsyncBinanceFuturesClient(Credentials.from_strings(key, "isolated-secret"),
                                             base_url=running.url, http=ONE_ATTEMPT) as client:
            (usdt,) = await client.fetch_balances()
            with pytest.raises(AccountStateError) as caught:
                await client.fetch_margin_risk()
    assert usdt.total == Decimal("2000.00000000")
    assert caught.value.endpoint == "GET futures/account"
    assert "isolated margin (ETHUSDT, USDT wallet)" in str(caught.value)


@pytest.mark.anyio
async def test_a_host_without_futures_routes_names_futures_base_url() -> None:
    """A 404 page from the futures host (the spot testnet, a spot-only proxy as ``base_url``).

    Spot's reading says "check the base URL", which a user whose spot reads work would not
    suspect; the futures read names the setting that picks its host.
    """
    with BinanceSimulator.demo().serve() as running:
        running.faults.add(Fault.http_status(404, body="<html><h1>Not Found</h1></html>",
                                             route="futures/accountConfig"))
        async with Folio([_account(running.url)], http=ONE_ATTEMPT) as folio:
            result = await folio.all_balances(WalletKind.FUTURES)
            cash = await folio.balances("main", WalletKind.CASH)  # the spot host still serves
    error = result["main"].error
    assert isinstance(error, ExchangeError)
    assert (error.status, error.endpoint, error.account) == (404, "GET futures/accountConfig",
                                                             "main")
    assert "check options.futures_base_url" in str(error)
    assert "check the base URL" not in str(error)
    assert cash.wallet is WalletKind.CASH
