"""A blocking facade over :class:`framework.host.Folio` for hosts that do not use asyncio.

Pooled connections belong to the event loop they were opened on; wrapping each call in
``asyncio.run`` would give every call a new loop and break them (or leak them). So
:class:`SyncFolio` keeps one private event loop for its whole life and runs each call on it,
in the calling thread, one call at a time: no hand-over to another thread, so a blocking read
costs what the async read costs (docs/performance.md). Calls from several threads are
serialised; a fan-out (``all_balances``) is where concurrency belongs.

It cannot be called from code already running in an event loop (that would block the loop):
async code uses :class:`~framework.host.Folio` directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import (
    AsyncGenerator,
    Callable,
    Coroutine,
    Generator,
    Iterable,
    Sequence,
)
from types import TracebackType
from typing import Any, Self, TypeVar

from framework.config import AccountConfig, FolioConfig, load_config
from framework.events import RequestListener
from framework.host import Folio, Plugins
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.portfolio import AccountPortfolio, Portfolio
from framework.results import AccountResult, FanOut
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings
from framework.syncstream import blocking_stream
from framework.valuation import PriceBook

__all__ = ["SyncFolio"]

T = TypeVar("T")


class _PrivateLoop:
    """One event loop for the facade's life, driven by whichever thread calls, one at a time."""

    def __init__(self) -> None:
        self._runner = asyncio.Runner()
        self._lock = threading.Lock()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass  # no loop running in this thread: the normal case
        else:
            coroutine.close()
            msg = "SyncFolio cannot be called from a running event loop; await Folio instead"
            raise RuntimeError(msg)
        with self._lock:
            # run_until_complete rather than Runner.run: the latter installs a signal handler
            # and copies the context on every call, a third of a fast read's overhead.
            loop = self._runner.get_loop()
            task = loop.create_task(coroutine)
            try:
                return loop.run_until_complete(task)
            except BaseException:
                if not task.done():  # Ctrl-C: end this call here, not during the next one
                    task.cancel()
                    with contextlib.suppress(BaseException):
                        loop.run_until_complete(task)
                raise

    def stream(self, make: Callable[[], AsyncGenerator[T, None]]) -> Generator[T, None, None]:
        """Iterate an async stream from blocking code (framework/syncstream.py says how)."""
        return blocking_stream(make, self._lock, self._runner.get_loop)

    def stop(self) -> None:
        with self._lock:
            self._runner.close()


class SyncFolio:
    """The same API as :class:`framework.host.Folio`, blocking. Use it as a context manager."""

    def __init__(
        self,
        accounts: Sequence[AccountConfig],
        *,
        plugins: Plugins | None = None,
        http: HttpSettings = DEFAULT_HTTP_SETTINGS,
        on_request: RequestListener | None = None,
    ) -> None:
        """``on_request`` gets each HTTP attempt's event, in the calling thread (``subscribe``)."""
        self._async = Folio(accounts, plugins=plugins, http=http, on_request=on_request)
        self._loop: _PrivateLoop | None = _PrivateLoop()

    @classmethod
    def from_config(
        cls,
        config: FolioConfig | str | os.PathLike[str] = "folio.toml",
        *,
        extra_plugins: Iterable[tuple[str, object]] = (),
        http: HttpSettings | None = None,
        on_request: RequestListener | None = None,
    ) -> SyncFolio:
        """Build a blocking host from a config object or a TOML file path.

        ``http`` replaces the configuration's ``[network]`` defaults, as for ``Folio``.
        """
        loaded = config if isinstance(config, FolioConfig) else load_config(config)
        plugins = Plugins(loaded.plugins, extra=extra_plugins)
        return cls(
            loaded.accounts, plugins=plugins, http=loaded.network if http is None else http,
            on_request=on_request,
        )

    def subscribe(self, listener: RequestListener) -> Callable[[], None]:
        """Call ``listener`` with every HTTP attempt's event (see :meth:`Folio.subscribe`).

        It runs in the thread that made the blocking call, while that call runs; during a
        blocking stream, in the stream's worker thread while the host's loop body runs
        (framework/syncstream.py), so what it shares with the loop body needs a lock.
        """
        return self._async.subscribe(listener)

    @property
    def plugins(self) -> Plugins:
        """The loaded plugins."""
        return self._async.plugins

    @property
    def accounts(self) -> tuple[str, ...]:
        """Configured account names."""
        return self._async.accounts

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            coroutine.close()
            msg = "this SyncFolio has been closed"
            raise RuntimeError(msg)
        return self._loop.run(coroutine)

    def balances(self, account: str, wallet: WalletKind = WalletKind.CASH) -> BalanceSnapshot:
        """Read every balance of one wallet of one account (see :meth:`Folio.balances`)."""
        return self._run(self._async.balances(account, wallet))

    def risk(self, account: str, wallet: WalletKind | str | None = None) -> MarginRisk:
        """Read the risk profile of one wallet of one account (see :meth:`Folio.risk`)."""
        return self._run(self._async.risk(account, wallet))

    def all_balances(
        self, wallet: WalletKind = WalletKind.CASH, accounts: Iterable[str] | None = None
    ) -> FanOut[BalanceSnapshot]:
        """Read one wallet of many accounts concurrently (on the private loop)."""
        return self._run(self._async.all_balances(wallet, accounts))

    def all_risk(
        self, accounts: Iterable[str] | None = None, *, wallet: WalletKind | str | None = None
    ) -> FanOut[MarginRisk]:
        """Read many accounts' risk profiles concurrently (see :meth:`Folio.all_risk`)."""
        return self._run(self._async.all_risk(accounts, wallet=wallet))

    def account_portfolio(self, account: str) -> AccountPortfolio:
        """Every wallet and the margin risk of one account (see :meth:`Folio.account_portfolio`)."""
        return self._run(self._async.account_portfolio(account))

    def portfolio(
        self, accounts: Iterable[str] | None = None, *, quote: str | None = None
    ) -> Portfolio:
        """Every part of every account, with totals, valued in ``quote`` if given."""
        return self._run(self._async.portfolio(accounts, quote=quote))

    def assemble_portfolio(
        self, read: Iterable[AccountResult[AccountPortfolio]], *, quote: str | None = None
    ) -> Portfolio:
        """The portfolio of accounts already read (see :meth:`Folio.assemble_portfolio`)."""
        return self._run(self._async.assemble_portfolio(list(read), quote=quote))

    def price_book(self, account: str) -> PriceBook:
        """Every public price of the account's exchange (see :meth:`Folio.price_book`)."""
        return self._run(self._async.price_book(account))

    def stream_balances(
        self, wallet: WalletKind = WalletKind.CASH, accounts: Iterable[str] | None = None
    ) -> Generator[AccountResult[BalanceSnapshot], None, None]:
        """Each account's result of one wallet as soon as it completes (``Folio.stream_*``).

        The reads run on the private loop in a worker thread while the host handles each
        result; closing the iterator early cancels the rest (docs/host-api.md, "Streaming").
        """
        return self._stream(lambda folio: folio.stream_balances(wallet, accounts))

    def stream_risk(
        self, accounts: Iterable[str] | None = None, *, wallet: WalletKind | str | None = None
    ) -> Generator[AccountResult[MarginRisk], None, None]:
        """Each account's risk result of ``wallet`` as soon as it completes (see above)."""
        return self._stream(lambda folio: folio.stream_risk(accounts, wallet=wallet))

    def stream_portfolio(
        self, accounts: Iterable[str] | None = None
    ) -> Generator[AccountResult[AccountPortfolio], None, None]:
        """Each account's whole portfolio as soon as it completes (see above)."""
        return self._stream(lambda folio: folio.stream_portfolio(accounts))

    def _stream(
        self, make: Callable[[Folio], AsyncGenerator[AccountResult[T], None]]
    ) -> Generator[AccountResult[T], None, None]:
        if self._loop is None:
            msg = "this SyncFolio has been closed"
            raise RuntimeError(msg)
        return self._loop.stream(lambda: make(self._async))

    def close(self) -> None:
        """Close every connection, then stop the private loop. Safe to call twice."""
        thread, self._loop = self._loop, None
        if thread is None:
            return
        try:
            thread.run(self._async.aclose())
        finally:
            thread.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
