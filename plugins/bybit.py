"""The Bybit plugin: hands :mod:`adapters.bybit` to folio's core through its hooks.

Registered under the ``folio`` entry-point group as ``bybit``. Bybit's unified trading account
holds spot, margin and derivatives in one wallet with one account-wide margin ratio: it is
served as the ``cash`` wallet, for balances and for risk (``folio_risk_wallets``). One
:class:`~adapters.bybit.AsyncBybitClient` per account is shared by both readers and closed by
the core; public spot prices are read by a keyless :class:`~adapters.bybit.BybitPrices`. It
also ships the embedded simulator ``folio demo`` and ``folio simulate bybit`` start
(docs/exchanges/bybit.md).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Final

from adapters.bybit import DEFAULT_BASE_URL, AsyncBybitClient, BybitOptions, BybitPrices
from adapters.kit.client import account_client
from framework.credentials import Credentials
from framework.hookspecs import hookimpl
from framework.models import WalletKind
from framework.providers import AccountContext, DemoEndpoint, Simulator, SimulatorHandle

EXCHANGE: Final = "bybit"
KEY_ENV: Final = "BYBIT_SIM_API_KEY"
SECRET_ENV: Final = "BYBIT_SIM_API_SECRET"  # noqa: S105 - a variable name


def _client(context: AccountContext) -> AsyncBybitClient:
    return account_client(context, EXCHANGE, AsyncBybitClient, BybitOptions, DEFAULT_BASE_URL)


@hookimpl
def folio_balance_wallets() -> Mapping[str, Collection[WalletKind]]:
    """Bybit balances: the unified trading account, served as ``cash``."""
    return {EXCHANGE: (WalletKind.CASH,)}


@hookimpl
def folio_balance_reader(exchange: str, context: AccountContext) -> AsyncBybitClient | None:
    """The account's Bybit client, which reads balances."""
    return _client(context) if exchange == EXCHANGE else None


@hookimpl
def folio_risk_wallets() -> Mapping[str, Sequence[WalletKind]]:
    """Bybit's risk pool is the unified account, the ``cash`` wallet."""
    return {EXCHANGE: (WalletKind.CASH,)}


@hookimpl
def folio_risk_reader(exchange: str, context: AccountContext) -> AsyncBybitClient | None:
    """The account's Bybit client, which also reads its risk (``fetch_margin_risk(wallet)``)."""
    return _client(context) if exchange == EXCHANGE else None


@hookimpl
def folio_price_exchanges() -> Collection[str]:
    """Bybit's public spot tickers price the holdings of its accounts."""
    return (EXCHANGE,)


@hookimpl
def folio_price_reader(exchange: str, context: AccountContext) -> BybitPrices | None:
    """The account's price reader: its base URL and HTTP settings, never its credentials."""
    if exchange != EXCHANGE:
        return None
    return account_client(context, EXCHANGE, BybitPrices, BybitOptions, DEFAULT_BASE_URL,
                          keyless=True)


@contextmanager
def _serve(host: str, port: int) -> Iterator[SimulatorHandle]:
    # Imported here: hosts that never start a simulator do not pay for loading it.
    from adapters.bybit.simulator import (  # noqa: PLC0415
        DEMO_API_KEY,
        DEMO_API_SECRET,
        BybitSimulator,
    )

    with BybitSimulator.demo().serve(host=host, port=port, control=True) as running:
        credentials = Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)
        yield DemoEndpoint(EXCHANGE, running.url, credentials, KEY_ENV, SECRET_ENV,
                           control_url=f"{running.url}/__simulator__")


@hookimpl
def folio_simulators() -> Sequence[Simulator]:
    """The embedded Bybit simulator, serving a unified account every ticker values."""
    return (
        Simulator(
            exchange=EXCHANGE,
            description="Bybit v5 unified trading account REST simulator with a demo account",
            start=_serve,
        ),
    )
