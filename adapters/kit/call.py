"""What one request carries besides its bytes: the typed seam between protocol and sender.

An adapter's protocol builds each request as a :class:`Call`: the ``httpx.Request`` itself,
the endpoint's name (for errors and logs), its cost against the exchange's limits, the rate
limiters it waits for, the ``httpx.Auth`` that signs it, and, for a server-time read, the
:class:`~adapters.kit.clock.RoundTrip` to stamp when it leaves. The sender
(:mod:`adapters.kit.sender`) reads these fields; nothing travels in ``request.extensions`` or a
context variable, so mypy checks every hand-over and a plugin author sees all of it in one
place (docs/plugins.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

import attrs
import httpx

from adapters.kit.clock import RoundTrip
from adapters.kit.ratelimit import SlidingWindowLimiter

__all__ = ["Call", "Urls", "with_query"]


@attrs.frozen(slots=True)
class Call:
    """One request of an adapter, as its protocol hands it to the sender.

    ``request`` is sent as it is on every attempt: ``auth`` signs it again each time (httpx
    runs ``auth_flow`` on every send), so a retry never carries a stale timestamp. An ``auth``
    that changes the URL (Binance appends its signature) yields a signed copy and leaves
    ``request`` untouched for the next attempt.
    """

    request: httpx.Request
    endpoint: str
    """The endpoint's name in errors and logs, e.g. ``GET cash/balance``."""
    cost: int = 1
    """Units this request takes from each of ``limiters`` (the exchange's "weight")."""
    limiters: Sequence[SlidingWindowLimiter] = ()
    """The client-side rate limits it waits for before it leaves."""
    auth: httpx.Auth | None = None
    """The signer; ``None`` for a public endpoint."""
    trip: RoundTrip | None = None
    """Stamped when the request leaves and when its answer arrives (a server-time read)."""


class Urls:
    """The parsed ``httpx.URL`` of each endpoint and query an account uses, built once.

    httpx parses and re-encodes a URL string (and merges ``params``) every time a request is
    built from one: about a fifth of a warm read's CPU in the fan-out benchmark
    (docs/performance.md). An account calls the same few URLs all its life, so each is parsed
    on first use and the immutable ``httpx.URL`` reused.
    """

    __slots__ = ("_base", "_known")

    _MOST: Final = 64
    """Distinct URLs kept; a client asking for ever new queries starts over, never grows."""

    def __init__(self, base_url: str) -> None:
        self._base = base_url.rstrip("/")
        self._known: dict[tuple[str, tuple[tuple[str, str], ...]], httpx.URL] = {}

    def __call__(self, path: str, params: Mapping[str, str] | None = None) -> httpx.URL:
        """The URL of ``path`` (from the base URL) with the query ``params``."""
        query = tuple(params.items()) if params else ()
        url = self._known.get((path, query))
        if url is None:
            if len(self._known) >= self._MOST:
                self._known.clear()
            url = httpx.URL(self._base + path, params=dict(query) if query else None)
            self._known[(path, query)] = url
        return url


_ENCODED_QUERY: Final = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:/?@]|%[0-9A-Fa-f]{2})*")
"""A query httpx keeps exactly as written: its unreserved and allowed characters and ``%XX``
escapes (httpx's ``quote`` leaves these alone and encodes anything else)."""


def with_query(url: httpx.URL, query: str) -> httpx.URL:
    """``url`` with its query replaced by ``query``: equal to ``url.copy_with(query=...)``.

    A signer that appends its signature to the query (Binance) needs a new URL per request,
    and ``copy_with`` parses and validates the whole URL again: 17 µs, two thirds of the
    signer's time (docs/performance.md). A query that httpx would keep as it is needs none
    of that, so its parsed form is reused with the query swapped in. Anything else, or an
    httpx whose URL is not built so, takes ``copy_with`` (tests/adapters/test_with_query.py
    checks both give the same URL).
    """
    parsed = getattr(url, "_uri_reference", None)
    replace = getattr(parsed, "_replace", None)
    if replace is None or not _ENCODED_QUERY.fullmatch(query):
        return url.copy_with(query=query.encode("ascii"))
    fast = httpx.URL.__new__(httpx.URL)
    fast._uri_reference = replace(query=query)  # httpx.URL keeps its parsed form here
    return fast
