"""The OKX client against its simulator over loopback: signatures, clock, errors, prices."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from adapters.okx import AsyncOkxClient, OkxOptions, OkxPrices
from adapters.okx.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_PASSPHRASE,
    Fault,
    OkxSimulator,
    RunningOkxSimulator,
)
from adapters.okx.simulator.pytest_plugin import OkxSimulatorFactory
from framework.credentials import Credentials
from framework.errors import (
    AccountStateError,
    AuthenticationError,
    ClockSkewError,
    InvalidResponseError,
    RateLimitedError,
)
from framework.models import HealthState, WalletKind
from framework.prices import Pair
from tests.okx.conftest import DEMO, ONE_ATTEMPT


def _independent_get(url: str, path: str, *, secret: str = DEMO_API_SECRET,
                     passphrase: str = DEMO_PASSPHRASE, skew_ms: int = 0) -> httpx.Response:
    """Another client's implementation of the documented algorithm."""
    now = datetime.fromtimestamp((time.time_ns() // 1_000_000 + skew_ms) / 1000, UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    mac = hmac.new(secret.encode(), (stamp + "GET" + path).encode(), hashlib.sha256)
    headers = {"OK-ACCESS-KEY": DEMO_API_KEY, "OK-ACCESS-SIGN": base64.b64encode(
        mac.digest()).decode(), "OK-ACCESS-TIMESTAMP": stamp, "OK-ACCESS-PASSPHRASE": passphrase}
    return httpx.get(url + path, headers=headers)


def test_an_independent_signature_is_accepted_and_a_wrong_one_refused(
    okx_simulator: RunningOkxSimulator,
) -> None:
    url = okx_simulator.url
    good = _independent_get(url, "/api/v5/account/balance?ccy=BTC,ETH")
    assert good.status_code == 200
    assert good.json()["code"] == "0"
    assert [row["ccy"] for row in good.json()["data"][0]["details"]] == ["BTC", "ETH"]
    bad = _independent_get(url, "/api/v5/account/config", secret="wrong")
    assert (bad.status_code, bad.json()) == (401, {"code": "50113", "msg": "Invalid Sign",
                                                   "data": []})
    phrase = _independent_get(url, "/api/v5/account/config", passphrase="nope")
    assert (phrase.status_code, phrase.json()["code"]) == (401, "50105")
    stale = _independent_get(url, "/api/v5/account/config", skew_ms=-31_000)
    assert (stale.status_code, stale.json()["code"]) == (401, "50102")


async def _cash(url: str, credentials: Credentials = DEMO, **kw: Any) -> object:
    async with AsyncOkxClient(credentials, base_url=url, http=ONE_ATTEMPT, **kw) as client:
        return await client.fetch_balances(WalletKind.CASH)


def test_the_demo_account_reads_and_values(okx_simulator: RunningOkxSimulator) -> None:
    async def read() -> None:
        async with AsyncOkxClient(DEMO, base_url=okx_simulator.url, account="main") as client:
            snapshot = await client.fetch_balances(WalletKind.CASH)
            risk = await client.fetch_margin_risk(WalletKind.CASH)
        usdt = snapshot["USDT"]
        assert (usdt.borrowed, usdt.interest) == (Decimal(1500), Decimal("0.35"))
        assert risk.health.state is HealthState.OK
        assert risk.borrowed_value == snapshot["USDT"].borrowed + snapshot["USDT"].interest
        async with OkxPrices(base_url=okx_simulator.url) as prices:
            book = {p.pair: p.value for p in await prices.fetch_prices()}
        assert book[Pair("BTC", "USDT")] == 64000
        assert Pair("LUNA", "USDT") not in book  # suspended: never priced
        usd = {row.asset: book[Pair(row.asset, "USDT")] if row.asset != "USDT" else 1
               for row in snapshot}
        held = sum((row.equity * usd[row.asset] for row in snapshot), start=0)
        assert held == risk.equity  # the account's USD equity is what its rows are worth

    asyncio.run(read())


def test_a_wrong_secret_is_an_authentication_error(okx_simulator: RunningOkxSimulator) -> None:
    wrong = Credentials.from_strings(DEMO_API_KEY, "not-the-secret", DEMO_PASSPHRASE)
    with pytest.raises(AuthenticationError) as caught:
        asyncio.run(_cash(okx_simulator.url, wrong, account="main"))
    assert caught.value.code == "50113"
    assert caught.value.endpoint == "GET account/balance"
    assert "check the API secret (api_secret_env)" in str(caught.value)
    assert "not-the-secret" not in str(caught.value)


@pytest.mark.parametrize(
    ("key", "secret", "passphrase", "code", "advice"),
    [
        pytest.param("5b0b6e1c-0000-4000-8000-000000000000", DEMO_API_SECRET, DEMO_PASSPHRASE,
                     "50111", "check the API key (api_key_env)", id="key"),
        pytest.param(DEMO_API_KEY, DEMO_API_SECRET, "not-the-phrase", "50105",
                     "check the key's passphrase (api_passphrase_env)", id="passphrase"),
    ],
)
def test_a_wrong_credential_names_the_key_to_check(
    okx_simulator: RunningOkxSimulator, key: str, secret: str, passphrase: str, code: str,
    advice: str,
) -> None:
    """A new user's first read: which of the three credentials is wrong, never its value."""
    wrong = Credentials.from_strings(key, secret, passphrase)
    with pytest.raises(AuthenticationError) as caught:
        asyncio.run(_cash(okx_simulator.url, wrong, account="main"))
    assert caught.value.code == code
    assert str(caught.value).endswith(advice)
    assert "not-the-phrase" not in str(caught.value)


def test_a_demo_key_without_the_option_is_50101(
    okx_simulator_factory: OkxSimulatorFactory,
) -> None:
    import dataclasses  # noqa: PLC0415

    from adapters.okx.simulator import demo_account  # noqa: PLC0415

    running = okx_simulator_factory(OkxSimulator([dataclasses.replace(demo_account(),
                                                                      demo=True)]))
    with pytest.raises(AuthenticationError, match="demo_trading"):
        asyncio.run(_cash(running.url))
    asyncio.run(_cash(running.url, options=OkxOptions(demo_trading=True)))


def test_a_skewed_clock_is_corrected_once(okx_simulator: RunningOkxSimulator) -> None:
    okx_simulator.set_clock_offset_ms(120_000)
    asyncio.run(_cash(okx_simulator.url))  # 50102, server time read, signed again
    with pytest.raises(ClockSkewError):
        asyncio.run(_cash(okx_simulator.url, options=OkxOptions(sync_clock=False)))


def test_throttling_is_a_rate_limited_error(okx_simulator: RunningOkxSimulator) -> None:
    okx_simulator.faults.add(Fault.rate_limited(route="account/balance", times=1))
    with pytest.raises(RateLimitedError) as caught:
        asyncio.run(_cash(okx_simulator.url))
    assert (caught.value.code, caught.value.status) == ("50011", 429)


def test_futures_mode_with_two_pools_is_refused_naming_account_and_endpoint(
    okx_simulator_factory: OkxSimulatorFactory,
) -> None:
    from adapters.okx.simulator import Row, SimAccount  # noqa: PLC0415

    rows = [Row("USDT", "1000", mmr="10"), Row("BTC", "0.1", mmr="0.001")]
    futures = SimAccount(DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSPHRASE, rows, acct_lv="2")
    running = okx_simulator_factory(OkxSimulator([futures]))

    async def risk() -> object:
        async with AsyncOkxClient(DEMO, base_url=running.url, account="main") as client:
            return await client.fetch_margin_risk(WalletKind.CASH)

    with pytest.raises(AccountStateError) as caught:
        asyncio.run(risk())
    assert (caught.value.account, caught.value.endpoint) == ("main", "GET account/balance")
    assert "acctLv 2" in str(caught.value)
    assert "USDT, BTC" in str(caught.value)


def test_an_unknown_account_mode_names_the_endpoint_it_came_from(
    okx_simulator: RunningOkxSimulator,
) -> None:
    body = '{"code":"0","msg":"","data":[{"acctLv":"5"}]}'
    okx_simulator.faults.add(Fault.malformed_body(body, route="account/config"))

    async def risk() -> object:
        async with AsyncOkxClient(DEMO, base_url=okx_simulator.url, account="main",
                                  http=ONE_ATTEMPT) as client:
            return await client.fetch_margin_risk(WalletKind.CASH)

    with pytest.raises(InvalidResponseError) as caught:
        asyncio.run(risk())
    assert (caught.value.account, caught.value.endpoint) == ("main", "GET account/config")
    assert caught.value.field == "$.data[0].acctLv"
    assert not any(route == "account/balance" for _, route in okx_simulator.stats().requests)


def test_one_host_keeps_under_the_balance_limit_by_itself(
    okx_simulator: RunningOkxSimulator,
) -> None:
    """14 reads through one host: the 11th waits for OKX's 10-per-2-s window, none is refused.

    Each request looks its endpoint's limiter up in the kit's registry; a limiter no client
    holds must still count the window (adapters/kit/ratelimit.py), or the client limits
    nothing and the exchange answers 50011.
    """
    from framework import AccountConfig, Folio, StaticCredentials  # noqa: PLC0415

    account = AccountConfig("main", "okx", StaticCredentials(DEMO), base_url=okx_simulator.url)

    async def read() -> int:
        async with Folio([account]) as folio:
            results = [await folio.balances("main", WalletKind.CASH) for _ in range(14)]
        return len(results)

    assert asyncio.run(read()) == 14


def test_a_blank_availbal_is_read_and_isolated_positions_refuse_the_risk(
    okx_simulator_factory: OkxSimulatorFactory,
) -> None:
    """Futures mode as OKX answers it: availBal "", and a position margined in isolation.

    The balances read (``available`` from ``availEq``); the risk is refused naming the account
    and endpoint, never the account-level figures' ``not_applicable`` (mmr and mgnRatio cover
    cross positions only).
    """
    from adapters.okx.simulator import Row, SimAccount  # noqa: PLC0415

    rows = [Row("USDT", "1000", upl="-20", frozen="150", iso_eq="130"), Row("BTC", "0.1")]
    futures = SimAccount(DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSPHRASE, rows, acct_lv="2",
                         blank_avail_bal=True)
    running = okx_simulator_factory(OkxSimulator([futures]))

    async def read() -> tuple[Any, Any]:
        async with AsyncOkxClient(DEMO, base_url=running.url, account="main") as client:
            snapshot = await client.fetch_balances(WalletKind.CASH)
            try:
                await client.fetch_margin_risk(WalletKind.CASH)
            except AccountStateError as exc:
                return snapshot, exc
        return snapshot, None

    snapshot, refused = asyncio.run(read())
    assert snapshot["USDT"].available == Decimal(830)  # availEq: eq 980 less 150 frozen
    assert snapshot["USDT"].equity == Decimal(980)
    assert isinstance(refused, AccountStateError)
    assert (refused.account, refused.endpoint) == ("main", "GET account/balance")
    assert "isolated" in str(refused)
