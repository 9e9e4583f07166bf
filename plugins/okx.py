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

from typing import Any, Final

from adapters.kit.plugin import DemoSimulator, ExchangeHooks
from adapters.okx import DEFAULT_BASE_URL, AsyncOkxClient, OkxOptions, OkxPrices
from framework.credentials import Credentials
from framework.models import WalletKind

EXCHANGE: Final = "okx"
KEY_ENV: Final = "OKX_SIM_API_KEY"
SECRET_ENV: Final = "OKX_SIM_API_SECRET"  # noqa: S105 - a variable name
PASSPHRASE_ENV: Final = "OKX_SIM_API_PASSPHRASE"  # noqa: S105 - a variable name


def _demo() -> tuple[Any, Credentials]:
    from adapters.okx.simulator import (  # noqa: PLC0415
        DEMO_API_KEY,
        DEMO_API_SECRET,
        DEMO_PASSPHRASE,
        OkxSimulator,
    )

    credentials = Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSPHRASE)
    return OkxSimulator.demo(), credentials


HOOKS: Final = ExchangeHooks(
    EXCHANGE, AsyncOkxClient, OkxOptions, DEFAULT_BASE_URL,
    # The trading account, served as cash, and its one risk pool (in USD).
    balance_wallets=(WalletKind.CASH,), risk_wallets=(WalletKind.CASH,), prices=OkxPrices,
    simulator=DemoSimulator("OKX (API v5) trading-account REST simulator with a demo account",
                            _demo, KEY_ENV, SECRET_ENV, PASSPHRASE_ENV),
)
folio_balance_wallets = HOOKS.folio_balance_wallets
folio_balance_reader = HOOKS.folio_balance_reader
folio_risk_wallets = HOOKS.folio_risk_wallets
folio_risk_reader = HOOKS.folio_risk_reader
folio_price_exchanges = HOOKS.folio_price_exchanges
folio_price_reader = HOOKS.folio_price_reader
folio_simulators = HOOKS.folio_simulators
