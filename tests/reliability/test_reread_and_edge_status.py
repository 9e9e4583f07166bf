"""Garbled answers are re-read; an edge's non-JSON 401/403 page is named by its status.

Both exchanges, through the real async client over loopback against their simulators, with a
fake sleeper (nothing waits). A re-read is within the retry policy's ``max_attempts``; a
well-formed answer in the wrong shape is never re-read (docs/reliability.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from adapters.ascendex import AscendexOptions, AsyncAscendexClient
from adapters.ascendex.simulator import DEMO_API_KEY as ASCENDEX_KEY
from adapters.ascendex.simulator import DEMO_API_SECRET as ASCENDEX_SECRET
from adapters.ascendex.simulator import Fault as AscendexFault
from adapters.binance import AsyncBinanceClient
from adapters.binance.simulator import DEMO_API_KEY as BINANCE_KEY
from adapters.binance.simulator import DEMO_API_SECRET as BINANCE_SECRET
from adapters.binance.simulator import Fault as BinanceFault
from framework.credentials import Credentials
from framework.errors import (
    AuthenticationError,
    ExchangeError,
    InvalidResponseError,
    PermissionDeniedError,
)
from framework.models import WalletKind
from framework.retry import RetryPolicy
from framework.settings import HttpSettings

HTTP = HttpSettings(retry=RetryPolicy(max_attempts=3))
EXCHANGES = ["ascendex", "binance"]
ROUTE = {"ascendex": "cash/balance", "binance": "account"}


async def _no_wait(_seconds: float) -> None:
    return None


def _fault(exchange: str) -> Any:
    return AscendexFault if exchange == "ascendex" else BinanceFault


def _client(exchange: str, url: str) -> AsyncAscendexClient | AsyncBinanceClient:
    if exchange == "ascendex":
        return AsyncAscendexClient(
            Credentials.from_strings(ASCENDEX_KEY, ASCENDEX_SECRET), base_url=url,
            account="main", options=AscendexOptions.from_mapping({"account_group": 6}),
            http=HTTP, sleep=_no_wait,
        )
    return AsyncBinanceClient(
        Credentials.from_strings(BINANCE_KEY, BINANCE_SECRET), base_url=url, account="main",
        http=HTTP, sleep=_no_wait,
    )


@pytest.fixture
def simulator(
    request: pytest.FixtureRequest,
    ascendex_simulator_factory: Callable[..., Any],
    binance_simulator_factory: Callable[..., Any],
) -> Any:
    exchange: str = request.param
    return (ascendex_simulator_factory if exchange == "ascendex" else binance_simulator_factory)()


async def _read(exchange: str, simulator: Any) -> Any:
    async with _client(exchange, simulator.url) as client:
        return await client.balances(WalletKind.CASH)


@pytest.mark.anyio
@pytest.mark.parametrize(("exchange", "simulator"), [(e, e) for e in EXCHANGES],
                         indirect=["simulator"], ids=EXCHANGES)
@pytest.mark.parametrize("body", [None, "<html>oops</html>"], ids=["cut-in-half", "html"])
async def test_a_garbled_answer_is_re_read_and_logged(
    exchange: str, simulator: Any, body: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    route = ROUTE[exchange]
    simulator.faults.add(_fault(exchange).malformed_body(body, route=route, times=1))
    with caplog.at_level(logging.INFO, logger="folio.retry"):
        snapshot = await _read(exchange, simulator)
    assert snapshot.assets  # the second answer, read and validated as usual
    assert simulator.stats().count(route=route) == 2
    assert any("re-reading an unreadable answer" in r.getMessage() for r in caplog.records)


@pytest.mark.anyio
@pytest.mark.parametrize(("exchange", "simulator"), [(e, e) for e in EXCHANGES],
                         indirect=["simulator"], ids=EXCHANGES)
async def test_garbled_every_time_ends_typed_after_max_attempts(
    exchange: str, simulator: Any
) -> None:
    route = ROUTE[exchange]
    simulator.faults.add(_fault(exchange).malformed_body(route=route))
    with pytest.raises(InvalidResponseError) as caught:
        await _read(exchange, simulator)
    assert caught.value.garbled
    assert "gave up after 3 attempts" in str(caught.value)
    assert simulator.stats().count(route=route) == 3


@pytest.mark.anyio
@pytest.mark.parametrize(("exchange", "simulator"), [(e, e) for e in EXCHANGES],
                         indirect=["simulator"], ids=EXCHANGES)
async def test_a_well_formed_wrong_answer_is_not_re_read(exchange: str, simulator: Any) -> None:
    route = ROUTE[exchange]
    wrong = '{"code":0,"data":{"unexpected":true}}' if exchange == "ascendex" else "[1, 2]"
    simulator.faults.add(_fault(exchange).malformed_body(wrong, route=route))
    with pytest.raises(InvalidResponseError) as caught:
        await _read(exchange, simulator)
    assert not caught.value.garbled
    assert simulator.stats().count(route=route) == 1


@pytest.mark.anyio
@pytest.mark.parametrize(("exchange", "simulator"), [(e, e) for e in EXCHANGES],
                         indirect=["simulator"], ids=EXCHANGES)
@pytest.mark.parametrize(
    ("status", "cls"), [(401, AuthenticationError), (403, PermissionDeniedError)]
)
@pytest.mark.parametrize(
    "page", ["<html><body><h1>Access denied</h1></body></html>", "Unauthorized"],
    ids=["html", "plain-text"],
)
async def test_an_edge_page_for_401_or_403_is_named_by_its_status(
    exchange: str, simulator: Any, status: int, cls: type[ExchangeError], page: str
) -> None:
    route = ROUTE[exchange]
    simulator.faults.add(_fault(exchange).http_status(status, body=page, route=route))
    with pytest.raises(cls) as caught:
        await _read(exchange, simulator)
    error = caught.value
    assert error.status == status
    assert f"HTTP {status}" in str(error)
    assert "unreadable" not in str(error)
    assert simulator.stats().count(route=route) == 1  # refusals are not retried
