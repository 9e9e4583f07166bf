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
    Row,
    RunningOkxSimulator,
    SimAccount,
    SimPosition,
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
        assert "isolated_positions" not in risk.extras

    asyncio.run(read())
    stats = okx_simulator.stats()  # no isolated equity: the positions are never asked for
    assert [stats.count(route) for route in ("account/config", "account/positions")] == [1, 0]


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


def _risk(url: str, **kw: Any) -> Any:
    async def read() -> Any:
        async with AsyncOkxClient(DEMO, base_url=url, account="main", http=ONE_ATTEMPT,
                                  **kw) as client:
            return await client.fetch_margin_risk(WalletKind.CASH)

    return asyncio.run(read())


def _one_account(factory: OkxSimulatorFactory, rows: list[Row], **kw: Any) -> Any:
    account = SimAccount(DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSPHRASE, rows, **kw)
    return factory(OkxSimulator([account]))


def test_an_isolated_position_at_liquidation_reads_at_risk_over_a_healthy_cross_pool(
    okx_simulator_factory: OkxSimulatorFactory,
) -> None:
    """Multi-currency margin: cross ratio 1100 / (10 x 1.125), isolated (45 - 5) / (40 x 1.125).

    Before: the risk was refused (AccountStateError); from the cross figures it read ``ok``.
    """
    rows = [Row("USDT", "1100", upl="-5"), Row("BTC", "0.1", haircut="0.05")]
    positions = [SimPosition("BTC-USDT-SWAP", "USDT", mmr="40", margin="45", upl="-5"),
                 SimPosition("ETH-USDT-SWAP", "USDT", mmr="1", margin="30", upl="2"),
                 SimPosition("SOL-USDT-SWAP", "USDT", mmr="5", mgn_mode="cross")]
    running = _one_account(okx_simulator_factory, rows, mmr="10", positions=positions)
    risk = _risk(running.url)
    assert risk.health.state is HealthState.AT_RISK
    assert risk.health.value == Decimal(repr(40 / 45))  # (45 - 5) / (40 x 1.125), a double
    assert risk.extras["isolated_positions"] == 2
    assert risk.extras["cross_ratio"] > 1
    assert risk.maintenance_margin == 10 + 40 + 1  # the cross position is in the cross 10
    assert risk.equity == Decimal(1095) + Decimal("0.1") * 64000
    assert running.stats().count("account/positions") == 1


def test_futures_mode_isolated_only_and_a_blank_availbal(
    okx_simulator_factory: OkxSimulatorFactory,
) -> None:
    """Futures mode as OKX answers it (availBal ""), one isolated position and no cross one.

    The balances read (``available`` from ``availEq``); the risk is the USDT pool's, exposed by
    the isolated position (before: refused; read from the cross figures, ``not_applicable``).
    """
    rows = [Row("USDT", "1000", upl="-20", frozen="150"), Row("BTC", "0.1")]
    positions = [SimPosition("BTC-USDT-SWAP", "USDT", mmr="16", margin="150", upl="-20")]
    running = _one_account(okx_simulator_factory, rows, acct_lv="2", blank_avail_bal=True,
                           positions=positions)

    async def read() -> Any:
        async with AsyncOkxClient(DEMO, base_url=running.url, account="main") as client:
            return await client.fetch_balances(WalletKind.CASH)

    snapshot = asyncio.run(read())
    assert snapshot["USDT"].available == Decimal(830)  # availEq: eq 980 less 150 frozen
    assert snapshot["USDT"].equity == Decimal(980)
    risk = _risk(running.url)
    assert (risk.quote_asset, risk.health.state) == ("USDT", HealthState.OK)
    assert risk.health.value == Decimal(repr(130 / 18))  # (150 - 20) / (16 x 1.125), a double
    assert (risk.maintenance_margin, risk.unrealized_pnl) == (16, -20)
    assert "cross_ratio" not in risk.extras


def test_isolated_equity_without_its_positions_is_refused_naming_the_endpoint(
    okx_simulator_factory: OkxSimulatorFactory,
) -> None:
    """The balance shows 130 USDT of isolated equity; ``account/positions`` lists none."""
    rows = [Row("USDT", "1000", iso_eq="130"), Row("BTC", "0.1")]
    running = _one_account(okx_simulator_factory, rows, acct_lv="2")
    with pytest.raises(InvalidResponseError) as caught:
        _risk(running.url)
    assert (caught.value.account, caught.value.endpoint) == ("main", "GET account/positions")
    assert caught.value.field == "$.data"
    assert "USDT" in str(caught.value)


@pytest.mark.parametrize(("body", "field"), [
    ('[{"posId":"1","instId":"X","mgnMode":"isolated","ccy":"USDT","mgnRatio":"0.5"}]',
     "$.data[0].mmr"),
    ('[{"posId":"1","instId":"X","mgnMode":"isolated","ccy":"USDT","mmr":"40","mgnRatio":""}]',
     "$.data[0].mgnRatio"),
    ('{"posId":"1"}', "$.data"),
])
def test_a_malformed_positions_answer_is_refused_at_its_field(
    okx_simulator_factory: OkxSimulatorFactory, body: str, field: str,
) -> None:
    rows = [Row("USDT", "1100")]
    positions = [SimPosition("BTC-USDT-SWAP", "USDT", mmr="40", margin="45")]
    running = _one_account(okx_simulator_factory, rows, mmr="10", positions=positions)
    running.faults.add(Fault.malformed_body(f'{{"code":"0","msg":"","data":{body}}}',
                                            route="account/positions"))
    with pytest.raises(InvalidResponseError) as caught:
        _risk(running.url)
    assert (caught.value.account, caught.value.endpoint) == ("main", "GET account/positions")
    assert caught.value.field == field


def test_the_positions_route_is_signed_and_keeps_okx_s_limit(
    okx_simulator_factory: OkxSimulatorFactory,
) -> None:
    """10 requests per 2 s per user ID, as documented: the 11th in the window is 50011."""
    now = time.time_ns() // 1_000_000
    positions = [SimPosition("BTC-USDT-SWAP", "USDT", mmr="40", margin="45")]
    account = SimAccount(DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSPHRASE, [Row("USDT", "45")],
                         positions=positions)
    running = okx_simulator_factory(OkxSimulator([account], clock=lambda: now))
    path = "/api/v5/account/positions"
    unsigned = httpx.get(running.url + path)
    assert (unsigned.status_code, unsigned.json()["code"]) == (401, "50103")
    answers = [_independent_get(running.url, path) for _ in range(10)]
    assert [a.json()["data"][0]["mgnRatio"] for a in answers] == [repr(45 / 45)] * 10
    over = _independent_get(running.url, path)
    assert (over.status_code, over.json()["code"]) == (429, "50011")
    wrong = _independent_get(running.url, path + "?instType=SPOT")
    assert wrong.status_code == 429  # still the same window: limited before it is read
