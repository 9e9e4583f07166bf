"""What every exchange's protocol holds and how it turns a catalog endpoint into a Call.

Each adapter's protocol (docs/plugins.md, "The adapter kit", step 7) keeps the same state for
its account: the base URL and its parsed URLs, the account's name and options, the signer
(``None`` for a keyless price client), the rate limiters of each endpoint, the clock it stamps
snapshots with and the signing clock it corrects. :class:`RestProtocol` holds them once, so an
adapter's protocol is only what is its own: which endpoints a read calls and what each answer
means. :meth:`RestProtocol.call` builds the :class:`~adapters.kit.call.Call` of one catalog
endpoint (its method, path, fixed query, label and whether it is signed); the sender does the
rest (adapters/kit/sender.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Final, Generic, Protocol, TypeVar

import httpx

from adapters.kit.call import Call, Urls
from adapters.kit.clock import ClockSync, RoundTrip, ServerClock
from adapters.kit.ratelimit import SlidingWindowLimiter

__all__ = ["ACCEPT_JSON", "CatalogEndpoint", "RestProtocol", "utc_now"]

ACCEPT_JSON: Final = {"Accept": "application/json"}


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class CatalogEndpoint(Protocol):
    """A catalog endpoint (``endpoints.py``) as :meth:`RestProtocol.call` reads it."""

    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def params(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def signed(self) -> bool: ...
    @property
    def label(self) -> str: ...


class _ClockOption(Protocol):
    @property
    def sync_clock(self) -> bool: ...


OptionsT = TypeVar("OptionsT", bound=_ClockOption)
EndpointT = TypeVar("EndpointT", bound=CatalogEndpoint)


class RestProtocol(ClockSync, Generic[OptionsT, EndpointT]):
    """The state one account's protocol keeps, and the Call of each catalog endpoint."""

    def __init__(
        self, *, base_url: str, account: str, options: OptionsT, auth: httpx.Auth | None,
        limiters: Callable[[EndpointT], Sequence[SlidingWindowLimiter]] = lambda _: (),
        now: Callable[[], datetime] = utc_now, clock: ServerClock | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._urls = Urls(self.base_url)
        self._auth = auth
        self._limiters = limiters
        self.account = account
        self.options = options
        self._now = now
        self.clock = clock if clock is not None else ServerClock()
        """The signing clock; its offset is corrected here when the exchange objects."""

    @property
    def sync_clock(self) -> bool:
        """Whether a refused timestamp is corrected from the exchange's time (an option)."""
        return self.options.sync_clock

    def call(
        self, endpoint: EndpointT, params: Mapping[str, str] | None = None, *,
        trip: RoundTrip | None = None, cost: int = 1,
        headers: Mapping[str, str] = ACCEPT_JSON,
    ) -> Call:
        """The Call of ``endpoint`` with its fixed query and ``params``; signed if it is."""
        query = {**dict(endpoint.params), **params} if params else dict(endpoint.params)
        return Call(
            httpx.Request(endpoint.method, self._urls(endpoint.path, query), headers=headers),
            endpoint.label, cost=cost, limiters=self._limiters(endpoint),
            auth=self._auth if endpoint.signed else None, trip=trip,
        )
