"""The clock probe never waits for itself (adapters/kit/client.py, ``sender(correcting=False)``).

A rejected timestamp makes the client read the exchange's time, once, shared by every caller;
when that server-time read is itself answered with a timestamp rejection (a broken exchange, or
one answering everything with the same error), the probe must fail with that error. Before the
fix the probe asked for a correction of its own, joined the probe in flight (itself) and hung
until the call's deadline, which then read as a timeout.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from adapters.ascendex import AscendexOptions, AsyncAscendexClient
from adapters.binance import AsyncBinanceClient
from framework.credentials import Credentials
from framework.errors import ClockSkewError, RequestTimeoutError
from framework.models import BalanceSnapshot, WalletKind
from framework.retry import RetryPolicy
from framework.settings import HttpSettings

CREDENTIALS = Credentials.from_strings("probe-key", "probe-secret")
# A deadline long enough to notice a hang, short enough that a hang fails the test quickly.
HTTP = HttpSettings(retry=RetryPolicy(max_attempts=1, deadline=3.0))


@pytest.mark.anyio
async def test_an_ascendex_probe_refused_for_its_timestamp_fails_with_that_refusal() -> None:
    paths: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        return httpx.Response(200, json={"code": 100011, "message": "Invalid timestamp"})

    async with AsyncAscendexClient(
        CREDENTIALS, base_url="https://ascendex.test", options=AscendexOptions(account_group=6),
        http=HTTP, transport=httpx.MockTransport(refuse),
    ) as client:
        with pytest.raises(ClockSkewError):
            await client.balances(WalletKind.CASH)
    assert paths == ["/6/api/pro/v1/cash/balance", "/api/pro/v1/exchange-info"]


@pytest.mark.anyio
async def test_a_binance_probe_refused_for_its_timestamp_fails_with_that_refusal() -> None:
    paths: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        return httpx.Response(400, json={"code": -1021, "msg": "Timestamp outside recvWindow"})

    async with AsyncBinanceClient(
        CREDENTIALS, base_url="https://binance.test", http=HTTP,
        transport=httpx.MockTransport(refuse),
    ) as client:
        with pytest.raises(ClockSkewError):
            await client.balances(WalletKind.CASH)
    assert paths == ["/api/v3/account", "/api/v3/time"]


class _SlowFirstProbe:
    """Refuses each account's first balance read for its timestamp; the first server-time
    read takes 0.8 s, later ones answer at once."""

    def __init__(self) -> None:
        self.probes = 0
        self.refused: set[str] = set()
        self.probing = asyncio.Event()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("exchange-info"):
            self.probes += 1
            self.probing.set()
            if self.probes == 1:
                await asyncio.sleep(0.8)  # the exchange is slow to answer the first probe
            return httpx.Response(200, json={"code": 0, "data": {
                "requestTimeEcho": 1, "requestReceiveAt": 1_700_000_000_000, "latency": 0}})
        key = request.headers["x-auth-key"]
        if key not in self.refused:
            self.refused.add(key)
            return httpx.Response(200, json={"code": 100011, "message": "Invalid timestamp"})
        return httpx.Response(200, json={"code": 0, "data": [
            {"asset": "USDT", "totalBalance": "1", "availableBalance": "1"}]})

    def client(self, account: str, deadline: float, host: str) -> AsyncAscendexClient:
        return AsyncAscendexClient(
            Credentials.from_strings(f"probe-key-{account}", "probe-secret"), account=account,
            base_url=f"https://{host}.ascendex.test", options=AscendexOptions(account_group=6),
            http=HttpSettings(retry=RetryPolicy(max_attempts=1, deadline=deadline)),
            transport=httpx.MockTransport(self),
        )

    async def both(
        self, first: AsyncAscendexClient, second: AsyncAscendexClient
    ) -> list[BalanceSnapshot | BaseException]:
        """``first`` starts the probe; ``second`` reads while it is in flight."""
        started = asyncio.create_task(first.balances(WalletKind.CASH))
        await self.probing.wait()
        joined = asyncio.create_task(second.balances(WalletKind.CASH))
        return list(await asyncio.gather(started, joined, return_exceptions=True))


@pytest.mark.anyio
async def test_a_probe_cut_by_another_account_s_deadline_is_run_again_on_this_one_s() -> None:
    """B (0.3 s) starts the probe and is cut; A (3 s) joined it and must not inherit B's cut
    ("did not finish within the 0.3 s deadline"): it reads the time on its own deadline."""
    exchange = _SlowFirstProbe()
    b = exchange.client("b", 0.3, "probe-cut")
    a = exchange.client("a", 3.0, "probe-cut")
    async with a, b:
        b_result, a_result = await exchange.both(b, a)
    assert isinstance(b_result, RequestTimeoutError)
    assert "0.3 s deadline" in str(b_result)
    assert isinstance(a_result, BalanceSnapshot), a_result
    assert a_result["USDT"].total == 1
    assert exchange.probes == 2


@pytest.mark.anyio
async def test_a_caller_cut_while_waiting_for_the_probe_names_its_call_and_its_deadline() -> None:
    exchange = _SlowFirstProbe()
    b = exchange.client("b", 3.0, "probe-wait")
    a = exchange.client("a", 0.3, "probe-wait")
    async with a, b:
        b_result, a_result = await exchange.both(b, a)
    assert isinstance(b_result, BalanceSnapshot), b_result
    assert isinstance(a_result, RequestTimeoutError)
    assert a_result.endpoint == "GET cash/balance"
    assert a_result.account == "a"
    assert "0.3 s deadline (the exchange's clock was read" in str(a_result)
