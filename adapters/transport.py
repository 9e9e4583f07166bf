"""The one place adapters meet httpx: client construction and the drivers that run flows.

An adapter's logic is written once, as a *flow*: a generator that yields the
``httpx.Request`` it wants sent and receives the ``httpx.Response`` (body already read), then
returns its result. It does no I/O itself, so the same flow is driven by :func:`run_sync`
through an ``httpx.Client`` and by :func:`run_async` through an ``httpx.AsyncClient``: sync and
async share every line of request building, error mapping and parsing.

Transport failures are mapped here to folio's retryable errors; the endpoint is taken from the
request's ``folio.endpoint`` extension so the error says which call failed. Before each send the
drivers wait for the client-side rate limiters (:mod:`framework.ratelimit`), charging the cost
in the request's ``folio.cost`` extension (1 by default). Keeping every httpx import in as few
modules as possible keeps a future move to a compatible fork a small change.
"""

from __future__ import annotations

import ssl
from collections.abc import Generator, Sequence
from functools import cache
from typing import Any, Final, TypeVar

import httpx

from framework.errors import ExchangeError, RequestTimeoutError, TransportError
from framework.ratelimit import SlidingWindowLimiter
from framework.settings import HttpSettings

__all__ = [
    "COST_EXTENSION",
    "ENDPOINT_EXTENSION",
    "Flow",
    "async_client",
    "run_async",
    "run_sync",
    "sync_client",
]

T = TypeVar("T")

Flow = Generator[httpx.Request, httpx.Response, T]
"""A sans-I/O exchange conversation: yields requests, receives responses, returns a result."""

ENDPOINT_EXTENSION: Final = "folio.endpoint"
"""Request extension naming the endpoint (``GET cash/balance``) for error messages."""

COST_EXTENSION: Final = "folio.cost"
"""Request extension with the request's cost ("weight") against rate limits; 1 if absent."""


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


def sync_client(
    base_url: str,
    settings: HttpSettings,
    auth: httpx.Auth | None = None,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """The blocking twin of :func:`async_client`."""
    return httpx.Client(base_url=base_url, transport=transport, **_client_options(settings, auth))


def _transport_error(exc: httpx.HTTPError, request: httpx.Request) -> ExchangeError:
    endpoint = request.extensions.get(ENDPOINT_EXTENSION)
    # Only the exception type and the host are quoted: the URL's query or headers never are.
    host = request.url.host
    if isinstance(exc, httpx.TimeoutException):
        kind = type(exc).__name__
        return RequestTimeoutError(f"no answer from {host} in time ({kind})", endpoint=endpoint)
    return TransportError(
        f"connection to {host} failed ({type(exc).__name__})", endpoint=endpoint
    )


def _cost(request: httpx.Request) -> int:
    cost = request.extensions.get(COST_EXTENSION, 1)
    return cost if isinstance(cost, int) else 1


def run_sync(
    client: httpx.Client, flow: Flow[T], limiters: Sequence[SlidingWindowLimiter] = ()
) -> T:
    """Drive ``flow`` with a blocking client, pacing each request through ``limiters``."""
    try:
        request = next(flow)
        while True:
            for limiter in limiters:
                limiter.acquire_blocking(_cost(request))
            try:
                response = client.send(request)
                try:
                    response.read()
                finally:
                    response.close()
            except httpx.HTTPError as exc:
                raise _transport_error(exc, request) from exc
            request = flow.send(response)
    except StopIteration as done:
        result: T = done.value
        return result
    finally:
        flow.close()


async def run_async(
    client: httpx.AsyncClient, flow: Flow[T], limiters: Sequence[SlidingWindowLimiter] = ()
) -> T:
    """Drive ``flow`` with an async client, pacing each request through ``limiters``."""
    try:
        request = next(flow)
        while True:
            for limiter in limiters:
                await limiter.acquire(_cost(request))
            try:
                response = await client.send(request)
                try:
                    await response.aread()
                finally:
                    await response.aclose()
            except httpx.HTTPError as exc:
                raise _transport_error(exc, request) from exc
            request = flow.send(response)
    except StopIteration as done:
        result: T = done.value
        return result
    finally:
        flow.close()
