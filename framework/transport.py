"""aiohttp under httpx: the transport of the shared ``httpx.AsyncClient`` (framework/http.py).

Why a transport under httpx at all: httpcore's async pool spends most of a warm fan-out in
per-request locking and bookkeeping (encode/httpx#3215); aiohttp's connector does the same job
in a fraction of the CPU (docs/performance.md). Plugins still see nothing but httpx: requests,
responses, ``httpx.Auth`` signers and httpx's exceptions.

Why our own and not the ``httpx-aiohttp`` package (measured, docs/architecture.md):

* **The bytes sent are the bytes signed.** That package hands aiohttp the URL as a string, and
  aiohttp re-quotes it: ``%2C`` goes out as ``,`` and ``%7E`` as ``~``. Binance signs the query
  string as sent, so any signed parameter with such a character would be refused. Here the URL
  goes out exactly as httpx encoded it (``encoded=True``).
* **A whole request has an end.** aiohttp's socket timeouts restart with every byte, so a
  server dripping its headers a byte at a time never trips them. The timeout extension's
  ``total`` key (seconds; httpx's own transports ignore it) bounds the whole exchange, head and
  body: the adapter kit puts what is left of the call's deadline there.
* **Failures keep their meaning.** A dropped connection is an ``httpx.RemoteProtocolError``, not
  a timeout; only the aiohttp exception's type name is kept, never its text (which may hold the
  URL) nor its frames (which hold the signed headers).
* **One pool per event loop.** The session is created on first use on the running loop; a
  transport is owned by one client, and the framework keeps one client per loop.

Cookies are never kept (a session shared by accounts must not carry one account's cookies to
another), bodies are handed to httpx undecoded (httpx decodes by ``Content-Encoding``) in
pieces of at most 16 KiB, and redirects are never followed. This is the only module that
imports aiohttp, on first use.
"""

from __future__ import annotations

import asyncio
import math
import ssl
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final

import httpx

if TYPE_CHECKING:
    import aiohttp

__all__ = ["AiohttpTransport"]

CHUNK: Final = 16 * 1024
"""Largest piece of a body handed to httpx at once: gzip and deflate inflate a piece at most
about 1,000-fold, so a compression bomb is decoded in steps the body limit can stop."""


class _Body(httpx.AsyncByteStream):
    """An aiohttp response body as an httpx stream; closing returns or drops the connection."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        content = self._response.content
        try:
            while chunk := await content.read(CHUNK):
                yield chunk
        except Exception as exc:
            raise _mapped(exc) from None

    async def aclose(self) -> None:
        response = self._response
        if response.content.at_eof():
            response.release()  # read to the end: the connection goes back to the pool
        else:
            response.close()  # abandoned midway (too large, deadline): it cannot be reused


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests through one aiohttp session, created on first use."""

    def __init__(self, *, tls: ssl.SSLContext, keepalive_expiry: float = 30.0) -> None:
        # Imported here, with the first client (the first read on a loop), so the import is
        # done before a read computes the time left of its deadline.
        import aiohttp  # noqa: PLC0415 - not at framework import (module docstring)

        self._aiohttp = aiohttp
        self._tls = tls
        self._keepalive = keepalive_expiry
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _open(self) -> aiohttp.ClientSession:
        aiohttp = self._aiohttp
        loop = asyncio.get_running_loop()
        if self._session is not None:
            if loop is not self._loop:
                msg = (
                    "this HTTP client's connections belong to the event loop it was first "
                    "used on; create one client per event loop (or use SyncFolio)"
                )
                raise RuntimeError(msg)
            return self._session
        connector = aiohttp.TCPConnector(
            limit=0,  # the host's max_concurrency bounds concurrency, not the pool
            ssl=self._tls,
            keepalive_timeout=self._keepalive,
            # The system resolver on a worker thread, always: with aiodns installed aiohttp
            # would pick pycares, whose thread keeps an event loop alive after close.
            resolver=aiohttp.ThreadedResolver(),
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            # Only what httpx built (and the signer saw) goes out: no User-Agent or
            # Content-Type of aiohttp's own.
            skip_auto_headers=("User-Agent", "Content-Type"),
        )
        self._loop = loop
        return self._session

    def _timeout(self, extension: Any) -> aiohttp.ClientTimeout:
        limits = extension if isinstance(extension, dict) else {}
        connect, pool = limits.get("connect"), limits.get("pool")
        return self._aiohttp.ClientTimeout(
            total=limits.get("total"),
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=limits.get("read"),
            # aiohttp rounds a timeout of 5 s or more up to a whole second of loop time, which
            # would let a call outlive its deadline by up to a second: never round.
            ceil_threshold=math.inf,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` as encoded by httpx; the body is streamed back undecoded."""
        import yarl  # noqa: PLC0415 - aiohttp's URL type, loaded with it

        session = self._session if self._session is not None else self._open()
        if self._loop is not asyncio.get_running_loop():
            session = self._open()  # raises: another loop
        try:
            response = await session.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),
                # Latin-1 round-trips every byte httpx encoded; cheaper than multi_items().
                headers=[(k.decode("latin-1"), v.decode("latin-1"))
                         for k, v in request.headers.raw],
                data=request.content or None,
                timeout=self._timeout(request.extensions.get("timeout")),
                allow_redirects=False,
            )
        except Exception as exc:
            raise _mapped(exc) from None
        return httpx.Response(
            response.status,
            headers=response.raw_headers,
            stream=_Body(response),
            request=request,
            extensions={"http_version": b"HTTP/1.1"},
        )

    async def aclose(self) -> None:
        """Close the session and every pooled connection."""
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()


def _mapped(exc: Exception) -> Exception:  # noqa: PLR0911 - one line per failure kind
    """The httpx exception for an aiohttp (or asyncio) failure, naming only the original type."""
    import aiohttp  # noqa: PLC0415 - loaded by now

    kind = type(exc).__name__
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(kind)
    if isinstance(exc, TimeoutError):  # socket read timeout, or the request's total
        return httpx.ReadTimeout(kind)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(kind)
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return httpx.RemoteProtocolError(kind)
    if isinstance(exc, aiohttp.ClientResponseError):  # a malformed status line or header
        return httpx.RemoteProtocolError(kind)
    if isinstance(exc, aiohttp.InvalidURL):
        return httpx.UnsupportedProtocol(kind)
    if isinstance(exc, aiohttp.ClientError | OSError):
        return httpx.ReadError(kind)
    return exc
