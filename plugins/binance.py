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

from typing import Any, Final

from adapters.binance import DEFAULT_BASE_URL, AsyncBinanceClient, BinancePrices
from adapters.binance_futures import (
    AsyncBinanceFuturesClient,
    BinanceAccountReader,
    BinanceFuturesOptions,
)
from adapters.kit.client import account_client
from adapters.kit.plugin import DemoSimulator, ExchangeHooks
from framework.credentials import Credentials
from framework.models import WalletKind
from framework.providers import AccountContext

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


def _demo() -> tuple[Any, Credentials]:
    from adapters.binance.simulator import (  # noqa: PLC0415
        DEMO_API_KEY,
        DEMO_API_SECRET,
        BinanceSimulator,
    )

    # The demo account, not the documentation's sample (4.7 million BTC and unpriced LTC): a
    # new user's first portfolio must be believable and wholly valued (simulator/demo.py).
    return BinanceSimulator.demo(), Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)


HOOKS: Final = ExchangeHooks(
    EXCHANGE, AsyncBinanceClient, BinanceFuturesOptions, DEFAULT_BASE_URL,
    balance_wallets=(WalletKind.CASH, WalletKind.MARGIN, WalletKind.FUTURES),
    risk_wallets=(WalletKind.MARGIN, WalletKind.FUTURES),  # cross margin is the default
    prices=BinancePrices, reader=_reader,  # each wallet to the client of its host
    simulator=DemoSimulator(
        "Binance spot, cross-margin and USD-M futures REST simulator with a demo account",
        _demo, KEY_ENV, SECRET_ENV),
)
folio_balance_wallets = HOOKS.folio_balance_wallets
folio_balance_reader = HOOKS.folio_balance_reader
folio_risk_wallets = HOOKS.folio_risk_wallets
folio_risk_reader = HOOKS.folio_risk_reader
folio_price_exchanges = HOOKS.folio_price_exchanges
folio_price_reader = HOOKS.folio_price_reader
folio_simulators = HOOKS.folio_simulators
