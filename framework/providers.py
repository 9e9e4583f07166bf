"""What a plugin hands to the core, and what the core hands to a plugin.

pluggy calls hooks synchronously and stops at the first exception, so hooks in folio never do
I/O: they return *readers*, small objects with ``async`` methods that the core awaits, isolates
and fans out itself. A reader is created once per account and reused, so its HTTP connections
stay alive across calls; the resources it opens through :meth:`AccountContext.resource` are
closed by the core when the host closes (no leaked sockets).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Final, Protocol, TypeVar, runtime_checkable

import attrs

from framework.config import AccountConfig, StaticCredentials, plain_http_to_another_host
from framework.credentials import Credentials
from framework.events import RequestEvents
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings

if TYPE_CHECKING:
    import httpx

__all__ = [
    "AccountContext",
    "AsyncResource",
    "BalanceReader",
    "DemoEndpoint",
    "ResourceStack",
    "RiskReader",
    "Simulator",
    "SimulatorHandle",
]


@runtime_checkable
class BalanceReader(Protocol):
    """Reads balances of one account. Returned by ``folio_balance_reader``."""

    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        """Read every balance of ``wallet`` now.

        Must return a complete snapshot or raise a :class:`framework.errors.FolioError`
        subclass; never a partial snapshot, never another exception type.
        """
        ...


@runtime_checkable
class RiskReader(Protocol):
    """Reads the margin risk profile of one account. Returned by ``folio_risk_reader``."""

    async def fetch_margin_risk(self) -> MarginRisk:
        """Read the margin risk profile now; raise a FolioError subclass on failure."""
        ...


@runtime_checkable
class AsyncResource(Protocol):
    """Anything a plugin opens that must be closed: an HTTP client, a session."""

    async def aclose(self) -> None:
        """Release sockets and other OS resources."""
        ...


ResourceT = TypeVar("ResourceT", bound=AsyncResource)

_HTTP_CLIENT: Final = "folio.http-client"
"""The resource key of an account's lease on the shared HTTP client."""


class ResourceStack:
    """Resources shared by the readers of one account, closed together, newest first.

    Keys let a plugin's balance reader and risk reader share one HTTP client for the same
    account: the first caller creates it, the second gets the same object.
    """

    def __init__(self) -> None:
        self._resources: dict[Hashable, AsyncResource] = {}
        self._closed = False

    def get_or_create(self, key: Hashable, factory: Callable[[], ResourceT]) -> ResourceT:
        """The resource stored under ``key``, created by ``factory`` on first use."""
        if self._closed:
            msg = "the host has been closed; no new connections can be opened"
            raise RuntimeError(msg)
        existing = self._resources.get(key)
        if existing is None:
            existing = factory()
            self._resources[key] = existing
        return existing  # type: ignore[return-value]

    def __iter__(self) -> Iterator[AsyncResource]:
        return iter(reversed(list(self._resources.values())))

    async def aclose(self) -> None:
        """Close every resource; one failing to close does not keep the others open."""
        self._closed = True
        resources = list(self)
        self._resources.clear()
        results = await asyncio.gather(*(r.aclose() for r in resources), return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            msg = "some connections failed to close"
            raise BaseExceptionGroup(msg, errors)


@attrs.define(slots=True)
class AccountContext:
    """Everything a plugin may use to build the readers of one account.

    ``credentials()`` resolves the account's secrets on demand (from the environment by
    default), so a missing variable is reported for that account only.

    ``events`` are the host's request-event subscribers (framework/events.py), shared by every
    account of the host. A plugin on the adapter kit reports through them for free
    (``adapters.kit.client.account_client``); one that sends its own requests emits one
    :class:`~framework.events.RequestEvent` per attempt when ``events.listeners`` is not
    empty (docs/plugins.md).
    """

    account: AccountConfig
    http: HttpSettings = DEFAULT_HTTP_SETTINGS
    resources: ResourceStack = attrs.field(factory=ResourceStack)
    events: RequestEvents = attrs.field(factory=RequestEvents)

    def credentials(self) -> Credentials:
        """The account's API credentials; raises ConfigurationError naming the missing key."""
        try:
            return self.account.credentials.resolve(self.account.name)
        except Exception as exc:
            from framework.errors import ConfigurationError  # noqa: PLC0415

            if isinstance(exc, ConfigurationError):
                exc.path = exc.path or self.account.source
            raise

    def resource(self, key: Hashable, factory: Callable[[], ResourceT]) -> ResourceT:
        """Shortcut for ``self.resources.get_or_create(key, factory)``."""
        return self.resources.get_or_create(key, factory)

    def http_client(self) -> httpx.AsyncClient:
        """The running event loop's shared, pooled ``httpx.AsyncClient`` (framework/http.py).

        Every plugin's requests go through it, so accounts of every exchange share one pool;
        the core releases it when the host closes. Call it from async code (it belongs to
        the running loop); per-request timeouts are the caller's (``self.http``).
        """
        from framework.http import lease_http_client  # noqa: PLC0415 - httpx loads lazily

        return self.resource(_HTTP_CLIENT, lambda: lease_http_client(self.http)).client


class SimulatorHandle(Protocol):
    """A simulator running in the background, as seen by the ``folio`` command line.

    A handle may also have a ``control_url`` attribute (as :class:`DemoEndpoint` has): the
    base URL of the simulator's control routes, which the host testing kit uses to stage
    faults. It is not part of the protocol, so handles written before it still conform.
    """

    @property
    def url(self) -> str:
        """Base URL to point an account's ``base_url`` at."""
        ...

    def demo_accounts(self) -> Sequence[AccountConfig]:
        """Accounts (with in-memory credentials) that the demo reads from this simulator."""
        ...

    def sample_config(self) -> str:
        """A ready-to-use ``folio.toml`` fragment for this simulator, with env var names."""
        ...

    def sample_environment(self) -> dict[str, str]:
        """Environment variables that ``sample_config`` refers to (test credentials only)."""
        ...


def _toml_key(name: str) -> str:
    """``name`` as a TOML key: bare when it may be, else a quoted string."""
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)


@attrs.frozen(slots=True)
class DemoEndpoint:
    """A :class:`SimulatorHandle` for the usual case: one demo account on one simulator URL.

    ``credentials`` are the simulator's own test credentials (never real ones): the demo
    account uses them in memory, and ``sample_environment`` prints them for ``folio simulate``
    under the variable names ``key_env`` and ``secret_env`` (and ``passphrase_env``, for an
    exchange whose credentials include a passphrase) that ``sample_config`` refers to.
    ``control_url`` is where the simulator serves its control routes (``POST .../faults``),
    e.g. ``http://127.0.0.1:54321/__simulator__``, or ``None`` if it serves none: the host
    testing kit (:mod:`framework.testing.hosts`) stages faults there without importing the
    adapter (docs/testing.md).
    """

    exchange: str
    url: str
    credentials: Credentials = attrs.field(repr=False)
    key_env: str
    secret_env: str
    control_url: str | None = None
    passphrase_env: str | None = None

    def demo_accounts(self) -> Sequence[AccountConfig]:
        """One account, ``<exchange>-demo``, pointed at the simulator."""
        demo = StaticCredentials(self.credentials)
        return (AccountConfig(f"{self.exchange}-demo", self.exchange, demo, base_url=self.url),)

    def sample_config(self, account: str | None = None) -> str:
        """A ``folio.toml`` table for ``account`` naming the two variables.

        ``account`` is ``<exchange>-sim`` by default; ``folio simulate`` names it ``main``, the
        account of the README's example, unless told otherwise (``--account``). A name with a
        dot is quoted, so it stays one account's name instead of a nested table.

        A simulator served for other machines (``--host 0.0.0.0``) is plain ``http://`` to a
        host that is not loopback, which folio refuses without the account's opt-in: the
        fragment then carries ``allow_insecure_http = true`` (simulator credentials only).
        """
        table = (
            f"[accounts.{_toml_key(account or self.exchange + '-sim')}]\n"
            f'exchange = "{self.exchange}"\n'
            f'api_key_env = "{self.key_env}"\n'
            f'api_secret_env = "{self.secret_env}"\n'
        )
        if self.passphrase_env is not None:
            table += f'api_passphrase_env = "{self.passphrase_env}"\n'
        table += f'base_url = "{self.url}"\n'
        if plain_http_to_another_host(self.url):
            table += "allow_insecure_http = true  # a simulator: test credentials only\n"
        return table

    def sample_environment(self) -> dict[str, str]:
        """The simulator's test credentials under the variable names of the sample config."""
        environment = {
            self.key_env: self.credentials.api_key.reveal(),
            self.secret_env: self.credentials.api_secret.reveal(),
        }
        passphrase = self.credentials.api_passphrase
        if self.passphrase_env is not None:
            if passphrase is None:
                msg = f"{self.exchange}: passphrase_env is named but the credentials have none"
                raise ValueError(msg)
            environment[self.passphrase_env] = passphrase.reveal()
        return environment


@attrs.frozen(slots=True)
class Simulator:
    """An exchange simulator a plugin ships, started by ``folio simulate`` and ``folio demo``.

    ``start(host, port)`` returns a context manager that serves on a background thread until
    the context exits; port 0 picks a free port.
    """

    exchange: str
    description: str
    start: Callable[[str, int], AbstractContextManager[SimulatorHandle]]
