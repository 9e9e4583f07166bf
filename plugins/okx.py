"""The OKX plugin: hands :mod:`adapters.okx` to folio's core through its hooks.

Registered under the ``folio`` entry-point group as ``okx``. It serves OKX's trading account
(the unified account: spot, margin and derivatives in one wallet) as the ``cash`` wallet, and
that wallet's risk profile; one :class:`~adapters.okx.AsyncOkxClient` per account is shared by
both readers and closed by the core when the host closes. Public spot prices are read by an
:class:`~adapters.okx.OkxPrices` per account, built without its credentials. It also ships the
embedded simulator ``folio demo`` and ``folio simulate okx`` start, serving its demo account
(adapters/okx/simulator/demo.py); docs/exchanges/okx.md says how each figure is read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Final

from adapters.kit.client import account_client
from adapters.okx import DEFAULT_BASE_URL, AsyncOkxClient, OkxOptions, OkxPrices
from framework.credentials import Credentials
from framework.hookspecs import hookimpl
from framework.models import WalletKind
from framework.providers import AccountContext, DemoEndpoint, Simulator, SimulatorHandle

EXCHANGE: Final = "okx"
KEY_ENV: Final = "OKX_SIM_API_KEY"
SECRET_ENV: Final = "OKX_SIM_API_SECRET"  # noqa: S105 - a variable name
PASSPHRASE_ENV: Final = "OKX_SIM_API_PASSPHRASE"  # noqa: S105 - a variable name


def _client(context: AccountContext) -> AsyncOkxClient:
    return account_client(context, EXCHANGE, AsyncOkxClient, OkxOptions, DEFAULT_BASE_URL)


@hookimpl
def folio_balance_wallets() -> Mapping[str, Collection[WalletKind]]:
    """OKX's trading account, served as the ``cash`` wallet."""
    return {EXCHANGE: (WalletKind.CASH,)}


@hookimpl
def folio_balance_reader(exchange: str, context: AccountContext) -> AsyncOkxClient | None:
    """The account's OKX client, which reads the trading account."""
    return _client(context) if exchange == EXCHANGE else None


@hookimpl
def folio_risk_wallets() -> Mapping[str, Sequence[WalletKind]]:
    """The trading account's risk: the ``cash`` wallet's (one pool, in USD)."""
    return {EXCHANGE: (WalletKind.CASH,)}


@hookimpl
def folio_risk_reader(exchange: str, context: AccountContext) -> AsyncOkxClient | None:
    """The account's OKX client, which also reads the risk profile."""
    return _client(context) if exchange == EXCHANGE else None


@hookimpl
def folio_price_exchanges() -> Collection[str]:
    """OKX's public spot tickers price the holdings of its accounts."""
    return (EXCHANGE,)


@hookimpl
def folio_price_reader(exchange: str, context: AccountContext) -> OkxPrices | None:
    """The account's price reader: its base URL and HTTP settings, never its credentials."""
    if exchange != EXCHANGE:
        return None
    return account_client(context, EXCHANGE, OkxPrices, OkxOptions, DEFAULT_BASE_URL,
                          keyless=True)


@contextmanager
def _serve(host: str, port: int) -> Iterator[SimulatorHandle]:
    # Imported here: hosts that never start a simulator do not pay for loading it.
    from adapters.okx.simulator import (  # noqa: PLC0415
        DEMO_API_KEY,
        DEMO_API_SECRET,
        DEMO_PASSPHRASE,
        OkxSimulator,
    )

    with OkxSimulator.demo().serve(host=host, port=port, control=True) as running:
        credentials = Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSPHRASE)
        yield DemoEndpoint(EXCHANGE, running.url, credentials, KEY_ENV, SECRET_ENV,
                           control_url=f"{running.url}/__simulator__",
                           passphrase_env=PASSPHRASE_ENV)


@hookimpl
def folio_simulators() -> Sequence[Simulator]:
    """The embedded OKX simulator, serving a Multi-currency margin demo account."""
    return (
        Simulator(
            exchange=EXCHANGE,
            description="OKX (API v5) trading-account REST simulator with a demo account",
            start=_serve,
        ),
    )
