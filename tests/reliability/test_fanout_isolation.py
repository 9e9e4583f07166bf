"""One hostile account in a fan-out never hides or corrupts the others (OKX, Bybit, Binance).

A host reads good accounts of the three kit exchanges (their simulators, over loopback) side
by side with accounts of the same exchanges whose server repeats a JSON key in every balance
answer and has none of the risk endpoints (an HTML 404). Each good
account's result in :meth:`Folio.all_balances`, :meth:`Folio.all_risk` and
:meth:`Folio.portfolio` equals what it reads alone; each hostile account is a typed error of
its own, naming itself (docs/reliability.md, "Never a lost account").
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from typing import Any, Final

import attrs

from adapters.binance.simulator import DEMO_API_KEY as BINANCE_KEY
from adapters.binance.simulator import DEMO_API_SECRET as BINANCE_SECRET
from adapters.binance.simulator import BinanceSimulator
from adapters.bybit.simulator import DEMO_API_KEY as BYBIT_KEY
from adapters.bybit.simulator import DEMO_API_SECRET as BYBIT_SECRET
from adapters.bybit.simulator import BybitSimulator
from adapters.okx.simulator import DEMO_API_KEY as OKX_KEY
from adapters.okx.simulator import DEMO_API_SECRET as OKX_SECRET
from adapters.okx.simulator import DEMO_PASSPHRASE, OkxSimulator
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.errors import ExchangeError, FolioError
from framework.host import Folio
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.retry import RetryPolicy
from framework.settings import HttpSettings
from tests.reliability.hostile_server import Exchange, HostileServer, answer
from tests.reliability.three import BALANCE_PATH, BODIES, CREDENTIALS, KIT, balance_body

HTTP: Final = HttpSettings(max_body_bytes=64 * 1024, retry=RetryPolicy(
    max_attempts=2, base_delay=0.001, max_delay=0.002, deadline=2.0))
GOOD: Final = ("okx-good", "bybit-good", "binance-good")
HOSTILE: Final = ("okx-hostile", "bybit-hostile", "binance-hostile")
EPOCH: Final = datetime(2000, 1, 1, tzinfo=UTC)


async def hostile(exchange: Exchange) -> None:
    """Every balance answer repeats a key; the rest are 404s (no such endpoint here)."""
    target = exchange.seen.target.split("?", 1)[0]
    for name in KIT:
        if target == BALANCE_PATH[name]:
            body = balance_body(name).replace('{"', '{"x":1,"x":2,"', 1)
            exchange.writer.write(answer(200, body.encode()))
            return
    if target in BODIES:
        exchange.writer.write(answer(200, BODIES[target]))
        return
    exchange.writer.write(answer(404, b"<html>no</html>", headers={"Content-Type": "text/html"}))


@contextmanager
def accounts() -> Iterator[list[AccountConfig]]:
    with ExitStack() as stack:
        okx = stack.enter_context(OkxSimulator.demo().serve())
        bybit = stack.enter_context(BybitSimulator.demo().serve())
        binance = stack.enter_context(BinanceSimulator.demo().serve())
        bad = stack.enter_context(HostileServer(hostile))

        def account(name: str, exchange: str, credentials: Credentials, url: str,
                    **options: Any) -> AccountConfig:
            return AccountConfig(name, exchange, StaticCredentials(credentials), base_url=url,
                                 options=options)

        yield [
            account("okx-good", "okx", Credentials.from_strings(OKX_KEY, OKX_SECRET,
                                                                DEMO_PASSPHRASE), okx.url,
                    rate_limits=False),
            account("okx-hostile", "okx", CREDENTIALS["okx"], bad.url),
            account("bybit-good", "bybit", Credentials.from_strings(BYBIT_KEY, BYBIT_SECRET),
                    bybit.url),
            account("bybit-hostile", "bybit", CREDENTIALS["bybit"], bad.url),
            account("binance-good", "binance", Credentials.from_strings(
                BINANCE_KEY, BINANCE_SECRET), binance.url),
            account("binance-hostile", "binance", CREDENTIALS["binance_futures"], bad.url,
                    futures_base_url=bad.url),
        ]


def _same(value: object) -> object:
    """What must not change between a read alone and in a fan-out (not the read's time)."""
    if isinstance(value, BalanceSnapshot):
        return (value.account, value.wallet, tuple(value))
    if isinstance(value, MarginRisk):
        return attrs.evolve(value, fetched_at=EPOCH)
    return value


def _own_error(error: FolioError | None, account: str) -> None:
    assert isinstance(error, ExchangeError), error
    assert error.account == account
    for other in (*GOOD, *HOSTILE):
        if other != account:
            assert other not in str(error)


def test_hostile_accounts_leave_the_others_exact() -> None:
    async def run(configs: list[AccountConfig]) -> dict[str, Any]:
        async with Folio(configs, http=HTTP) as folio:
            cash = await folio.all_balances(WalletKind.CASH, ["okx-good", "okx-hostile",
                                                              "bybit-good", "bybit-hostile"])
            futures = await folio.all_balances(WalletKind.FUTURES,
                                               ["binance-good", "binance-hostile"])
            risk = await folio.all_risk(wallet=None)
            portfolio = await folio.portfolio()
        alone: dict[str, Any] = {}
        for config in configs:
            if config.name in GOOD:
                async with Folio([config], http=HTTP) as single:
                    wallet = (WalletKind.FUTURES if config.exchange == "binance"
                              else WalletKind.CASH)
                    alone[config.name] = (await single.balances(config.name, wallet),
                                          await single.risk(config.name))
        return {"cash": cash, "futures": futures, "risk": risk, "portfolio": portfolio,
                "alone": alone}

    with accounts() as configs:
        got = asyncio.run(run(configs))
    balances = {**{r.account: r for r in got["cash"]}, **{r.account: r for r in got["futures"]}}
    risks = {r.account: r for r in got["risk"]}
    for name in GOOD:
        snapshot, risk = got["alone"][name]
        assert _same(balances[name].value) == _same(snapshot)
        assert _same(risks[name].value) == _same(risk)
    for name in HOSTILE:
        _own_error(balances[name].error, name)
        _own_error(risks[name].error, name)
    parts = {part.account: part for part in got["portfolio"].accounts}
    for name in GOOD:
        assert not parts[name].failures, parts[name].failures
        assert parts[name].snapshots
    for name in HOSTILE:
        assert parts[name].failures
        for failure in parts[name].failures:
            _own_error(failure.error, name)
    failed = {failure.account for failure in got["portfolio"].failures}
    assert failed <= set(HOSTILE)
