"""A blocking facade over :class:`framework.host.Folio` for hosts that do not use asyncio.

An ``httpx.AsyncClient`` belongs to the event loop it was first used on; wrapping each call in
``asyncio.run`` would give every call a new loop and break the pooled connections (or leak them).
So :class:`SyncFolio` starts one private event loop on a daemon thread, runs the async host
there for its whole life, and hands each call over with ``run_coroutine_threadsafe``. The
connections stay alive between calls exactly as in an async host.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine, Iterable, Sequence
from concurrent.futures import Future
from types import TracebackType
from typing import Any, Self, TypeVar

from framework.config import AccountConfig, FolioConfig, load_config
from framework.host import Folio, Plugins
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.results import FanOut
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings

__all__ = ["SyncFolio"]

T = TypeVar("T")


class _LoopThread:
    """An event loop running forever on its own daemon thread until :meth:`stop`."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run, name="folio-event-loop", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if threading.current_thread() is self._thread:
            coroutine.close()
            msg = "SyncFolio cannot be called from its own event loop; use Folio there"
            raise RuntimeError(msg)
        future: Future[T] = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        return future.result()

    def stop(self) -> None:
        async def drain() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.loop.shutdown_asyncgens()

        if self.loop.is_running():
            asyncio.run_coroutine_threadsafe(drain(), self.loop).result()
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join()
        self.loop.close()


class SyncFolio:
    """The same API as :class:`framework.host.Folio`, blocking. Use it as a context manager."""

    def __init__(
        self,
        accounts: Sequence[AccountConfig],
        *,
        plugins: Plugins | None = None,
        http: HttpSettings = DEFAULT_HTTP_SETTINGS,
    ) -> None:
        self._async = Folio(accounts, plugins=plugins, http=http)
        self._thread: _LoopThread | None = _LoopThread()

    @classmethod
    def from_config(
        cls,
        config: FolioConfig | str | os.PathLike[str] = "folio.toml",
        *,
        extra_plugins: Iterable[tuple[str, object]] = (),
        http: HttpSettings = DEFAULT_HTTP_SETTINGS,
    ) -> SyncFolio:
        """Build a blocking host from a config object or a TOML file path."""
        loaded = config if isinstance(config, FolioConfig) else load_config(config)
        plugins = Plugins(loaded.plugins, extra=extra_plugins)
        return cls(loaded.accounts, plugins=plugins, http=http)

    @property
    def plugins(self) -> Plugins:
        """The loaded plugins."""
        return self._async.plugins

    @property
    def accounts(self) -> tuple[str, ...]:
        """Configured account names."""
        return self._async.accounts

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._thread is None:
            coroutine.close()
            msg = "this SyncFolio has been closed"
            raise RuntimeError(msg)
        return self._thread.run(coroutine)

    def balances(self, account: str, wallet: WalletKind = WalletKind.CASH) -> BalanceSnapshot:
        """Read every balance of one wallet of one account (see :meth:`Folio.balances`)."""
        return self._run(self._async.balances(account, wallet))

    def risk(self, account: str) -> MarginRisk:
        """Read one account's margin risk profile."""
        return self._run(self._async.risk(account))

    def all_balances(
        self, wallet: WalletKind = WalletKind.CASH, accounts: Iterable[str] | None = None
    ) -> FanOut[BalanceSnapshot]:
        """Read one wallet of many accounts concurrently (on the private loop)."""
        return self._run(self._async.all_balances(wallet, accounts))

    def all_risk(self, accounts: Iterable[str] | None = None) -> FanOut[MarginRisk]:
        """Read many accounts' margin risk profiles concurrently."""
        return self._run(self._async.all_risk(accounts))

    def close(self) -> None:
        """Close every connection, then stop the private loop. Safe to call twice."""
        thread, self._thread = self._thread, None
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
