"""The process's async connection pool: one aiohttp session per event loop, shared by accounts.

Why not one ``httpx.AsyncClient`` per account, or one shared? Measured on the benchmark's
fan-out (docs/performance.md): httpcore's async pool spends most of a warm round in per-request
locking and bookkeeping, shared or not (encode/httpx#3215), so 1,000 accounts took about a
second of CPU. aiohttp's connector does the same work in a fraction of it. folio keeps httpx's
request and response objects and its ``httpx.Auth`` signers, which the sans-I/O flows are
written against, and hands only the bytes on the wire to aiohttp.

The session is shared by every account on the loop (a connection to the exchange serves
whichever account needs it next) and reference-counted: each client takes a lease on first use
and returns it on close; the last one out closes the session and its sockets. Cookies are not
kept: a session shared by accounts must not carry one account's cookies to another.
aiohttp is imported on first use, so a host that never reads asynchronously never loads it.
"""

from __future__ import annotations

import asyncio
import ssl
import weakref
from typing import TYPE_CHECKING, Final

from framework.settings import HttpSettings

if TYPE_CHECKING:
    import aiohttp

__all__ = ["PoolLease", "lease"]

_POOLS: Final[weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _SharedSession]] = (
    weakref.WeakKeyDictionary()
)


class _SharedSession:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self.users = 0


class PoolLease:
    """One client's share of its loop's session; :meth:`release` exactly once."""

    def __init__(self, shared: _SharedSession, loop: asyncio.AbstractEventLoop) -> None:
        self._shared = shared
        self._loop = loop
        self._released = False

    @property
    def session(self) -> aiohttp.ClientSession:
        """The shared session; valid until released."""
        return self._shared.session

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop the session belongs to."""
        return self._loop

    async def release(self) -> None:
        """Give the lease back; the last lease closes the session and its sockets."""
        if self._released:
            return
        self._released = True
        shared = self._shared
        shared.users -= 1
        if shared.users == 0:
            if _POOLS.get(self._loop) is shared:
                del _POOLS[self._loop]
            await shared.session.close()


def lease(settings: HttpSettings, tls: ssl.SSLContext) -> PoolLease:
    """A lease on the running loop's shared session, created on first use.

    Pool-wide settings (keep-alive) come from the first client on the loop; timeouts are
    applied per request, so every account keeps its own.
    """
    import aiohttp  # noqa: PLC0415 - imported on first use (see the module docstring)

    loop = asyncio.get_running_loop()
    shared = _POOLS.get(loop)
    if shared is None or shared.session.closed:
        connector = aiohttp.TCPConnector(
            limit=0,  # the host's max_concurrency bounds concurrency, not the pool
            ssl=tls,
            keepalive_timeout=settings.keepalive_expiry,
            # The system resolver on a worker thread, always: with aiodns installed aiohttp
            # would pick pycares, whose background thread keeps an event loop (and its file
            # descriptors) alive after the host has closed everything.
            resolver=aiohttp.ThreadedResolver(),
        )
        session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,  # httpx decodes, from the headers it is given
            skip_auto_headers=("User-Agent",),
        )
        shared = _SharedSession(session)
        _POOLS[loop] = shared
    shared.users += 1
    return PoolLease(shared, loop)
