"""The AscendEX plugin: hands :mod:`adapters.ascendex` to folio's core through its hooks.

Registered under the ``folio`` entry-point group as ``ascendex``. It serves cash and margin
balances, the margin risk profile and public spot prices. One
:class:`~adapters.ascendex.AsyncAscendexClient` per account is shared by the balance and risk
readers (one connection pool, one cached account group) and closed by the core when the host
closes; prices come from a keyless reader of its own (:func:`~adapters.ascendex.public_prices`),
so an account without keys is still valued. It also ships the embedded simulator that
``folio demo`` and ``folio simulate ascendex`` start.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Final

from adapters.ascendex import DEFAULT_BASE_URL, AscendexOptions, AscendexPrices, AsyncAscendexClient
from adapters.kit.plugin import DemoSimulator, ExchangeHooks
from framework.credentials import Credentials
from framework.hookspecs import hookimpl
from framework.models import WalletKind

EXCHANGE: Final = "ascendex"
SIMULATOR_KEY_ENV: Final = "ASCENDEX_SIM_API_KEY"
SIMULATOR_SECRET_ENV: Final = "ASCENDEX_SIM_API_SECRET"  # noqa: S105 - a variable name


def _demo() -> tuple[Any, Credentials]:
    from adapters.ascendex.simulator import (  # noqa: PLC0415
        DEMO_API_KEY,
        DEMO_API_SECRET,
        AscendexSimulator,
    )

    return AscendexSimulator.seed(), Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)


HOOKS: Final = ExchangeHooks(
    EXCHANGE, AsyncAscendexClient, AscendexOptions, DEFAULT_BASE_URL,
    balance_wallets=(WalletKind.CASH, WalletKind.MARGIN), prices=AscendexPrices,
    simulator=DemoSimulator("AscendEX Pro REST simulator with the specification's sample "
                            "account", _demo, SIMULATOR_KEY_ENV, SIMULATOR_SECRET_ENV),
)
folio_balance_wallets = HOOKS.folio_balance_wallets
folio_balance_reader = HOOKS.folio_balance_reader
folio_risk_reader = HOOKS.folio_risk_reader
folio_price_exchanges = HOOKS.folio_price_exchanges
folio_price_reader = HOOKS.folio_price_reader
folio_simulators = HOOKS.folio_simulators


@hookimpl
def folio_risk_exchanges() -> Collection[str]:
    """AscendEX serves a margin risk profile (of the ``margin`` wallet, the old hook's)."""
    return (EXCHANGE,)
