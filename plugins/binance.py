"""The Binance plugin: hands :mod:`adapters.binance` to folio's core through its hooks.

Registered under the ``folio`` entry-point group as ``binance``. It serves the spot (``cash``),
cross-margin (``margin``) and USD-M futures (``futures``) balances, and the risk of the margin
and the futures wallets (``folio_risk_wallets``; ``margin`` is the default). Each account's
reads go through one :class:`~adapters.binance_futures.BinanceAccountReader`: spot and margin
to the account's :class:`~adapters.binance.AsyncBinanceClient`, futures to its
:class:`~adapters.binance_futures.AsyncBinanceFuturesClient` (the futures host, its own weight
budget and signing clock); each client is built once, on first use, and closed by the core
when the host closes.
Public last prices (valuation) are read by a :class:`~adapters.binance.BinancePrices` per
account, built without its credentials. It also ships the embedded simulator that
``folio demo`` and ``folio simulate binance`` start, serving the simulator's demo account
(adapters/binance/simulator/demo.py) rather than the documentation's sample.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Final

from adapters.binance import DEFAULT_BASE_URL, AsyncBinanceClient, BinancePrices
from adapters.binance_futures import (
    AsyncBinanceFuturesClient,
    BinanceAccountReader,
    BinanceFuturesOptions,
)
from adapters.kit.client import account_client
from framework.credentials import Credentials
from framework.hookspecs import hookimpl
from framework.models import WalletKind
from framework.providers import AccountContext, DemoEndpoint, Simulator, SimulatorHandle

EXCHANGE: Final = "binance"
KEY_ENV: Final = "BINANCE_SIM_API_KEY"
SECRET_ENV: Final = "BINANCE_SIM_API_SECRET"  # noqa: S105 - a variable name


FUTURES_RESOURCE: Final = "binance/futures"
"""The account resource key of its futures client (the spot client's is ``binance``)."""


def _reader(context: AccountContext) -> BinanceAccountReader:
    return BinanceAccountReader(
        spot=account_client(context, EXCHANGE, AsyncBinanceClient, BinanceFuturesOptions,
                            DEFAULT_BASE_URL),
        # One options table for the account, futures options included (read by each client);
        # the spot base URL is passed on: the futures client derives its host from it
        # (adapters/binance_futures/client.py, futures_url).
        futures=lambda: account_client(context, FUTURES_RESOURCE, AsyncBinanceFuturesClient,
                                       BinanceFuturesOptions, DEFAULT_BASE_URL),
    )


@hookimpl
def folio_balance_wallets() -> Mapping[str, Collection[WalletKind]]:
    """Binance balances: spot (as ``cash``), cross margin and USD-M futures."""
    return {EXCHANGE: (WalletKind.CASH, WalletKind.MARGIN, WalletKind.FUTURES)}


@hookimpl
def folio_balance_reader(exchange: str, context: AccountContext) -> BinanceAccountReader | None:
    """The account's reader: each wallet to the client of its host."""
    return _reader(context) if exchange == EXCHANGE else None


@hookimpl
def folio_risk_wallets() -> Mapping[str, Sequence[WalletKind]]:
    """Binance risk: the cross-margin account (the default) and the USD-M futures account."""
    return {EXCHANGE: (WalletKind.MARGIN, WalletKind.FUTURES)}


@hookimpl
def folio_risk_reader(exchange: str, context: AccountContext) -> BinanceAccountReader | None:
    """The account's reader, which reads the risk of the wallet asked for."""
    return _reader(context) if exchange == EXCHANGE else None


@hookimpl
def folio_price_exchanges() -> Collection[str]:
    """Binance's public spot ticker prices the holdings of its accounts."""
    return (EXCHANGE,)


@hookimpl
def folio_price_reader(exchange: str, context: AccountContext) -> BinancePrices | None:
    """The account's price reader: its base URL and HTTP settings, never its credentials."""
    if exchange != EXCHANGE:
        return None
    return account_client(
        context, EXCHANGE, BinancePrices, BinanceFuturesOptions, DEFAULT_BASE_URL, keyless=True
    )


@contextmanager
def _serve(host: str, port: int) -> Iterator[SimulatorHandle]:
    # Imported here: hosts that never start a simulator do not pay for loading it.
    from adapters.binance.simulator import (  # noqa: PLC0415
        DEMO_API_KEY,
        DEMO_API_SECRET,
        BinanceSimulator,
    )

    # Control routes on, as for AscendEX: a host under test stages faults and reads counters
    # of a simulator it did not start (POST /__simulator__/faults, GET .../stats).
    # The demo account, not the documentation's sample (4.7 million BTC and unpriced LTC): a
    # new user's first portfolio must be believable and wholly valued (simulator/demo.py).
    with BinanceSimulator.demo().serve(host=host, port=port, control=True) as running:
        credentials = Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)
        yield DemoEndpoint(EXCHANGE, running.url, credentials, KEY_ENV, SECRET_ENV,
                           control_url=f"{running.url}/__simulator__")


@hookimpl
def folio_simulators() -> Sequence[Simulator]:
    """The embedded Binance simulator, serving a modest demo account every ticker values."""
    return (
        Simulator(
            exchange=EXCHANGE,
            description="Binance spot, cross-margin and USD-M futures REST simulator with a demo "
            "account",
            start=_serve,
        ),
    )
