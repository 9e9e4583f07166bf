"""The three kit adapters (OKX, Bybit, Binance USD-M futures) as the hostile-server tests read them.

One place that knows, per exchange, the paths of a balance read and of the server-time read,
a real answer to each (the same holding as the AscendEX and Binance answers of
tests/reliability/test_hostile_servers.py: 1.25 BTC of which 1 available), and how to build the
exchange's client on a given base URL. tests/reliability/test_hostile_servers.py and
tests/reliability/test_hostile_bodies.py read through it, so a case is written once and runs
against every exchange (docs/reliability.md, "Hostile servers").
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, Final, Literal

import httpx

from adapters.binance_futures import AsyncBinanceFuturesClient, BinanceFuturesOptions
from adapters.bybit import AsyncBybitClient, BybitOptions
from adapters.kit.clock import wall_clock_ms
from adapters.okx import AsyncOkxClient, OkxOptions
from framework.credentials import Credentials
from framework.errors import FolioError
from framework.models import BalanceSnapshot, WalletKind
from framework.settings import HttpSettings

__all__ = ["BALANCE_PATH", "BODIES", "CREDENTIALS", "ENDPOINT", "KIT", "SECRETS", "TIME_PATH",
           "Kit", "balance_body", "balances", "client", "read_balances", "right"]

Kit = Literal["okx", "bybit", "binance_futures"]
KIT: Final[tuple[Kit, ...]] = ("okx", "bybit", "binance_futures")

CREDENTIALS: Final = {
    "okx": Credentials.from_strings("okx-key-0d1e2f", "okx-secret-3a4b5c", "okx-phrase-6d7e"),
    "bybit": Credentials.from_strings("BYBITKEY0123456789", "BYBITSECRET0123456789ABCDEFGH"),
    "binance_futures": Credentials.from_strings("B" * 64, "S" * 64),
}
SECRETS: Final = {
    name: [c.api_key.reveal(), c.api_secret.reveal(),
           *([c.api_passphrase.reveal()] if c.api_passphrase else [])]
    for name, c in CREDENTIALS.items()
}
EXCHANGE: Final = {"okx": "okx", "bybit": "bybit", "binance_futures": "binance"}
ENDPOINT: Final = {"okx": "GET account/balance", "bybit": "GET account/wallet-balance",
                   "binance_futures": "GET futures/account"}
"""The endpoint a balance read's error names when the balance answer is to blame."""
BALANCE_PATH: Final = {"okx": "/api/v5/account/balance", "bybit": "/v5/account/wallet-balance",
                       "binance_futures": "/fapi/v3/account"}
TIME_PATH: Final = {"okx": "/api/v5/public/time", "bybit": "/v5/market/time",
                    "binance_futures": "/fapi/v1/time"}

_AMOUNT: Final = "@AMOUNT@"
_AVAILABLE: Final = "@AVAILABLE@"
_TEMPLATES: Final = {
    "okx": '{"code":"0","msg":"","data":[{"totalEq":"100","details":[{"ccy":"BTC","eq":@AMOUNT@,'
           '"availBal":"@AVAILABLE@","eqUsd":"100"}]}]}',
    "bybit": '{"retCode":0,"retMsg":"OK","result":{"list":[{"accountType":"UNIFIED",'
             '"totalEquity":"100","totalWalletBalance":"100","totalMarginBalance":"100",'
             '"totalAvailableBalance":"100","totalPerpUPL":"0","totalInitialMargin":"0",'
             '"totalMaintenanceMargin":"0","accountIMRate":"0","accountMMRate":"0","coin":['
             '{"coin":"BTC","walletBalance":@AMOUNT@,"locked":"@LOCKED@"}]}]},"retExtInfo":{},'
             '"time":1700000000000}',
    "binance_futures": '{"totalInitialMargin":"0","totalMaintMargin":"0",'
                       '"totalWalletBalance":"1.25","totalUnrealizedProfit":"0",'
                       '"totalMarginBalance":"1.25","availableBalance":"1",'
                       '"maxWithdrawAmount":"1","assets":[{"asset":"BTC","walletBalance":@AMOUNT@,'
                       '"unrealizedProfit":"0","marginBalance":@AMOUNT@,"maintMargin":"0",'
                       '"availableBalance":"@AVAILABLE@","maxWithdrawAmount":"@AVAILABLE@"}],'
                       '"positions":[]}',
}
AMOUNT_FIELD: Final = {"okx": "$.data[0].details[0].eq",
                       "bybit": "$.result.list[0].coin[0].walletBalance",
                       "binance_futures": "$.assets[0].walletBalance"}
"""Where :func:`balance_body` puts the BTC holding (Binance's marginBalance follows it)."""


def balance_body(name: Kit, amount: str = '"1.25"', *, available: bool = True) -> str:
    """The exchange's balance answer with ``amount`` (raw JSON) as the BTC holding.

    ``available=False`` makes none of it available (so any holding, ``1E-8`` too, is
    consistent); else 1 BTC is.
    """
    text = _TEMPLATES[name].replace(_AMOUNT, amount)
    return (text.replace(_AVAILABLE, "1" if available else "0")
            .replace("@LOCKED@", "0.25" if available else "0"))


BODIES: Final[dict[str, bytes]] = {
    "/api/v5/public/time": b'{"code":"0","msg":"","data":[{"ts":"1700000000000"}]}',
    "/v5/market/time": b'{"retCode":0,"retMsg":"OK","result":{"timeSecond":"1700000000",'
                       b'"timeNano":"1700000000000000000"},"retExtInfo":{},"time":1700000000000}',
    "/fapi/v1/time": b'{"serverTime":1700000000000}',
    "/fapi/v1/accountConfig": b'{"feeTier":0,"canTrade":true,"canDeposit":true,'
                              b'"canWithdraw":true,"dualSidePosition":false,'
                              b'"updateTime":0,"multiAssetsMargin":false,"tradeGroupId":-1}',
    **{BALANCE_PATH[name]: balance_body(name).encode() for name in KIT},
}
"""A real answer to each path a balance read or a clock probe of the three calls."""


def right(result: BalanceSnapshot | FolioError, total: str = "1.25") -> None:
    """``result`` is the real answer's snapshot: ``total`` BTC, 1 of it available."""
    assert isinstance(result, BalanceSnapshot), result
    assert result["BTC"].total == Decimal(total)
    assert str(result["BTC"].total) == str(Decimal(total))


def client(
    name: Kit, url: str, http: HttpSettings, *, sleep: Callable[[float], Awaitable[Any]],
    transport: httpx.AsyncBaseTransport | None = None, sync_clock: bool = True,
    clock_ms: Callable[[], int] = wall_clock_ms,
) -> AsyncOkxClient | AsyncBybitClient | AsyncBinanceFuturesClient:
    """Account ``main``'s client of ``name`` on ``url`` (its limiters off: tests pace nothing)."""
    common: dict[str, Any] = {"base_url": url, "account": "main", "http": http,
                              "transport": transport, "sleep": sleep, "clock_ms": clock_ms}
    if name == "okx":
        return AsyncOkxClient(CREDENTIALS[name], options=OkxOptions.from_mapping(
            {"rate_limits": False, "sync_clock": sync_clock}), **common)
    if name == "bybit":
        return AsyncBybitClient(CREDENTIALS[name], options=BybitOptions.from_mapping(
            {"sync_clock": sync_clock, "uid_rate_limit": 0, "ip_rate_limit": 0}), **common)
    return AsyncBinanceFuturesClient(CREDENTIALS[name], options=BinanceFuturesOptions.from_mapping(
        {"futures_base_url": url, "fapi_weight_limit": 0, "sync_clock": sync_clock}), **common)


async def balances(reader: Any, name: Kit) -> BalanceSnapshot:
    wallet = WalletKind.FUTURES if name == "binance_futures" else WalletKind.CASH
    snapshot: BalanceSnapshot = await reader.fetch_balances(wallet)
    return snapshot


def read_balances(
    name: Kit, url: str, http: HttpSettings, *,
    sleep: Callable[[float], Awaitable[Any]] | None = None, sender: str = "pooled",
) -> BalanceSnapshot | FolioError:
    """One balance read of account ``main``: the snapshot, or the folio error it raised."""

    async def nowhere(_seconds: float) -> None:
        return None

    async def go() -> BalanceSnapshot | FolioError:
        transport = httpx.AsyncHTTPTransport() if sender == "httpx" else None
        async with client(name, url, http, sleep=sleep or nowhere, transport=transport) as c:
            try:
                return await balances(c, name)
            except FolioError as exc:
                return exc

    return asyncio.run(go())
