"""Narrow unit tests of transport failure mapping, using httpx.MockTransport.

Behaviour against a real server is covered over loopback sockets in tests/integration; these
tests pin down what each httpx failure becomes, which a real server cannot produce on demand.
"""

from __future__ import annotations

import httpx
import pytest

from adapters.ascendex import AscendexOptions, AsyncAscendexClient
from framework.credentials import Credentials
from framework.errors import ExchangeError, RequestTimeoutError, TransportError
from framework.models import WalletKind
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings

CREDENTIALS = Credentials.from_strings("k" * 32, "s" * 64)
PINNED = AscendexOptions(account_group=3)
ONE_TRY = HttpSettings(retry=NO_RETRIES)


def _raising(exc: Exception) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ConnectError("refused"), TransportError),
        (httpx.ReadError("reset by peer"), TransportError),
        (httpx.RemoteProtocolError("peer closed"), TransportError),
        (httpx.ConnectTimeout("slow"), RequestTimeoutError),
        (httpx.ReadTimeout("slow"), RequestTimeoutError),
        (httpx.PoolTimeout("busy"), RequestTimeoutError),
    ],
)
@pytest.mark.anyio
async def test_transport_failures_are_typed_and_located(
    exc: Exception, cls: type[ExchangeError]
) -> None:
    async with AsyncAscendexClient(
        CREDENTIALS, account="main", options=PINNED, http=ONE_TRY, transport=_raising(exc)
    ) as client:
        with pytest.raises(cls) as caught:
            await client.balances(WalletKind.CASH)
    error = caught.value
    assert error.retryable
    assert (error.exchange, error.account, error.endpoint) == (
        "ascendex", "main", "GET cash/balance"
    )
    assert "ascendex.com" in str(error)
    assert type(exc).__name__ in str(error)  # the failure's type, never its text
    assert error.__cause__ is None  # httpx's frames held the signed request


@pytest.mark.anyio
async def test_a_margin_read_s_failure_names_its_endpoint() -> None:
    async with AsyncAscendexClient(
        CREDENTIALS, account="main", options=PINNED, http=ONE_TRY,
        transport=_raising(httpx.ReadTimeout("x")),
    ) as client:
        with pytest.raises(RequestTimeoutError) as caught:
            await client.margin_risk()
    assert caught.value.endpoint == "GET margin/risk"
    assert caught.value.account == "main"


@pytest.mark.anyio
async def test_transport_error_never_quotes_headers_or_query() -> None:
    async with AsyncAscendexClient(
        CREDENTIALS, account="main", options=PINNED, http=ONE_TRY,
        transport=_raising(httpx.ConnectError("boom k" + "k" * 32 + " asset=BTC")),
    ) as client:
        with pytest.raises(TransportError) as caught:
            await client.balances(WalletKind.CASH, asset="BTC")
    text = str(caught.value) + repr(caught.value)
    assert "k" * 32 not in text
    assert "asset=BTC" not in text
