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


def _isolated_account(key: str, wallet: str, pnl: str, maint: str,
                      *positions: tuple[str, str, str, str]) -> SimAccount:
    """A Single-Asset USDT account; each position (symbol, pnl, maint, isolated wallet)."""
    from adapters.binance.simulator.futures import (  # noqa: PLC0415
        FuturesPosition,
        FuturesRow,
        SimFutures,
    )

    futures = SimFutures(
        rows=[FuturesRow("USDT", wallet, pnl, maint_margin=maint)],
        positions=[FuturesPosition(symbol, "1.000", "3200.00000000", profit, maint_margin=mm,
                                   isolated_wallet=held)
                   for symbol, profit, mm, held in positions])
    return SimAccount(key, f"{key[:4]}-secret", futures=futures)


@pytest.mark.anyio
async def test_the_weakest_pool_decides_over_loopback() -> None:
    """Two accounts the simulator serves with the isolated figures apart, read by the host.

    ``edge``: a cross pool holding 50 against its position's 50 of maintenance margin, beside
    an isolated wallet of 1950; the whole wallet's cushion would read 2000 / 100 = 20, "ok",
    yet the cross pool is at its liquidation line. ``sunk``: an isolated position that has
    lost 15 of its 10 (a margin balance of -5) in a wallet whose equity is 1990.
    """
    flat = "0.00000000"
    edge = _isolated_account("1" * 64, "2000.00000000", flat, "100.00000000",
                             ("BTCUSDT", flat, "50.00000000", "0"),
                             ("ETHUSDT", flat, "50.00000000", "1950.00000000"))
    sunk = _isolated_account("2" * 64, "2000.00000000", "-10.00000000", "12.00000000",
                             ("BTCUSDT", "5.00000000", "10.00000000", "0"),
                             ("ETHUSDT", "-15.00000000", "2.00000000", "10.00000000"))
    with BinanceSimulator([edge, sunk]).serve() as running:
        accounts = [_account(running.url, name, Credentials.from_strings(
            account.api_key, account.api_secret)) for name, account in (("edge", edge),
                                                                      ("sunk", sunk))]
        async with Folio(accounts, http=ONE_ATTEMPT) as folio:
            result = await folio.all_risk(wallet="futures")
            (usdt,) = await folio.balances("edge", WalletKind.FUTURES)
    at_line, under = result["edge"].unwrap(), result["sunk"].unwrap()
    assert (at_line.health.state, at_line.health.value) == (HealthState.AT_RISK, Decimal(1))
    assert (at_line.equity, at_line.maintenance_margin) == (
        Decimal("2000.00000000"), Decimal("100.00000000"))
    assert (at_line.extras["cross_ratio"], at_line.extras["isolated_positions"],
            at_line.extras["weakest_isolated_ratio"]) == (Decimal(1), Decimal(1), Decimal(39))
    assert usdt.total == Decimal("2000.00000000")  # the wallet holds the isolated wallet
    assert (under.health.state, under.health.value, under.equity) == (
        HealthState.AT_RISK, Decimal("-2.5"), Decimal("1990.00000000"))
    assert under.extras["cross_ratio"] == Decimal("199.5")  # (1990 + 5) / 10


@pytest.mark.anyio
async def test_an_isolated_margin_that_is_not_wallet_plus_profit_is_refused_over_loopback() -> None:
    """Binance's ``isolatedMargin`` is ``isolatedWallet + unrealizedProfit``; one that is not
    (here 1 more) is an answer contradicting itself: refused naming account, endpoint, field."""
    import json  # noqa: PLC0415
    from dataclasses import replace  # noqa: PLC0415

    from adapters.binance.simulator.futures import encode_account  # noqa: PLC0415

    sound = _isolated_account("3" * 64, "2000.00000000", "-10.00000000", "12.00000000",
                              ("BTCUSDT", "5.00000000", "10.00000000", "0"),
                              ("ETHUSDT", "-15.00000000", "2.00000000", "10.00000000"))
    assert sound.futures is not None
    document = json.loads(encode_account(sound.futures))
    assert document["positions"][1]["isolatedMargin"] == "-5.00000000"  # as Binance derives it
    document["positions"][1]["isolatedMargin"] = "-4.00000000"
    served = replace(sound, futures=replace(
        sound.futures, verbatim={"futures/account": json.dumps(document).encode()}))
    with BinanceSimulator([served]).serve() as running:
        credentials = Credentials.from_strings(served.api_key, served.api_secret)
        async with Folio([_account(running.url, "iso", credentials)], http=ONE_ATTEMPT) as folio:
            with pytest.raises(InvalidResponseError) as caught:
                await folio.risk("iso", WalletKind.FUTURES)
    error = caught.value
    assert (error.account, error.endpoint, error.field) == (
        "iso", "GET futures/account", "$.positions[1].isolatedMargin")
    assert "ETHUSDT" in str(error)


@pytest.mark.anyio
async def test_a_cross_un_pnl_holding_the_isolated_profit_does_not_lift_the_cross_pool() -> None:
    """V3's ``crossUnPnl`` was reported to hold the isolated positions' PnL as well (a bug by
    Binance's word, JKorf/Binance.Net issue 1404). Served so, the account reads as it is: the
    cross pool's 50 against its 50 of maintenance margin at the line, not lifted by the
    isolated position's profit of 200 to (50 + 200) / 50 = 5, and not refused either."""
    import json  # noqa: PLC0415
    from dataclasses import replace  # noqa: PLC0415

    from adapters.binance.simulator.futures import encode_account  # noqa: PLC0415

    flat = "0.00000000"
    sound = _isolated_account("4" * 64, "2000.00000000", "200.00000000", "60.00000000",
                              ("BTCUSDT", flat, "50.00000000", "0"),
                              ("ETHUSDT", "200.00000000", "10.00000000", "1950.00000000"))
    assert sound.futures is not None
    document = json.loads(encode_account(sound.futures))
    assert document["assets"][0]["crossUnPnl"] == flat  # as Binance documents it
    document["assets"][0]["crossUnPnl"] = document["totalCrossUnPnl"] = "200.00000000"
    served = replace(sound, futures=replace(
        sound.futures, verbatim={"futures/account": json.dumps(document).encode()}))
    with BinanceSimulator([served]).serve() as running:
        credentials = Credentials.from_strings(served.api_key, served.api_secret)
        async with Folio([_account(running.url, "iso", credentials)], http=ONE_ATTEMPT) as folio:
            risk = await folio.risk("iso", WalletKind.FUTURES)
    assert (risk.health.state, risk.health.value) == (HealthState.AT_RISK, Decimal(1))
    assert (risk.extras["cross_ratio"], risk.extras["weakest_isolated_ratio"]) == (
        Decimal(1), Decimal(215))
    assert (risk.equity, risk.unrealized_pnl) == (Decimal("2200.00000000"), Decimal(200))


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
