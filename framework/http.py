"""The shared HTTP client: one pooled ``httpx.AsyncClient`` per event loop, for every plugin.

A plugin gets it from :meth:`framework.providers.AccountContext.http_client`, so a third-party
plugin shares the same pool, limits and TLS set-up as the bundled ones: a fan-out over 1,000
accounts of several exchanges reuses a handful of connections per exchange host instead of
opening a pool per account (docs/architecture.md, docs/plugins.md).

The client is created on the first lease taken on a running loop and closed when the last
lease is released (each account context takes one, the host releases them on close). Its
transport is :class:`framework.transport.AiohttpTransport`. What differs per account (timeouts,
body limit) is applied per request by the adapter kit, so one client serves accounts with
different settings: pool-wide values (keep-alive) come from the first account on the loop.

Opening and closing the shared client are logged at DEBUG on ``folio.http`` (the requests
themselves are logged there by the kit's sender; framework/logs.py). httpx's own request line
keeps going to the ``httpx`` logger, with Binance's signature masked (:class:`_HideSignatures`).
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import logging
import ssl
import weakref
from functools import cache
from typing import Final

import httpx

from framework.logs import HTTP, extras
from framework.settings import HttpSettings

__all__ = ["HttpClientLease", "http_client", "lease_http_client"]


class _HideSignatures(logging.Filter):
    """Masks the ``signature`` of a signed URL in httpx's own request log line.

    httpx logs every request at INFO (``HTTP Request: GET <url> ...``), and a Binance signed
    read carries its signature in the query. folio's rule is no key, secret or signature in any
    log (docs/reliability.md). Only URLs with a ``signature`` parameter change; no record is
    dropped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(
            isinstance(arg, httpx.URL) and "signature" in arg.params for arg in record.args
        ):
            record.args = tuple(
                arg.copy_set_param("signature", "***")
                if isinstance(arg, httpx.URL) and "signature" in arg.params
                else arg
                for arg in record.args
            )
        return True


logging.getLogger("httpx").addFilter(_HideSignatures())
_log = logging.getLogger(HTTP)


@cache
def tls_context() -> ssl.SSLContext:
    """One verified TLS context for every client: building one loads the CA bundle (~ms)."""
    return httpx.create_ssl_context()


def _no_cookies() -> http.cookiejar.CookieJar:
    # A client shared by accounts must never carry one account's cookies to another.
    return http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


class _Bounded(httpx.AsyncBaseTransport):
    """A given transport, held to the timeout extension's ``total`` until the answer's head.

    folio's own transport bounds a whole exchange by ``total`` (framework/transport.py); httpx's
    transports ignore that key, and their socket timeouts restart with every byte, so headers
    dripping in a byte at a time would outlive the call's deadline
    (tests/reliability/test_hostile_servers.py). The body is cut by the sender's per-piece
    deadline check (adapters/kit/body.py). Only a caller's ``transport=`` pays for this timer.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        limits = request.extensions.get("timeout")
        total = limits.get("total") if isinstance(limits, dict) else None
        if total is None:
            return await self._inner.handle_async_request(request)
        bound = asyncio.timeout(total)
        try:
            async with bound:
                return await self._inner.handle_async_request(request)
        except TimeoutError:
            if not bound.expired():
                raise
            raise httpx.ReadTimeout("the request's total time ran out", request=request) from None

    async def aclose(self) -> None:
        await self._inner.aclose()


def http_client(
    settings: HttpSettings, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """A client with folio's defaults: no redirects, no cookies, no proxy from the environment.

    ``transport`` replaces the aiohttp transport (tests pass an ``httpx.MockTransport``); the
    client, signing, reading and the call's deadline are the same either way.
    """
    if transport is None:
        from framework.transport import AiohttpTransport  # noqa: PLC0415 - loads no aiohttp yet

        transport = AiohttpTransport(tls=tls_context(), keepalive_expiry=settings.keepalive_expiry)
    else:
        transport = _Bounded(transport)
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.write_timeout,
            pool=settings.pool_timeout,
        ),
        headers={"Accept": "application/json"},
        cookies=_no_cookies(),
        follow_redirects=False,
        trust_env=False,
    )


class _Shared:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.users = 0


_SHARED: Final[weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Shared]] = (
    weakref.WeakKeyDictionary()
)


class HttpClientLease:
    """One user's share of its loop's client; :meth:`aclose` gives it back (once)."""

    def __init__(self, shared: _Shared, loop: asyncio.AbstractEventLoop) -> None:
        self._shared = shared
        self._loop = loop
        self._released = False

    @property
    def client(self) -> httpx.AsyncClient:
        """The shared client; valid until released."""
        return self._shared.client

    async def aclose(self) -> None:
        """Release the lease; the last one closes the client and its connections."""
        if self._released:
            return
        self._released = True
        shared = self._shared
        shared.users -= 1
        if shared.users == 0:
            if _SHARED.get(self._loop) is shared:
                del _SHARED[self._loop]
            _log.debug("closing this event loop's shared HTTP client", extra=extras())
            await shared.client.aclose()


def lease_http_client(settings: HttpSettings) -> HttpClientLease:
    """A lease on the running loop's shared client, created on first use."""
    loop = asyncio.get_running_loop()
    shared = _SHARED.get(loop)
    if shared is None or shared.client.is_closed:
        shared = _SHARED[loop] = _Shared(http_client(settings))
        _log.debug("opened a shared HTTP client for this event loop", extra=extras())
    shared.users += 1
    return HttpClientLease(shared, loop)
