"""The constructors every exchange's clients repeated: a signed client and a keyless one.

An adapter's signed client (balances, risk) and its keyless client (public prices) took the
same keywords and did the same with them: the account's options (the defaults when none), the
exchange's URL (the default when none), a signing clock shared by every client of the host
(:func:`adapters.kit.clock.shared_clock`), then the protocol, then
:class:`~adapters.kit.client.ExchangeClient` with the host's HTTP client. :class:`SignedClient`
and :class:`KeylessClient` do it once; a subclass names its exchange, options class and default
URL, and builds its protocol in ``_protocol`` (docs/plugins.md, "The adapter kit", step 8).
The keywords are the ones :func:`adapters.kit.client.account_client` passes, so a plugin
builds either with one call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import httpx

from adapters.kit.client import ExchangeClient, ExchangeProtocol, HttpClientSource
from adapters.kit.clock import ServerClock, shared_clock, wall_clock_ms
from adapters.kit.protocol import utc_now
from framework.credentials import Credentials
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings

__all__ = ["KeylessClient", "SignedClient"]


class _Options(Protocol):
    @property
    def sync_clock(self) -> bool: ...


OptionsT = TypeVar("OptionsT", bound=_Options)


class SignedClient(ExchangeClient, Generic[OptionsT]):
    """An account's client for signed reads; subclasses set the three names and ``_protocol``."""

    exchange: ClassVar[str]
    default_url: ClassVar[str]
    options_type: Callable[[], OptionsT]
    """The options class: its defaults serve a client built without ``options``."""

    def __init__(
        self, credentials: Credentials, *, base_url: str | None = None,
        account: str = "default", options: OptionsT | None = None,
        http: HttpSettings = DEFAULT_HTTP_SETTINGS, http_client: HttpClientSource | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock_ms: Callable[[], int] = wall_clock_ms, now: Callable[[], datetime] = utc_now,
    ) -> None:
        options = self.options_type() if options is None else options
        url = self._host_url(self.default_url if base_url is None else base_url, options)
        clock = shared_clock(self.exchange, url, clock_ms, shared=options.sync_clock)
        protocol = self._protocol(credentials, base_url=url, account=account, options=options,
                                  clock=clock, now=now)
        super().__init__(protocol, exchange=self.exchange, clock=clock, credentials=credentials,
                         http=http, http_client=http_client, transport=transport, sleep=sleep)

    def _protocol(
        self, credentials: Credentials, *, base_url: str, account: str, options: OptionsT,
        clock: ServerClock, now: Callable[[], datetime],
    ) -> ExchangeProtocol:
        """The exchange's protocol (and signer, limiters) for this account."""
        raise NotImplementedError

    def _host_url(self, base_url: str, options: OptionsT) -> str:
        """Where this client reads, and its clock's host; Binance futures override it."""
        return base_url


class KeylessClient(ExchangeClient, Generic[OptionsT]):
    """An account's client for public endpoints: no credentials, never read (prices)."""

    exchange: ClassVar[str]
    default_url: ClassVar[str]
    options_type: Callable[[], OptionsT]

    def __init__(
        self, *, base_url: str | None = None, account: str = "default",
        options: OptionsT | None = None, http: HttpSettings = DEFAULT_HTTP_SETTINGS,
        http_client: HttpClientSource | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        options = self.options_type() if options is None else options
        url = self.default_url if base_url is None else base_url
        # Nothing is signed: the protocol's own clock, never corrected, stamps nothing.
        protocol = self._protocol(base_url=url, account=account, options=options,
                                  clock=ServerClock(), now=now)
        super().__init__(protocol, exchange=self.exchange, clock=protocol.clock,
                         credentials=None, http=http, http_client=http_client,
                         transport=transport, sleep=sleep)
        self._now = now

    def _protocol(
        self, *, base_url: str, account: str, options: OptionsT, clock: ServerClock,
        now: Callable[[], datetime],
    ) -> Any:
        """The exchange's protocol without a signer, for this account's URL."""
        raise NotImplementedError
