"""The shared HTTP client (framework/http.py): one per event loop, leased, closed by the last user.

Also folio's client defaults (no redirects, no cookies between accounts, no proxy from the
environment) and an adapter client's own HTTP client once it is closed.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from adapters.ascendex import AscendexOptions, AsyncAscendexClient
from framework.credentials import Credentials
from framework.http import http_client, lease_http_client
from framework.models import WalletKind
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings
from framework.transport import AiohttpTransport
from tests.adapters.sending import call


def _closed(client: httpx.AsyncClient) -> bool:
    return client.is_closed


@pytest.mark.anyio
async def test_leases_on_one_loop_share_one_client_until_the_last_leaves() -> None:
    first = lease_http_client(DEFAULT_HTTP_SETTINGS)
    second = lease_http_client(DEFAULT_HTTP_SETTINGS)
    assert first.client is second.client
    client = second.client
    await first.aclose()
    assert not _closed(client)  # still in use by the second lease
    await first.aclose()  # a second release of the same lease changes nothing
    assert not _closed(client)
    await second.aclose()
    assert _closed(client)
    third = lease_http_client(DEFAULT_HTTP_SETTINGS)
    try:
        assert third.client is not client  # a new client once the old one closed
        assert not third.client.is_closed
    finally:
        await third.aclose()


def test_each_event_loop_has_its_own_client() -> None:
    async def client_id() -> int:
        lease = lease_http_client(DEFAULT_HTTP_SETTINGS)
        try:
            return id(lease.client)
        finally:
            await lease.aclose()

    async def both() -> tuple[int, int]:
        outer = lease_http_client(DEFAULT_HTTP_SETTINGS)
        try:
            inner = await asyncio.to_thread(asyncio.run, client_id())
            return id(outer.client), inner
        finally:
            await outer.aclose()

    outer, inner = asyncio.run(both())
    assert outer != inner


@pytest.mark.anyio
async def test_the_shared_client_runs_on_folio_s_transport_with_the_first_settings() -> None:
    lease = lease_http_client(HttpSettings(connect_timeout=1.5, read_timeout=2.5))
    try:
        client = lease.client
        assert isinstance(client._transport, AiohttpTransport)
        assert client.timeout == httpx.Timeout(connect=1.5, read=2.5, write=10.0, pool=5.0)
    finally:
        await lease.aclose()


@pytest.mark.anyio
async def test_folio_s_client_follows_no_redirect_keeps_no_cookie_and_asks_for_json() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            302, headers={"Location": "http://elsewhere.test/", "Set-Cookie": "session=abc"}
        )

    async with http_client(DEFAULT_HTTP_SETTINGS, httpx.MockTransport(handler)) as client:
        assert not client.follow_redirects
        assert not client.trust_env  # no proxy or CA bundle from the environment
        first = await client.get("http://exchange.test/a")
        await client.get("http://exchange.test/b")
    assert first.status_code == 302  # a redirect is an answer, never followed
    assert [r.url.host for r in seen] == ["exchange.test", "exchange.test"]
    assert "cookie" not in seen[1].headers  # one account's cookie never reaches another
    assert not client.cookies
    assert seen[0].headers["Accept"] == "application/json"


@pytest.mark.anyio
async def test_a_closed_exchange_client_refuses_to_send() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:  # pragma: no cover - never sent
        sent.append(request)
        return httpx.Response(200)

    client = AsyncAscendexClient(
        Credentials.from_strings("k" * 32, "s" * 64), options=AscendexOptions(account_group=3),
        transport=httpx.MockTransport(handler),
    )
    await client.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await client.balances(WalletKind.CASH)
    assert sent == []


class _Closing(httpx.MockTransport):
    """A mock transport that says whether its client closed it."""

    closed = False

    async def aclose(self) -> None:
        self.closed = True


def _status(response: httpx.Response) -> int:
    return response.status_code


@pytest.mark.anyio
async def test_an_exchange_client_closes_its_own_http_client_but_not_the_host_s() -> None:
    own_transport = _Closing(lambda request: httpx.Response(204))
    host_transport = _Closing(lambda request: httpx.Response(204))
    credentials = Credentials.from_strings("k" * 32, "s" * 64)
    async with httpx.AsyncClient(transport=host_transport) as host_client:
        own = AsyncAscendexClient(credentials, transport=own_transport)
        shared = AsyncAscendexClient(credentials, http_client=lambda: host_client)
        for client in (own, shared):
            assert await client.call(lambda sender: sender.send(call(), _status)) == 204
            await client.aclose()
        assert own_transport.closed
        assert not host_transport.closed  # the host's, closed when its last lease goes
        assert not host_client.is_closed
    assert host_transport.closed
