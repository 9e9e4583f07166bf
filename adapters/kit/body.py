"""Reading an answer's body without trusting its size or its pace.

Every body goes through :func:`read_bounded` (docs/reliability.md, "Bounded answers"): a
``Content-Length`` above ``max_body_bytes`` is refused before any byte of the body is read, and
a chunked (or lying) body is cut as soon as what arrived, or what it decodes to, passes the
limit, so an endless answer costs at most that much memory. The error is a
:class:`~framework.errors.BodyTooLargeError`, never retried. Each piece is also checked against
the call's deadline: a body dripping in a byte at a time never trips a socket timeout, and
this check is what ends it, without a timer of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import Final

import httpx

from framework.errors import BodyTooLargeError, InvalidResponseError

__all__ = ["BodyPastDeadline", "read_bounded"]

SLICE: Final = 16 * 1024
"""Largest piece handed to httpx's decoder at once: gzip and deflate inflate a piece at most
about 1,000-fold, so even a compression bomb decodes in steps counted against the limit."""


class _Sliced(httpx.AsyncByteStream):
    """A body stream cut into pieces of at most :data:`SLICE` bytes (see there)."""

    def __init__(self, inner: httpx.AsyncByteStream | AsyncIterable[bytes]) -> None:
        self._inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            for start in range(0, len(chunk), SLICE):
                yield chunk[start : start + SLICE]

    async def aclose(self) -> None:
        if isinstance(self._inner, httpx.AsyncByteStream):
            await self._inner.aclose()


def _too_large(host: str, endpoint: str, limit: int, declared: int | None) -> BodyTooLargeError:
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


class BodyPastDeadline(Exception):
    """The body was still arriving when the call's deadline passed (the sender reports it)."""


async def read_bounded(
    response: httpx.Response,
    *,
    limit: int,
    endpoint: str,
    until: float,
    clock: Callable[[], float],
) -> None:
    """Read ``response``'s body into ``response.content``, within ``limit`` and ``until``.

    ``until`` is a ``clock`` time (the event loop's): the call's deadline.
    """
    declared = response.headers.get("content-length", "").strip()
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise _too_large(response.request.url.host, endpoint, limit, int(declared))
    if "content-encoding" in response.headers or response.is_stream_consumed:
        # Decoded in slices, so what a piece inflates to is counted before the next one (a
        # body httpx already holds, as a test transport gives it, is read from memory).
        response.stream = _Sliced(response.stream)  # type: ignore[arg-type]
        chunks = response.aiter_bytes()
    else:  # nothing to decode: the bytes as they arrive, without httpx's decoder layers
        chunks = response.aiter_raw()
    body: list[bytes] = []
    size = 0
    try:
        async for chunk in chunks:
            size += len(chunk)
            if size > limit or response.num_bytes_downloaded > limit:
                raise _too_large(response.request.url.host, endpoint, limit, None)
            if clock() >= until:
                raise BodyPastDeadline
            body.append(chunk)
    except httpx.DecodingError:
        # The bytes arrived, but not in the Content-Encoding the answer names (a corrupt gzip
        # or deflate stream): an unreadable answer, re-read like one (docs/reliability.md),
        # not a failed connection that would send the operator looking at the network.
        coding = response.headers.get("content-encoding", "")[:40]
        msg = f"the body is not valid {coding!r} as its Content-Encoding says (garbled)"
        raise InvalidResponseError(msg, field="$", garbled=True, endpoint=endpoint,
                                   status=response.status_code) from None
    # What Response.aread() would have stored: the decoded body, read in full.
    response._content = b"".join(body)
