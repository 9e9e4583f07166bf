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

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Final

from adapters.ascendex import (
    DEFAULT_BASE_URL,
    AscendexOptions,
    AscendexPrices,
    AsyncAscendexClient,
    public_prices,
)
from adapters.kit.client import account_client
from framework.credentials import Credentials
from framework.hookspecs import hookimpl
from framework.models import WalletKind
from framework.providers import AccountContext, DemoEndpoint, Simulator, SimulatorHandle

EXCHANGE: Final = "ascendex"
SIMULATOR_KEY_ENV: Final = "ASCENDEX_SIM_API_KEY"
SIMULATOR_SECRET_ENV: Final = "ASCENDEX_SIM_API_SECRET"  # noqa: S105 - a variable name


def _client(context: AccountContext) -> AsyncAscendexClient:
    return account_client(
        context, EXCHANGE, AsyncAscendexClient, AscendexOptions, DEFAULT_BASE_URL
    )


@hookimpl
def folio_balance_wallets() -> Mapping[str, Collection[WalletKind]]:
    """AscendEX balances: the cash (spot) and the cross-margin wallet."""
    return {EXCHANGE: (WalletKind.CASH, WalletKind.MARGIN)}


@hookimpl
def folio_balance_reader(exchange: str, context: AccountContext) -> AsyncAscendexClient | None:
    """The account's AscendEX client, which reads balances."""
    return _client(context) if exchange == EXCHANGE else None


@hookimpl
def folio_risk_exchanges() -> Collection[str]:
    """AscendEX serves a margin risk profile."""
    return (EXCHANGE,)


@hookimpl
def folio_risk_reader(exchange: str, context: AccountContext) -> AsyncAscendexClient | None:
    """The account's AscendEX client, which also reads the margin risk profile."""
    return _client(context) if exchange == EXCHANGE else None


@hookimpl
def folio_price_exchanges() -> Collection[str]:
    """AscendEX serves public spot prices (last trade), read without keys."""
    return (EXCHANGE,)


@hookimpl
def folio_price_reader(exchange: str, context: AccountContext) -> AscendexPrices | None:
    """The account's keyless price reader, on its base URL (the simulator's when simulated)."""
    return public_prices(context) if exchange == EXCHANGE else None


@contextmanager
def _start_simulator(host: str, port: int) -> Iterator[SimulatorHandle]:
    # Imported here: hosts that never start a simulator do not pay for loading it.
    from adapters.ascendex.simulator import (  # noqa: PLC0415
        DEMO_API_KEY,
        DEMO_API_SECRET,
        AscendexSimulator,
    )

    # Control routes on: a host under test can inject faults and read the request counters
    # of a simulator it did not start itself (POST /__simulator__/faults, GET .../stats).
    with AscendexSimulator.seed().serve(host=host, port=port, control=True) as running:
        yield DemoEndpoint(
            EXCHANGE,
            running.url,
            Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET),
            SIMULATOR_KEY_ENV,
            SIMULATOR_SECRET_ENV,
            control_url=f"{running.url}/__simulator__",
        )


@hookimpl
def folio_simulators() -> Sequence[Simulator]:
    """The embedded AscendEX simulator, serving the specification's sample account."""
    return (
        Simulator(
            exchange=EXCHANGE,
            description="AscendEX Pro REST simulator with the specification's sample account",
            start=_start_simulator,
        ),
    )
