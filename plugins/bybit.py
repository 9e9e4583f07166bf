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

from typing import Any, Final

from adapters.bybit import DEFAULT_BASE_URL, AsyncBybitClient, BybitOptions, BybitPrices
from adapters.kit.plugin import DemoSimulator, ExchangeHooks
from framework.credentials import Credentials
from framework.models import WalletKind

EXCHANGE: Final = "bybit"
KEY_ENV: Final = "BYBIT_SIM_API_KEY"
SECRET_ENV: Final = "BYBIT_SIM_API_SECRET"  # noqa: S105 - a variable name


def _demo() -> tuple[Any, Credentials]:
    from adapters.bybit.simulator import (  # noqa: PLC0415
        DEMO_API_KEY,
        DEMO_API_SECRET,
        BybitSimulator,
    )

    return BybitSimulator.demo(), Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)


HOOKS: Final = ExchangeHooks(
    EXCHANGE, AsyncBybitClient, BybitOptions, DEFAULT_BASE_URL,
    # The unified trading account is Bybit's one wallet and one risk pool: served as cash.
    balance_wallets=(WalletKind.CASH,), risk_wallets=(WalletKind.CASH,), prices=BybitPrices,
    simulator=DemoSimulator(
        "Bybit v5 unified trading account REST simulator with a demo account", _demo, KEY_ENV,
        SECRET_ENV),
)
folio_balance_wallets = HOOKS.folio_balance_wallets
folio_balance_reader = HOOKS.folio_balance_reader
folio_risk_wallets = HOOKS.folio_risk_wallets
folio_risk_reader = HOOKS.folio_risk_reader
folio_price_exchanges = HOOKS.folio_price_exchanges
folio_price_reader = HOOKS.folio_price_reader
folio_simulators = HOOKS.folio_simulators
