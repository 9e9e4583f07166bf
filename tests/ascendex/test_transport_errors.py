"""Narrow unit tests of transport failure mapping, using httpx.MockTransport.

Behaviour against a real server is covered over loopback sockets in tests/integration; these
tests pin down what each httpx failure becomes, which a real server cannot produce on demand.
"""

from __future__ import annotations

import httpx
import pytest

from adapters.ascendex import AscendexClient, AscendexOptions, AsyncAscendexClient
from framework.credentials import Credentials
from framework.errors import ExchangeError, RequestTimeoutError, TransportError
from framework.models import WalletKind

CREDENTIALS = Credentials.from_strings("k" * 32, "s" * 64)
PINNED = AscendexOptions(account_group=3)


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
def test_sync_transport_failures_are_typed_and_located(
    exc: Exception, cls: type[ExchangeError]
) -> None:
    with AscendexClient(
        CREDENTIALS, account="main", options=PINNED, transport=_raising(exc)
    ) as client, pytest.raises(cls) as caught:
        client.balances(WalletKind.CASH)
    error = caught.value
    assert error.retryable
    assert (error.exchange, error.account, error.endpoint) == (
        "ascendex", "main", "GET cash/balance"
    )
    assert "ascendex.com" in str(error)


@pytest.mark.anyio
async def test_async_transport_failure_is_typed_and_located() -> None:
    async with AsyncAscendexClient(
        CREDENTIALS, account="main", options=PINNED, transport=_raising(httpx.ReadTimeout("x"))
    ) as client:
        with pytest.raises(RequestTimeoutError) as caught:
            await client.margin_risk()
    assert caught.value.endpoint == "GET margin/risk"
    assert caught.value.account == "main"


def test_transport_error_never_quotes_headers_or_query() -> None:
    with AscendexClient(
        CREDENTIALS, account="main", options=PINNED,
        transport=_raising(httpx.ConnectError("boom")),
    ) as client, pytest.raises(TransportError) as caught:
        client.balances(WalletKind.CASH, asset="BTC")
    text = str(caught.value) + repr(caught.value)
    assert "k" * 32 not in text
    assert "asset=BTC" not in text
