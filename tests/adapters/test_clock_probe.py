"""The clock probe never waits for itself (adapters/kit/client.py, ``sender(correcting=False)``).

A rejected timestamp makes the client read the exchange's time, once, shared by every caller;
when that server-time read is itself answered with a timestamp rejection (a broken exchange, or
one answering everything with the same error), the probe must fail with that error. Before the
fix the probe asked for a correction of its own, joined the probe in flight (itself) and hung
until the call's deadline, which then read as a timeout.
"""

from __future__ import annotations

import httpx
import pytest

from adapters.ascendex import AscendexOptions, AsyncAscendexClient
from adapters.binance import AsyncBinanceClient
from framework.credentials import Credentials
from framework.errors import ClockSkewError
from framework.models import WalletKind
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
