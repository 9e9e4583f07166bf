"""The one place adapters meet the network: senders, clients, and the drivers that run flows.

An adapter's logic is written once, as a *flow*: a generator that yields the
``httpx.Request`` it wants sent and receives the ``httpx.Response`` (body already read), then
returns its result. It does no I/O itself, so the same flow is driven by :func:`run_sync`
through an ``httpx.Client`` and by :func:`run_async` through an :class:`AsyncSender`: sync and
async share every line of request building, error mapping and parsing.

Async requests go, by default, through the process's shared aiohttp pool
(:func:`async_sender`, :mod:`adapters.pool`): signed by the adapter's ``httpx.Auth``, carried by
aiohttp, answered as an ``httpx.Response``. That is what lets a fan-out over 1,000 accounts cost
about one round trip (docs/performance.md). Given an httpx transport (tests use
``httpx.MockTransport``), the sender is an ``httpx.AsyncClient`` instead.

Transport failures are mapped here to folio's retryable errors; the endpoint is taken from the
request's ``folio.endpoint`` extension so the error says which call failed. Every sender reads a
body through one bounded reader (:func:`_aread_bounded`, :func:`_read_bounded`): a
``Content-Length`` above ``max_body_bytes`` is refused before any byte of the body is read, and
a chunked (or lying) body is cut as soon as what arrived, or what it decodes to, passes the
limit, so an endless answer costs at most that much memory (docs/reliability.md, "Bounded
answers"). The error is a :class:`~framework.errors.BodyTooLargeError`, never retried.

Before each send the drivers wait for the client-side rate limiters (:mod:`adapters.kit.ratelimit`),
charging the cost in the request's ``folio.cost`` extension (1 by default). Keeping every httpx
import in as few modules as possible keeps a future move to a compatible fork a small change.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    Sequence,
)
from functools import cache
from typing import Any, Final, Protocol, TypeVar

import httpx

from adapters import pool
from adapters.kit.ratelimit import SlidingWindowLimiter
from adapters.kit.responses import DEFAULT_MAX_BODY_BYTES
from framework.errors import BodyTooLargeError, ExchangeError, RequestTimeoutError, TransportError
from framework.retry import current_endpoint
from framework.settings import HttpSettings

__all__ = [
    "COST_EXTENSION",
    "ENDPOINT_EXTENSION",
    "AsyncSender",
    "Flow",
    "Pacing",
    "async_client",
    "async_sender",
    "run_async",
    "run_sync",
    "sync_client",
]

T = TypeVar("T")

log = logging.getLogger(__name__)


class _HideSignatures(logging.Filter):
    """Masks the ``signature`` of a signed URL in httpx's own request log line.

    httpx logs every request it sends at INFO (``HTTP Request: GET <url> ...``), and a
    Binance signed read carries its signature in the query. A host that logs at INFO would
    store it: folio's rule is no key, secret or signature in any log (docs/reliability.md).
    Only URLs with a ``signature`` parameter are changed; the record is never dropped.
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


_HIDE_SIGNATURES: Final = _HideSignatures()
logging.getLogger("httpx").addFilter(_HIDE_SIGNATURES)

Flow = Generator[httpx.Request, httpx.Response, T]
"""A sans-I/O exchange conversation: yields requests, receives responses, returns a result."""

ENDPOINT_EXTENSION: Final = "folio.endpoint"
"""Request extension naming the endpoint (``GET cash/balance``) for error messages."""

COST_EXTENSION: Final = "folio.cost"
"""Request extension with the request's cost ("weight") against rate limits; 1 if absent."""

ON_SEND_EXTENSION: Final = "folio.on_send"
"""Request extension holding a callable the drivers call right before the request leaves,
after any rate-limit wait: how a flow that measures a round trip (clock skew) learns when its
request really went out."""


def _on_send(request: httpx.Request) -> None:
    hook = request.extensions.get(ON_SEND_EXTENSION)
    if hook is not None:
        hook()

Pacing = Sequence[SlidingWindowLimiter] | Callable[[httpx.Request], Sequence[SlidingWindowLimiter]]
"""The limiters a request waits for: the same for every request of a flow, or chosen per
request (an exchange whose endpoints draw on different budgets)."""


def _limiters_of(pacing: Pacing, request: httpx.Request) -> Sequence[SlidingWindowLimiter]:
    return pacing(request) if callable(pacing) else pacing


@cache
def _ssl_context() -> ssl.SSLContext:
    """One verified TLS context for every client: building one loads the CA bundle (~ms)."""
    return httpx.create_ssl_context()


def _client_options(settings: HttpSettings, auth: httpx.Auth | None) -> dict[str, Any]:
    """Options shared by the blocking and the async client."""
    return {
        "auth": auth,
        "timeout": httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.write_timeout,
            pool=settings.pool_timeout,
        ),
        "limits": httpx.Limits(
            max_connections=settings.max_connections,
            max_keepalive_connections=settings.max_connections,
            keepalive_expiry=settings.keepalive_expiry,
        ),
        "verify": _ssl_context(),
        "headers": {"Accept": "application/json"},
        "follow_redirects": False,
    }


def async_client(
    base_url: str,
    settings: HttpSettings,
    auth: httpx.Auth | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An ``AsyncClient`` for one account: pooled, with folio's timeouts and TLS context."""
    return httpx.AsyncClient(
        base_url=base_url, transport=transport, **_client_options(settings, auth)
    )


class BoundedClient(httpx.Client):
    """An ``httpx.Client`` that knows the largest body :func:`run_sync` may read through it."""

    def __init__(self, *, max_body_bytes: int, **options: Any) -> None:
        super().__init__(**options)
        self.max_body_bytes = max_body_bytes


def sync_client(
    base_url: str,
    settings: HttpSettings,
    auth: httpx.Auth | None = None,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """The blocking twin of :func:`async_client`, bounded to ``settings.max_body_bytes``."""
    return BoundedClient(
        max_body_bytes=settings.max_body_bytes,
        base_url=base_url,
        transport=transport,
        **_client_options(settings, auth),
    )


_SLICE: Final = 16 * 1024
"""Largest piece of a body handed to the decoder at once. gzip and deflate inflate a piece at
most about 1,000-fold, so even a compression bomb decodes in steps of about 16 MiB, each
counted against ``max_body_bytes`` before the next is decoded."""


def _slices(chunk: bytes) -> Iterator[bytes]:
    for start in range(0, len(chunk), _SLICE):
        yield chunk[start : start + _SLICE]


class _SlicedStream(httpx.AsyncByteStream, httpx.SyncByteStream):
    """A response body stream cut into pieces of at most ``_SLICE`` bytes (see there)."""

    def __init__(
        self,
        inner: AsyncIterable[bytes] | httpx.SyncByteStream,
        aclose: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._inner = inner
        self._aclose = aclose

    def __iter__(self) -> Iterator[bytes]:
        assert isinstance(self._inner, httpx.SyncByteStream)
        for chunk in self._inner:
            yield from _slices(chunk)

    def close(self) -> None:
        if isinstance(self._inner, httpx.SyncByteStream):
            self._inner.close()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert not isinstance(self._inner, httpx.SyncByteStream)
        async for chunk in self._inner:
            for piece in _slices(chunk):
                yield piece

    async def aclose(self) -> None:
        if self._aclose is not None:
            await self._aclose()


def _too_large(
    request: httpx.Request, limit: int, declared: int | None = None
) -> BodyTooLargeError:
    endpoint = request.extensions.get(ENDPOINT_EXTENSION)
    host = request.url.host
    if declared is not None:
        detail = (
            f"the answer from {host} declares {declared} bytes, more than max_body_bytes "
            f"({limit} bytes); refused without reading it"
        )
    else:
        detail = (
            f"the answer from {host} is larger than max_body_bytes ({limit} bytes); "
            "refused while reading it"
        )
    return BodyTooLargeError(detail, limit=limit, endpoint=endpoint)


def _refuse_declared(response: httpx.Response, limit: int, request: httpx.Request) -> None:
    """Refuse a body whose ``Content-Length`` is above ``limit`` before reading any of it."""
    declared = response.headers.get("content-length", "").strip()
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise _too_large(request, limit, int(declared))


def _keep(response: httpx.Response, body: list[bytes]) -> None:
    # What Response.read()/aread() would have stored: the decoded body, read in full.
    response._content = b"".join(body)


def _read_bounded(
    response: httpx.Response,
    limit: int,
    request: httpx.Request,
    until: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Read ``response``'s body, refusing it once it (or its decoding) passes ``limit``.

    With ``until`` (a ``clock`` time), a body still arriving then is abandoned with a
    :class:`~framework.errors.RequestTimeoutError`: a server dripping one byte per second
    never trips a per-read timeout, so only this check ends it (docs/reliability.md).
    """
    _refuse_declared(response, limit, request)
    if isinstance(response.stream, httpx.SyncByteStream):
        response.stream = _SlicedStream(response.stream)
    body: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit or response.num_bytes_downloaded > limit:
            raise _too_large(request, limit)
        if until is not None and clock() >= until:
            raise _past_deadline(request, "the body was still arriving")
        body.append(chunk)
    _keep(response, body)


def _past_deadline(request: httpx.Request, what: str) -> RequestTimeoutError:
    endpoint = request.extensions.get(ENDPOINT_EXTENSION)
    msg = f"no complete answer from {request.url.host} within the call's deadline ({what})"
    return RequestTimeoutError(msg, endpoint=endpoint)


def _within_deadline(
    client: httpx.Client, request: httpx.Request, left: float
) -> None:
    """Shorten each socket wait of ``request`` to the ``left`` seconds of the call's deadline.

    httpx applies its timeouts per socket operation; this keeps any one wait (connecting,
    the first byte) from outlasting the deadline. A server that keeps sending a little
    within each wait is ended by :func:`_read_bounded`'s check instead.
    """
    base = client.timeout
    request.extensions["timeout"] = {
        "connect": _shorter(base.connect, left),
        "read": _shorter(base.read, left),
        "write": _shorter(base.write, left),
        "pool": _shorter(base.pool, left),
    }


def _shorter(timeout: float | None, left: float) -> float:
    return left if timeout is None else min(timeout, left)


async def _aread_bounded(response: httpx.Response, limit: int, request: httpx.Request) -> None:
    """The async twin of :func:`_read_bounded`."""
    _refuse_declared(response, limit, request)
    stream = response.stream
    if isinstance(stream, httpx.AsyncByteStream) and not isinstance(stream, _SlicedStream):
        response.stream = _SlicedStream(stream, stream.aclose)
    body: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit or response.num_bytes_downloaded > limit:
            raise _too_large(request, limit)
        body.append(chunk)
    _keep(response, body)


class AsyncSender(Protocol):
    """Sends one request and returns its complete answer, or raises a folio TransientError."""

    async def send(self, request: httpx.Request) -> httpx.Response:
        """Sign (if the sender signs) and send ``request``; the body is read."""
        ...

    async def aclose(self) -> None:
        """Release the sender's connections."""
        ...


class HttpxSender:
    """Sends through an ``httpx.AsyncClient`` (which signs with its own ``auth``)."""

    def __init__(
        self, client: httpx.AsyncClient, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    ) -> None:
        self.client = client
        self.max_body_bytes = max_body_bytes

    async def send(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self.client.send(request, stream=True)
            try:
                await _aread_bounded(response, self.max_body_bytes, request)
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            raise _transport_error(exc, request) from exc
        return response

    async def aclose(self) -> None:
        await self.client.aclose()


class PooledSender:
    """Signs with ``auth`` and sends through the loop's shared aiohttp pool.

    ``auth`` must sign in one step (it may not need the response), as exchange HMAC signers do.
    Redirects are not followed, cookies are not kept, bodies are handed to httpx undecoded.
    """

    def __init__(self, settings: HttpSettings, auth: httpx.Auth | None) -> None:
        self._settings = settings
        self._auth = auth
        self._lease: pool.PoolLease | None = None
        self._timeout: Any = None
        self._closed = False

    def _session(self) -> Any:
        if self._lease is not None and self._lease.loop is not asyncio.get_running_loop():
            msg = (
                "this client's connections belong to the event loop it was first used on; "
                "create one client per event loop (or use SyncFolio from blocking code)"
            )
            raise RuntimeError(msg)
        if self._lease is None:
            if self._closed:
                msg = "this client has been closed"
                raise RuntimeError(msg)
            import aiohttp  # noqa: PLC0415 - loaded with the pool, on first use

            self._lease = pool.lease(self._settings, _ssl_context())
            s = self._settings
            self._timeout = aiohttp.ClientTimeout(
                total=None,
                connect=s.connect_timeout + s.pool_timeout,
                sock_connect=s.connect_timeout,
                sock_read=s.read_timeout,
            )
        return self._lease.session

    def _signed(self, request: httpx.Request) -> httpx.Request:
        if self._auth is None:
            return request
        flow = self._auth.sync_auth_flow(request)
        try:
            return next(flow)
        finally:
            flow.close()

    async def send(self, request: httpx.Request) -> httpx.Response:
        import aiohttp  # noqa: PLC0415 - already loaded by _session
        import yarl  # noqa: PLC0415 - aiohttp's URL type, loaded with it

        session = self._session()
        signed = self._signed(request)
        try:
            async with session.request(
                signed.method,
                # encoded=True: the bytes sent are the bytes signed (yarl would re-quote the
                # query, turning %2C into ',', and the exchange would see another signature)
                yarl.URL(str(signed.url), encoded=True),
                headers=list(signed.headers.multi_items()),
                data=signed.content or None,
                timeout=self._timeout,
                allow_redirects=False,
            ) as answer:
                limit = self._settings.max_body_bytes
                # httpx decodes the body here, by its Content-Encoding (the pool does not):
                # a corrupt gzip body fails now, like a broken connection would.
                response = httpx.Response(
                    answer.status,
                    headers=answer.raw_headers,
                    stream=_SlicedStream(answer.content.iter_chunked(_SLICE)),
                    request=signed,
                )
                try:
                    await _aread_bounded(response, limit, request)
                except BodyTooLargeError:
                    answer.close()  # the rest is never read: the connection cannot be reused
                    raise
                return response
        # No cause is chained: aiohttp's frames hold the signed headers in their locals, which
        # an error tracker capturing locals would record. The exception type says what broke.
        except TimeoutError as exc:
            raise _timeout_error(type(exc).__name__, request) from None
        except (aiohttp.ClientError, httpx.HTTPError) as exc:
            raise _connection_error(type(exc).__name__, request) from None

    async def aclose(self) -> None:
        self._closed = True
        if self._lease is not None:
            lease, self._lease = self._lease, None
            await lease.release()


def async_sender(
    settings: HttpSettings,
    auth: httpx.Auth | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    base_url: str = "",
) -> AsyncSender:
    """The sender for one account: the shared pool, or an httpx client on ``transport``."""
    if transport is not None:
        client = async_client(base_url, settings, auth, transport)
        return HttpxSender(client, settings.max_body_bytes)
    return PooledSender(settings, auth)


def _timeout_error(kind: str, request: httpx.Request) -> ExchangeError:
    endpoint = request.extensions.get(ENDPOINT_EXTENSION)
    host = request.url.host
    return RequestTimeoutError(f"no answer from {host} in time ({kind})", endpoint=endpoint)


def _connection_error(kind: str, request: httpx.Request) -> ExchangeError:
    endpoint = request.extensions.get(ENDPOINT_EXTENSION)
    # Only the exception type and the host are quoted: the URL's query or headers never are.
    host = request.url.host
    return TransportError(f"connection to {host} failed ({kind})", endpoint=endpoint)


def _transport_error(exc: httpx.HTTPError, request: httpx.Request) -> ExchangeError:
    if isinstance(exc, httpx.TimeoutException):
        return _timeout_error(type(exc).__name__, request)
    return _connection_error(type(exc).__name__, request)


def _log_exchange(request: httpx.Request, response: httpx.Response) -> None:
    # Endpoint name, host and status only: never the URL's query or any header.
    if log.isEnabledFor(logging.DEBUG):
        log.debug(
            "%s on %s -> HTTP %d (%d bytes)",
            request.extensions.get(ENDPOINT_EXTENSION, request.method),
            request.url.host,
            response.status_code,
            len(response.content),
        )


def _log_failure(request: httpx.Request, error: ExchangeError) -> None:
    log.debug(
        "%s on %s -> %s: %s",
        request.extensions.get(ENDPOINT_EXTENSION, request.method),
        request.url.host,
        type(error).__name__,
        error.detail,
    )


def _cost(request: httpx.Request) -> int:
    cost = request.extensions.get(COST_EXTENSION, 1)
    return cost if isinstance(cost, int) else 1


def run_sync(
    client: httpx.Client,
    flow: Flow[T],
    limiters: Pacing = (),
    *,
    sleep: Callable[[float], object] = time.sleep,
    until: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Drive ``flow`` with a blocking client, pacing each request through ``limiters``.

    Bodies are bounded by the client's ``max_body_bytes`` (a :class:`BoundedClient`, as
    :func:`sync_client` makes), or by the default bound for any other client. ``until`` (a
    ``clock`` time) is where the call's deadline ends: no socket wait outlasts it and a body
    still arriving then is abandoned (:func:`_read_bounded`). What it cannot cut is a
    server sending its status line and headers a byte at a time, each within
    ``read_timeout``: httpx reads headers in one step (docs/reliability.md, "Hostile
    servers").
    """
    limit = client.max_body_bytes if isinstance(client, BoundedClient) else DEFAULT_MAX_BODY_BYTES
    try:
        request = next(flow)
        while True:
            for limiter in _limiters_of(limiters, request):
                limiter.acquire_blocking(_cost(request), sleep=sleep)
            try:
                if until is not None:
                    left = until - clock()
                    if left <= 0:
                        raise _past_deadline(request, "no time was left to send the request")
                    _within_deadline(client, request, left)
                _on_send(request)
                response = client.send(request, stream=True)
                try:
                    _read_bounded(response, limit, request, until, clock)
                finally:
                    response.close()
            except httpx.HTTPError as exc:
                error = _transport_error(exc, request)
                _log_failure(request, error)
                raise error from exc
            except (BodyTooLargeError, RequestTimeoutError) as exc:
                _log_failure(request, exc)
                raise
            _log_exchange(request, response)
            request = flow.send(response)
    except StopIteration as done:
        result: T = done.value
        return result
    finally:
        flow.close()


async def run_async(
    sender: AsyncSender,
    flow: Flow[T],
    limiters: Pacing = (),
    *,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> T:
    """Drive ``flow`` with an async sender, pacing each request through ``limiters``.

    ``sleep`` waits at a limit (the client's, so tests can pass a fake one).
    """
    try:
        request = next(flow)
        while True:
            current_endpoint.set(request.extensions.get(ENDPOINT_EXTENSION))
            for limiter in _limiters_of(limiters, request):
                await limiter.acquire(_cost(request), sleep=sleep)
            _on_send(request)
            try:
                response = await sender.send(request)
            except ExchangeError as exc:
                _log_failure(request, exc)
                raise
            _log_exchange(request, response)
            request = flow.send(response)
    except StopIteration as done:
        result: T = done.value
        return result
    finally:
        flow.close()
