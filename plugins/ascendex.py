"""The AscendEX plugin: hands :mod:`adapters.ascendex` to folio's core through its hooks.

Registered under the ``folio`` entry-point group as ``ascendex``. It serves cash and margin
balances and the margin risk profile; one :class:`~adapters.ascendex.AsyncAscendexClient` per
account is shared by the balance and risk readers (one connection pool, one cached account
group) and closed by the core when the host closes. It also ships the embedded simulator that
``folio demo`` and ``folio simulate ascendex`` start.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Final

from adapters.ascendex import DEFAULT_BASE_URL, AscendexOptions, AsyncAscendexClient
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.hookspecs import hookimpl
from framework.models import WalletKind
from framework.providers import AccountContext, Simulator, SimulatorHandle

if TYPE_CHECKING:
    from adapters.ascendex.simulator import RunningSimulator

EXCHANGE: Final = "ascendex"
SIMULATOR_KEY_ENV: Final = "ASCENDEX_SIM_API_KEY"
SIMULATOR_SECRET_ENV: Final = "ASCENDEX_SIM_API_SECRET"  # noqa: S105 - a variable name


def _client(context: AccountContext) -> AsyncAscendexClient:
    """The account's client, created on first use and shared by both readers."""
    account = context.account

    def build() -> AsyncAscendexClient:
        options = AscendexOptions.from_mapping(
            account.options, account=account.name, source=account.source
        )
        return AsyncAscendexClient(
            context.credentials(),
            base_url=account.base_url or DEFAULT_BASE_URL,
            account=account.name,
            options=options,
            http=context.http,
        )

    return context.resource(EXCHANGE, build)


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


class _SimulatorHandle:
    """What ``folio demo`` and ``folio simulate`` need to know about a running simulator."""

    def __init__(self, running: RunningSimulator) -> None:
        self._running = running

    @property
    def url(self) -> str:
        return self._running.url

    def demo_accounts(self) -> Sequence[AccountConfig]:
        from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET  # noqa: PLC0415

        credentials = Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)
        return (
            AccountConfig(
                name="ascendex-demo",
                exchange=EXCHANGE,
                credentials=StaticCredentials(credentials),
                base_url=self.url,
            ),
        )

    def sample_config(self) -> str:
        return (
            "[accounts.ascendex-sim]\n"
            f'exchange = "{EXCHANGE}"\n'
            f'api_key_env = "{SIMULATOR_KEY_ENV}"\n'
            f'api_secret_env = "{SIMULATOR_SECRET_ENV}"\n'
            f'base_url = "{self.url}"\n'
        )

    def sample_environment(self) -> dict[str, str]:
        from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET  # noqa: PLC0415

        return {SIMULATOR_KEY_ENV: DEMO_API_KEY, SIMULATOR_SECRET_ENV: DEMO_API_SECRET}


@contextmanager
def _start_simulator(host: str, port: int) -> Iterator[SimulatorHandle]:
    # Imported here: hosts that never start a simulator do not pay for loading it.
    from adapters.ascendex.simulator import AscendexSimulator  # noqa: PLC0415

    # Control routes on: a host under test can inject faults and read the request counters
    # of a simulator it did not start itself (POST /__simulator__/faults, GET .../stats).
    with AscendexSimulator.seed().serve(host=host, port=port, control=True) as running:
        yield _SimulatorHandle(running)


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
