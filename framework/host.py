"""The host API: what a portfolio application imports to read its accounts.

::

    async with Folio.from_config("folio.toml") as folio:
        snapshot = await folio.balances("main")                 # one account, raises on failure
        everything = await folio.all_balances(WalletKind.CASH)  # every account, never raises
        totals = total_by_asset(everything)                     # says which accounts it misses

One :class:`Folio` owns the plugins, one reader per account and their connections; close it
(``async with`` or :meth:`Folio.aclose`) to release every socket. Non-async hosts use
:class:`framework.sync.SyncFolio`, which drives the same object on a private event loop.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar, cast

import pluggy

from framework.config import AccountConfig, FolioConfig, PluginPolicy, load_config
from framework.errors import (
    FolioError,
    OutOfMemoryError,
    PluginContractError,
    ReadCancelledError,
    RecursionLimitError,
    UnknownAccountError,
    UnsupportedCapabilityError,
)
from framework.events import RequestEvents, RequestListener
from framework.hookspecs import WalletRiskReader
from framework.loading import (
    PluginRecord,
    PluginStatus,
    load_plugins,
    new_plugin_manager,
    register_plugin,
)
from framework.models import BalanceSnapshot, Capability, MarginRisk, WalletKind
from framework.portfolio import (
    AccountPortfolio,
    Portfolio,
    build_portfolio,
    checked_quote,
    found_accounts,
    plan_prices,
    read_account,
)
from framework.pricebooks import PriceBooks
from framework.prices import PriceReader
from framework.providers import AccountContext, BalanceReader, RiskReader
from framework.registry import ExchangeRegistry, ExchangeSupport, RiskService
from framework.results import AccountResult, FanOut
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings
from framework.streaming import as_completed, cancel_and_wait
from framework.valuation import PriceBook

__all__ = ["Folio", "Plugins"]

T = TypeVar("T")


class Plugins:
    """The loaded plugins of one host: the pluggy manager, load records and exchange map."""

    def __init__(
        self,
        policy: PluginPolicy | None = None,
        *,
        extra: Iterable[tuple[str, object]] = (),
        use_entry_points: bool = True,
    ) -> None:
        """Load plugins from the ``folio`` entry points (per ``policy``) plus ``extra`` ones.

        ``extra`` is ``(name, plugin)`` pairs registered directly: how a host or a test adds a
        plugin that is not installed as a distribution. The environment's switches
        (``FOLIO_BLOCK_PLUGINS`` ...) are applied on top of ``policy``.
        """
        effective = (policy or PluginPolicy()).with_environment()
        self.manager: pluggy.PluginManager = new_plugin_manager()
        records: list[PluginRecord] = (
            load_plugins(self.manager, effective) if use_entry_points else []
        )
        for name, plugin in extra:
            if name in effective.block:
                # The operator's block list wins over the host's code, as for entry points.
                records = [r for r in records if r.name != name]
                records.append(
                    PluginRecord(name, PluginStatus.BLOCKED, distribution="(registered by host)")
                )
                continue
            error = register_plugin(self.manager, plugin, name)
            records.append(_extra_record(name, error, effective))
        self.policy = effective
        self.registry = ExchangeRegistry(self.manager, records)

    @property
    def records(self) -> list[PluginRecord]:
        """Every plugin seen, loaded or not, for ``folio plugins``."""
        return self.registry.records

    def exchanges(self) -> list[ExchangeSupport]:
        """Installed exchanges and their capabilities."""
        return self.registry.exchanges()


def _extra_record(name: str, error: str | None, policy: PluginPolicy) -> PluginRecord:
    from framework.errors import PluginLoadError  # noqa: PLC0415

    if error is None:
        return PluginRecord(name, PluginStatus.LOADED, distribution="(registered by host)")
    if policy.strict:
        raise PluginLoadError(f"plugin {name!r}: registration failed: {error}")
    return PluginRecord(name, PluginStatus.FAILED, "(registered by host)", error=error)


class Folio:
    """Reads balances and margin risk of configured accounts through the installed plugins."""

    def __init__(
        self,
        accounts: Sequence[AccountConfig],
        *,
        plugins: Plugins | None = None,
        http: HttpSettings = DEFAULT_HTTP_SETTINGS,
        on_request: RequestListener | None = None,
    ) -> None:
        """``on_request`` is subscribed to every HTTP attempt's event (see :meth:`subscribe`)."""
        self._events = RequestEvents()
        if on_request is not None:
            self._events.subscribe(on_request)
        self._accounts = {account.name: account for account in accounts}
        if len(self._accounts) != len(accounts):
            msg = "account names must be unique"
            raise ValueError(msg)
        self.plugins = plugins if plugins is not None else Plugins()
        self._http = http
        self._contexts: dict[str, AccountContext] = {}
        self._balance_readers: dict[tuple[str, WalletKind], BalanceReader] = {}
        self._risk_readers: dict[str, tuple[RiskReader, RiskService]] = {}
        self._price_books = PriceBooks(self._price_reader)
        self._closed = False
        self._limit: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._streamed: set[asyncio.Task[Any]] = set()
        """Reads of open streams (framework/streaming.py): cancelled before closing."""

    @classmethod
    def from_config(
        cls,
        config: FolioConfig | str | os.PathLike[str] = "folio.toml",
        *,
        extra_plugins: Iterable[tuple[str, object]] = (),
        http: HttpSettings | None = None,
        on_request: RequestListener | None = None,
    ) -> Folio:
        """Build a host from a config object or a TOML file path.

        ``http`` replaces the configuration's ``[network]`` defaults; accounts' own
        ``network`` overrides still apply on top.
        """
        loaded = config if isinstance(config, FolioConfig) else load_config(config)
        return cls(
            loaded.accounts,
            plugins=Plugins(loaded.plugins, extra=extra_plugins),
            http=loaded.network if http is None else http,
            on_request=on_request,
        )

    def subscribe(self, listener: RequestListener) -> Callable[[], None]:
        """Call ``listener`` with a :class:`~framework.events.RequestEvent` per HTTP attempt.

        For metrics (docs/host-api.md, "Observability"): one event per attempt of every read
        of every account, from every plugin on the adapter kit. Returns the function that
        unsubscribes. A listener runs on the event loop and must be quick; one that raises is
        logged once under ``folio.events`` and never breaks a read. With no subscriber, no
        event is built.
        """
        return self._events.subscribe(listener)

    # -- lifecycle ----------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every connection the plugins opened. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        # A stream left open (a ``break`` without ``aclosing``) must not read on closed clients.
        await cancel_and_wait(list(self._streamed), self._streamed)
        contexts = list(self._contexts.values())
        self._contexts.clear()
        self._balance_readers.clear()
        self._risk_readers.clear()
        self._price_books.close()
        results = await asyncio.gather(
            *(context.resources.aclose() for context in contexts), return_exceptions=True
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            msg = "some accounts' connections failed to close"
            raise BaseExceptionGroup(msg, errors)

    # -- accounts -----------------------------------------------------------------------

    @property
    def accounts(self) -> tuple[str, ...]:
        """Configured account names, in configuration order."""
        return tuple(self._accounts)

    def account(self, name: str) -> AccountConfig:
        """The configuration of account ``name``."""
        try:
            return self._accounts[name]
        except KeyError:
            known = ", ".join(self._accounts) or "none"
            msg = f"no account named {name!r} is configured (configured: {known})"
            raise UnknownAccountError(msg, account=name) from None

    def _on_own_loop(self) -> None:
        """Refuse a call from another event loop than the first call's.

        Readers hold connections, locks and rate limiters of the loop they were first used on;
        on another loop they fail deep inside a plugin, which would read as a plugin bug. The
        fix is the host's: one Folio per event loop, or SyncFolio from blocking code.
        """
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif loop is not self._loop:
            msg = (
                "this Folio was first used on another event loop, which owns its connections; "
                "create one Folio per event loop (inside the code that asyncio.run runs), or "
                "use framework.sync.SyncFolio from blocking code"
            )
            raise RuntimeError(msg)

    def _context(self, name: str) -> AccountContext:
        if self._closed:
            msg = "this Folio has been closed"
            raise RuntimeError(msg)
        context = self._contexts.get(name)
        if context is None:
            account = self.account(name)
            context = AccountContext(
                account, http=account.http_settings(self._http), events=self._events
            )
            self._contexts[name] = context
        return context

    # -- one account --------------------------------------------------------------------

    async def balances(self, account: str, wallet: WalletKind = WalletKind.CASH) -> BalanceSnapshot:
        """Read every balance of one wallet of one account.

        :raises framework.errors.FolioError: a subclass saying what went wrong and where.
        """
        wallet = WalletKind(wallet)
        self._on_own_loop()
        key = (account, wallet)
        reader = self._balance_readers.get(key)
        context = self._context(account)
        if reader is None:
            registry = self.plugins.registry
            reader = _located(lambda: registry.balance_reader(wallet, context), context)
            self._balance_readers[key] = reader
        # The reader is awaited here, not through a helper coroutine: a fan-out over
        # thousands of accounts pays for every layer (docs/performance.md).
        try:
            result = await reader.fetch_balances(wallet)
        except BaseException as exc:
            failure = _failed(exc, context)
            if failure is None:
                raise
            raise failure from exc
        snapshot = _checked(result, BalanceSnapshot, context)
        if snapshot.wallet is not wallet:  # never one wallet's balances shown as another's
            what = f"answered the {wallet.value} balances with {_wallet_named(snapshot.wallet)}"
            raise _plugin_bug(context.account, what)
        return snapshot

    async def risk(
        self, account: str, wallet: WalletKind | str | None = None
    ) -> MarginRisk:
        """Read the risk profile of one wallet of one account.

        ``wallet`` is one of the exchange's risk wallets (``Plugins.exchanges()``,
        ``risk_wallets``); ``None`` reads its default one (the first declared: ``margin`` on
        AscendEX and Binance, ``cash`` on a unified account), or for an account that lists its
        ``wallets``, the first declared that it lists. The answer's ``wallet`` is the
        wallet read (docs/host-api.md, "Risk per wallet").

        :raises framework.errors.UnsupportedCapabilityError: for a wallet whose risk the
            exchange does not serve.
        :raises framework.errors.FolioError: a subclass saying what went wrong and where.
        """
        asking = None if wallet is None else WalletKind(wallet)
        self._on_own_loop()
        context = self._context(account)
        known = self._risk_readers.get(account)
        if known is None:
            registry = self.plugins.registry
            service = _located(lambda: registry.risk_service(context.account.exchange), context)
            reader = _located(lambda: registry.risk_reader(context), context)
            known = self._risk_readers[account] = (reader, service)
        reader, service = known
        if asking is None:
            asking = _located(lambda: _account_default(context.account, service), context)
        asked = _located(lambda: service.wallet(asking), context)
        try:
            if service.takes_wallet:
                result = await cast(WalletRiskReader, reader).fetch_margin_risk(asked)
            else:
                result = await reader.fetch_margin_risk()
        except BaseException as exc:
            failure = _failed(exc, context)
            if failure is None:
                raise
            raise failure from exc
        risk = _checked(result, MarginRisk, context)
        if risk.wallet is not asked:
            msg = f"({service.plugin!r}) answered the risk of the {asked.value} wallet with"
            raise _plugin_bug(context.account, f"{msg} {_wallet_named(risk.wallet)}")
        return risk

    # -- prices (docs/host-api.md, "Valuation") -----------------------------------------

    async def price_book(self, account: str) -> PriceBook:
        """Read every public price of the account's exchange, at the account's ``base_url``.

        The book to value that account's holdings with (:func:`framework.valuation.value_in`).
        No credentials are needed: an account whose keys are missing still gets its prices.
        Accounts on one exchange and base URL share one reader, and concurrent calls one read.

        :raises framework.errors.FolioError: a subclass naming exchange, account and endpoint;
            :class:`~framework.errors.PluginContractError` when the plugin's answer is not a
            sequence of that exchange's prices, each pair once.
        """
        self._on_own_loop()
        context = self._context(account)
        try:
            return await self._price_books.read(context)
        except BaseException as exc:
            failure = _failed(exc, context)
            if failure is None:
                raise
            raise failure from exc

    def _price_reader(self, context: AccountContext) -> PriceReader:
        return _located(lambda: self.plugins.registry.price_reader(context), context)

    # -- every account ------------------------------------------------------------------

    async def all_balances(
        self, wallet: WalletKind = WalletKind.CASH, accounts: Iterable[str] | None = None
    ) -> FanOut[BalanceSnapshot]:
        """Read one wallet of many accounts concurrently; one failure never hides another."""
        return await self._fan_out(lambda name: self.balances(name, wallet), accounts)

    async def all_risk(
        self, accounts: Iterable[str] | None = None, *, wallet: WalletKind | str | None = None
    ) -> FanOut[MarginRisk]:
        """Read the risk profile of many accounts concurrently.

        ``wallet`` as in :meth:`risk`: ``None`` reads each account's default risk wallet; an
        account whose exchange does not serve the wallet's risk is an error result.
        """
        if wallet is not None:
            wallet = WalletKind(wallet)
        return await self._fan_out(lambda name: self.risk(name, wallet), accounts)

    # -- the whole portfolio (framework/portfolio.py) ------------------------------------

    async def account_portfolio(self, account: str) -> AccountPortfolio:
        """Read every wallet the account's exchange serves and its risks, concurrently.

        An account with a ``wallets`` list is read for those wallets only (and their risks).

        A failed part is recorded in ``failures`` (never raised, never dropped); an exchange
        no installed plugin serves is a failure of the whole account. An unknown ``account``
        raises :class:`~framework.errors.UnknownAccountError`, as :meth:`balances` does.
        """
        self._on_own_loop()
        support = {e.exchange: e for e in self.plugins.registry.exchanges()}
        return await read_account(self, account, support)

    async def portfolio(
        self, accounts: Iterable[str] | None = None, *, quote: str | None = None
    ) -> Portfolio:
        """Read every part of every account (or of ``accounts``) concurrently, with totals.

        Accounts are read as in :meth:`all_balances` (at most ``max_concurrency`` at a time),
        each with :meth:`account_portfolio`. With ``quote`` (``"USDT"``), each position is
        valued with the prices of its own exchange, read once per exchange and base URL
        (:meth:`price_book`) where something needs a price. Never raises for an account: every
        failed part is in :attr:`Portfolio.failures` (docs/host-api.md, "The whole portfolio").
        """
        self._on_own_loop()
        if quote is not None:
            quote = checked_quote(quote)
        names = dict.fromkeys(self._accounts if accounts is None else accounts)  # each once
        read = await self._fan_out(self.account_portfolio, names)
        return await self.assemble_portfolio(read, quote=quote)

    async def assemble_portfolio(
        self, read: Iterable[AccountResult[AccountPortfolio]], *, quote: str | None = None
    ) -> Portfolio:
        """The :class:`Portfolio` of accounts already read, valued in ``quote`` if given.

        ``read`` is what :meth:`stream_portfolio` yields (or :meth:`account_portfolio`'s values
        wrapped as results), in the order the portfolio should list them: a host that shows
        each account as it arrives assembles the whole from the same reads, and only the
        prices are read here. :meth:`portfolio` is this over a fan-out.
        """
        self._on_own_loop()
        found = found_accounts(read)
        if quote is None:
            return build_portfolio(found)
        quote = checked_quote(quote)
        priced = [
            support.exchange
            for support in self.plugins.registry.exchanges()
            if Capability.PRICES in support.capabilities
        ]
        plan = plan_prices(found, quote, self._accounts, priced)
        books = await self._fan_out(self.price_book, plan.groups)
        return build_portfolio(found, quote, books, plan)

    # -- every account, as each completes ------------------------------------------------

    def stream_balances(
        self, wallet: WalletKind = WalletKind.CASH, accounts: Iterable[str] | None = None
    ) -> AsyncGenerator[AccountResult[BalanceSnapshot], None]:
        """Yield each account's result of one wallet as soon as its read completes.

        The same reads as :meth:`all_balances` (isolation, ``max_concurrency``, unknown names
        as error results), in completion order. Stopping early cancels and awaits the reads
        still pending: at once with ``aclose()`` or ``contextlib.aclosing``, and after a bare
        ``break`` as soon as the generator is collected (docs/host-api.md, "Streaming").
        """
        wallet = WalletKind(wallet)
        return self._stream(lambda name: self.balances(name, wallet), accounts)

    def stream_risk(
        self, accounts: Iterable[str] | None = None, *, wallet: WalletKind | str | None = None
    ) -> AsyncGenerator[AccountResult[MarginRisk], None]:
        """Yield each account's risk result as soon as it completes (see above).

        ``wallet`` as in :meth:`all_risk`.
        """
        if wallet is not None:
            wallet = WalletKind(wallet)
        return self._stream(lambda name: self.risk(name, wallet), accounts)

    def stream_portfolio(
        self, accounts: Iterable[str] | None = None
    ) -> AsyncGenerator[AccountResult[AccountPortfolio], None]:
        """Yield each account's :meth:`account_portfolio` as soon as it completes (see above).

        An account whose parts failed is a value with ``failures``, as in :meth:`portfolio`;
        an error result is an account that could not be read at all (an unknown name).
        """
        return self._stream(self.account_portfolio, accounts)

    def _stream(
        self, read: Callable[[str], Awaitable[T]], accounts: Iterable[str] | None
    ) -> AsyncGenerator[AccountResult[T], None]:
        # An account named twice is read once: its balances counted twice would be a wrong
        # total (docs/host-api.md, "Results side by side").
        names = list(dict.fromkeys(self._accounts if accounts is None else accounts))
        return as_completed(
            names, lambda name: self._outcome(read, name), self._streamed, self._on_own_loop
        )

    async def _fan_out(
        self, read: Callable[[str], Awaitable[T]], accounts: Iterable[str] | None
    ) -> FanOut[T]:
        self._on_own_loop()
        # An account named twice is read once: its balances counted twice would be a wrong
        # total (docs/host-api.md, "Results side by side").
        names = list(dict.fromkeys(self._accounts if accounts is None else accounts))
        results = await asyncio.gather(*(self._outcome(read, name) for name in names))
        return FanOut[T](results)

    async def _outcome(self, read: Callable[[str], Awaitable[T]], name: str) -> AccountResult[T]:
        """One account's read in a fan-out or a stream: its folio error becomes its result.

        A host's cancellation and a non-``Exception`` (``KeyboardInterrupt``) go on.
        """
        limit = self._limit
        if limit is None:
            limit = self._limit = asyncio.Semaphore(self._http.max_concurrency)
        exchange = self._accounts[name].exchange if name in self._accounts else "unknown"
        try:
            async with limit:
                value = await read(name)
        except FolioError as exc:
            return AccountResult(name, exchange, error=exc)
        return AccountResult(name, exchange, value=value)


def _plugin_bug(account: AccountConfig, what: str) -> PluginContractError:
    # Only names and types are quoted: a third-party message may contain anything, secrets
    # included.
    msg = f"the {account.exchange} plugin {what} (a plugin bug)"
    return PluginContractError(msg, exchange=account.exchange, account=account.name)


def _out_of_memory(account: AccountConfig, exc: MemoryError) -> OutOfMemoryError:
    # Not a plugin bug: any code can be where the allocation that failed happened to be.
    said = f" ({exc})" if str(exc) else ""
    msg = f"the process ran out of memory (MemoryError{said}) while reading this account"
    return OutOfMemoryError(msg, exchange=account.exchange, account=account.name)


def _too_deep(account: AccountConfig, exc: RecursionError) -> RecursionLimitError:
    # Raised by the interpreter, not by plugin code: the input may be what nests too deeply.
    msg = (
        f"the read went deeper than Python's recursion limit ({type(exc).__name__}): an answer "
        "nested too deeply, or code recursing without end; not retried"
    )
    return RecursionLimitError(msg, exchange=account.exchange, account=account.name)


def _not_ours(account: AccountConfig) -> ReadCancelledError:
    msg = (
        "the read ended in CancelledError although this call was not cancelled: something "
        "it waited on was cancelled (a shared read whose caller was cancelled, or a task of "
        "the plugin); reading again may succeed"
    )
    return ReadCancelledError(msg, exchange=account.exchange, account=account.name)


def _not_folio(account: AccountConfig, exc: Exception, what: str) -> FolioError:
    """The folio error for a non-folio exception out of a plugin's call.

    Running out of memory and the recursion limit are the interpreter's, whatever code was
    running; anything else plugin code raised is a plugin bug (``what`` says how it failed).
    """
    if isinstance(exc, MemoryError):
        return _out_of_memory(account, exc)
    if isinstance(exc, RecursionError):
        return _too_deep(account, exc)
    return _plugin_bug(account, what)


def _cancelled_by_host() -> bool:
    """Whether the running task itself is being cancelled (by the host or a timeout)."""
    task = asyncio.current_task()
    return task is None or task.cancelling() > 0


def _account_default(account: AccountConfig, service: RiskService) -> WalletKind:
    """The risk wallet a read without one means for ``account`` (its ``wallets`` key)."""
    wallet = account.default_risk_wallet(service.wallets)
    if wallet is None:
        listed = ", ".join(w.value for w in account.wallets or ())
        served = ", ".join(w.value for w in service.wallets)
        msg = (f"the account lists no wallet with a risk profile (its wallets: {listed}; "
               f"{account.exchange}'s risk wallets: {served})")
        raise UnsupportedCapabilityError(msg, exchange=account.exchange)
    return wallet


def _located(build: Callable[[], T], context: AccountContext) -> T:
    """Run ``build``; errors leave it typed and completed with the account's location."""
    account = context.account
    try:
        return build()
    except FolioError as exc:
        exc.located(exchange=account.exchange, account=account.name)
        raise
    except Exception as exc:
        raise _not_folio(
            account, exc, f"failed to build a reader: {type(exc).__name__}"
        ) from exc


def _failed(exc: BaseException, context: AccountContext) -> FolioError | None:
    """The error a reader call's exception becomes, or ``None`` to let it go on as it is.

    Whatever the plugin raised, a plugin bug must not escape a fan-out as an untyped exception
    (which would hide every other account's result). Only what plugin code raised is labelled
    a plugin bug: running out of memory, the recursion limit and a cancellation that did not
    come from the host are reported as what they are (docs/host-api.md). A folio error goes on
    located; a cancellation of this call, and anything that is not an ``Exception``
    (``KeyboardInterrupt``), go on untouched.
    """
    account = context.account
    if isinstance(exc, FolioError):
        exc.located(exchange=account.exchange, account=account.name)
        return None
    if isinstance(exc, asyncio.CancelledError):
        # A cancellation of this call is the host's and goes on; one that came from inside
        # the read is that account's failure, not the end of a fan-out over every account.
        return None if _cancelled_by_host() else _not_ours(account)
    if isinstance(exc, Exception):
        return _not_folio(account, exc, f"failed with {type(exc).__name__}")
    return None


def _wallet_named(wallet: object) -> str:
    """A plugin's wallet in a message: its kind, or only its type (never its text)."""
    if isinstance(wallet, WalletKind):
        return f"that of the {wallet.value} wallet"
    return f"a {type(wallet).__name__} as its wallet"


def _checked(result: object, expected: type[T], context: AccountContext) -> T:
    """``result`` if it is what the reader promised, else a typed plugin-bug error."""
    if not isinstance(result, expected):
        raise _plugin_bug(
            context.account, f"returned {type(result).__name__}, not a {expected.__name__}"
        )
    return result
