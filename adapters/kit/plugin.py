"""The hooks every bundled exchange plugin wrote out: its readers, wallets and demo simulator.

An exchange's plugin module (``plugins/<exchange>.py``, docs/plugins.md, "The adapter kit",
step 9) said the same things each time: which wallets it reads balances and risk of, that the
account's one client (built by :func:`~adapters.kit.client.account_client`, shared by the
balance and risk hooks) reads them, that a keyless client prices its holdings, and how its
embedded simulator starts with the demo account's credentials. :class:`ExchangeHooks` holds
those facts; its methods are the hook implementations, and the plugin module names the ones it
serves (``folio_balance_reader = HOOKS.folio_balance_reader``): pluggy registers the module
and finds them as it finds functions, so the plugin still uses the public hooks only.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import attrs

from adapters.kit.client import account_client
from framework.credentials import Credentials
from framework.hookspecs import hookimpl
from framework.models import WalletKind
from framework.providers import AccountContext, DemoEndpoint, Simulator, SimulatorHandle

__all__ = ["DemoSimulator", "ExchangeHooks"]


@attrs.frozen
class DemoSimulator:
    """An embedded simulator serving a demo account, as ``folio demo`` and ``simulate`` start it.

    ``demo`` imports the simulator (hosts that never start one do not load it) and returns it
    with the demo account's credentials; control routes are on, so a host under test stages
    faults and reads counters of a simulator it did not start (``/__simulator__``).
    """

    description: str
    demo: Callable[[], tuple[Any, Credentials]]
    key_env: str
    secret_env: str
    passphrase_env: str | None = None

    def simulator(self, exchange: str) -> Simulator:
        """The :class:`~framework.providers.Simulator` the ``folio_simulators`` hook returns."""

        @contextmanager
        def start(host: str, port: int) -> Iterator[SimulatorHandle]:
            simulator, credentials = self.demo()
            with simulator.serve(host=host, port=port, control=True) as running:
                yield DemoEndpoint(exchange, running.url, credentials, self.key_env,
                                   self.secret_env, control_url=f"{running.url}/__simulator__",
                                   passphrase_env=self.passphrase_env)

        return Simulator(exchange=exchange, description=self.description, start=start)


@attrs.frozen
class ExchangeHooks:
    """One exchange's reader hooks; see the module docstring.

    ``client`` and ``options`` are the signed client and options classes
    :func:`~adapters.kit.client.account_client` builds per account (``reader`` replaces that
    when an account's reads go to more than one client), ``prices`` the keyless price client.
    """

    exchange: str
    client: Callable[..., Any]
    options: Any
    default_url: str
    balance_wallets: tuple[WalletKind, ...]
    risk_wallets: tuple[WalletKind, ...] = ()
    prices: Callable[..., Any] | None = None
    reader: Callable[[AccountContext], Any] | None = None
    simulator: DemoSimulator | None = None

    def _reader(self, exchange: str, context: AccountContext) -> Any:
        if exchange != self.exchange:
            return None
        if self.reader is not None:
            return self.reader(context)
        return account_client(context, self.exchange, self.client, self.options,
                              self.default_url)

    @hookimpl
    def folio_balance_wallets(self) -> Mapping[str, Collection[WalletKind]]:
        """The wallets whose balances the exchange's accounts are read for."""
        return {self.exchange: self.balance_wallets}

    @hookimpl
    def folio_balance_reader(self, exchange: str, context: AccountContext) -> Any:
        """The account's reader (its one client, shared with the risk hook)."""
        return self._reader(exchange, context)

    @hookimpl
    def folio_risk_wallets(self) -> Mapping[str, Sequence[WalletKind]]:
        """The wallets whose risk is read, the exchange's default first."""
        return {self.exchange: self.risk_wallets}

    @hookimpl
    def folio_risk_reader(self, exchange: str, context: AccountContext) -> Any:
        """The account's reader, which also reads the risk of the wallet asked for."""
        return self._reader(exchange, context)

    @hookimpl
    def folio_price_exchanges(self) -> Collection[str]:
        """The exchange's public tickers price the holdings of its accounts."""
        return (self.exchange,)

    @hookimpl
    def folio_price_reader(self, exchange: str, context: AccountContext) -> Any:
        """The account's price reader: its base URL and HTTP settings, never its credentials."""
        if exchange != self.exchange or self.prices is None:
            return None
        return account_client(context, self.exchange, self.prices, self.options,
                              self.default_url, keyless=True)

    @hookimpl
    def folio_simulators(self) -> Sequence[Simulator]:
        """The exchange's embedded simulator, serving its demo account."""
        return () if self.simulator is None else (self.simulator.simulator(self.exchange),)
