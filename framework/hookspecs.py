"""The hooks an exchange plugin implements (pluggy project name ``folio``).

A plugin is any module or object registered under the ``folio`` entry-point group whose
functions are marked with :data:`hookimpl` and named like the methods below. It implements the
spec classes it needs: :class:`BalanceProvider` to serve balances, :class:`RiskProvider` to
serve margin risk, :class:`PriceProvider` to serve public prices (valuation),
:class:`SimulatorProvider` to ship an offline simulator.

Design rules, and why:

* **Hooks never do I/O.** pluggy calls hooks synchronously and aborts the whole call on the
  first exception. A hook returns a *reader*; the core awaits the reader's ``async`` methods
  itself, one task per account, so one slow or broken account never blocks or breaks another.
* **One exchange, one owner.** Each plugin *declares* the exchanges it serves
  (``folio_balance_wallets``, ``folio_risk_exchanges`` or ``folio_risk_wallets``). The core
  maps every exchange name to the single plugin that declared it and calls only that plugin's
  reader hooks; two plugins declaring the same exchange is a reported conflict, never a silent
  winner by load order.
* **Readers live as long as the host.** A reader (and the HTTP client behind it, opened through
  :meth:`framework.providers.AccountContext.resource`) is created on the account's first use
  and reused, so connections stay alive; the core closes them when the host closes.
* **Arguments may grow.** pluggy passes an implementation only the arguments it names, so new
  context can be added to a spec later without breaking existing plugins.

Example plugin (the whole of it)::

    from framework.hookspecs import hookimpl
    from framework.models import WalletKind

    @hookimpl
    def folio_balance_wallets():
        return {"myexchange": [WalletKind.CASH]}

    @hookimpl
    def folio_balance_reader(exchange, context):
        if exchange != "myexchange":
            return None
        return MyExchangeReader(context)   # has: async def fetch_balances(self, wallet)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Protocol, runtime_checkable

import pluggy

from framework.models import MarginRisk, WalletKind
from framework.prices import PriceReader
from framework.providers import AccountContext, BalanceReader, RiskReader, Simulator

__all__ = [
    "PROJECT_NAME",
    "BalanceProvider",
    "PriceProvider",
    "RiskProvider",
    "SimulatorProvider",
    "WalletRiskReader",
    "hookimpl",
]

PROJECT_NAME = "folio"

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marks a plugin function as the implementation of the hook of the same name."""

_hookspec = pluggy.HookspecMarker(PROJECT_NAME)


class BalanceProvider:
    """Hooks of a plugin that reads account balances."""

    @_hookspec
    def folio_balance_wallets(self) -> Mapping[str, Collection[WalletKind]]:
        """Declare the exchanges this plugin reads balances from, and which wallets of each.

        Called once per host, when plugins are loaded. Must be cheap and free of I/O.

        :returns: a mapping from exchange name (lower case, e.g. ``"ascendex"``) to the wallet
            kinds served there. Each exchange named here must be answered by
            :meth:`folio_balance_reader`.

        All plugins are asked; the answers are combined. An exchange declared by two plugins is
        reported as a conflict and served by neither until one is blocked.

        .. versionadded:: 0.1
        """
        raise NotImplementedError

    @_hookspec(firstresult=True)
    def folio_balance_reader(
        self, exchange: str, context: AccountContext
    ) -> BalanceReader | None:
        """Return the object that reads balances for one account of ``exchange``.

        Called at most once per account, wallet kind and host, on the first read of that
        wallet; the reader is then reused for the host's lifetime (return the same object for
        every wallet of an account to share one connection pool, as the AscendEX plugin does).
        Must not do I/O: open HTTP clients lazily or through ``context.resource(...)`` so the
        core closes them.

        :param exchange: the account's exchange, one the plugin declared in
            :meth:`folio_balance_wallets`.
        :param context: the account's configuration, credentials, HTTP settings and resources.
        :returns: a :class:`framework.providers.BalanceReader`, or ``None`` if ``exchange`` is
            not this plugin's (the core only asks the declaring plugin, but a plugin must
            still answer ``None`` for names it does not own).
        :raises framework.errors.ConfigurationError: when the account's ``options`` or
            ``base_url`` are invalid for the exchange; the message names the key.

        Stops at the first non-``None`` result.

        .. versionadded:: 0.1
        """
        raise NotImplementedError


class RiskProvider:
    """Hooks of a plugin that reads margin risk profiles."""

    @_hookspec
    def folio_risk_exchanges(self) -> Collection[str]:
        """Declare the exchanges for which this plugin reads the margin wallet's risk profile.

        Called once per host, when plugins are loaded. Must be cheap and free of I/O. The
        reader's ``fetch_margin_risk()`` is called without argument and reads the ``margin``
        wallet's risk; an exchange with another risk wallet is declared through
        :meth:`folio_risk_wallets` instead.

        :returns: exchange names (lower case). Conflicts are handled as for balances.

        .. versionadded:: 0.1
        """
        raise NotImplementedError

    @_hookspec
    def folio_risk_wallets(self) -> Mapping[str, Sequence[WalletKind]]:
        """Declare the exchanges whose risk this plugin reads, and of which wallets.

        The per-wallet form of :meth:`folio_risk_exchanges`, for an exchange whose risk pool is
        not the margin wallet (a unified account's, served as ``cash``) or that has several (a
        margin wallet and a futures wallet). A plugin declaring an exchange here gets its
        reader's ``fetch_margin_risk(wallet)`` called with the wallet asked for
        (:class:`WalletRiskReader`), and must answer with a
        :class:`~framework.models.MarginRisk` of that ``wallet``. Called once per host, when
        plugins are loaded. Must be cheap and free of I/O.

        :returns: a mapping from exchange name (lower case) to the wallet kinds whose risk is
            served there, in order: the first is the exchange's default risk wallet (what
            ``Folio.risk(account)`` reads without a wallet). Declaring an exchange both here
            and in :meth:`folio_risk_exchanges` is a declaration error reported against the
            plugin, as is an answer that is not such a mapping (an unordered set, an empty
            sequence, a wallet named twice, something that is not a wallet kind).

        Conflicts between plugins are handled as for balances.

        .. versionadded:: 0.3
        """
        raise NotImplementedError

    @_hookspec(firstresult=True)
    def folio_risk_reader(self, exchange: str, context: AccountContext) -> RiskReader | None:
        """Return the object that reads the margin risk profile for one account.

        Same contract as :meth:`BalanceProvider.folio_balance_reader`; a plugin that serves
        both should share one HTTP client per account through ``context.resource``. One reader
        serves every risk wallet of the account.

        :returns: a :class:`framework.providers.RiskReader` (for an exchange declared in
            :meth:`folio_risk_exchanges`) or a :class:`WalletRiskReader` (declared in
            :meth:`folio_risk_wallets`), or ``None`` for an exchange that is not this
            plugin's.
        :raises framework.errors.ConfigurationError: on invalid account options.

        Stops at the first non-``None`` result.

        .. versionadded:: 0.1
        """
        raise NotImplementedError


@runtime_checkable
class WalletRiskReader(Protocol):
    """The reader of an exchange declared in :meth:`RiskProvider.folio_risk_wallets`."""

    async def fetch_margin_risk(self, wallet: WalletKind) -> MarginRisk:
        """Read the risk profile of ``wallet`` now, one the plugin declared for the exchange.

        The answer's ``wallet`` is ``wallet`` (the core refuses another as a plugin bug); raise
        a :class:`framework.errors.FolioError` subclass on failure.
        """
        ...


class PriceProvider:
    """Hooks of a plugin that reads an exchange's public prices (no keys needed)."""

    @_hookspec
    def folio_price_exchanges(self) -> Collection[str]:
        """Declare the exchanges whose public prices this plugin reads.

        Called once per host, when plugins are loaded. Must be cheap and free of I/O.

        :returns: exchange names (lower case). Conflicts are handled as for balances.

        .. versionadded:: 0.2
        """
        raise NotImplementedError

    @_hookspec(firstresult=True)
    def folio_price_reader(self, exchange: str, context: AccountContext) -> PriceReader | None:
        """Return the object that reads public prices of ``exchange``.

        ``context`` is that of an account on the exchange: the reader uses its ``base_url``
        and HTTP settings (prices of the exchange that account lives on, the simulator's for a
        simulated account) but must never use, or require, its credentials: ticker endpoints
        are public, and an account whose keys are missing still has its holdings valued.
        Must not do I/O; same lifetime rules as :meth:`BalanceProvider.folio_balance_reader`.

        :returns: a :class:`framework.prices.PriceReader`, or ``None`` for an exchange that is
            not this plugin's.

        Stops at the first non-``None`` result.

        .. versionadded:: 0.2
        """
        raise NotImplementedError


class SimulatorProvider:
    """Hooks of a plugin that ships an offline simulator of its exchange."""

    @_hookspec
    def folio_simulators(self) -> Sequence[Simulator]:
        """Return the simulators this plugin ships (used by ``folio simulate`` and ``demo``).

        Called when the command line needs them. Must be cheap: starting happens later.

        .. versionadded:: 0.1
        """
        raise NotImplementedError


SPEC_CLASSES: tuple[type, ...] = (
    BalanceProvider,
    RiskProvider,
    PriceProvider,
    SimulatorProvider,
)
"""Every spec class, in the order the core registers them."""
