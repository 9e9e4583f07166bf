"""The Binance plugin: hands :mod:`adapters.binance` to folio's core through its hooks.

Registered under the ``folio`` entry-point group as ``binance``. It serves the spot (``cash``)
and cross-margin (``margin``) balances and the margin risk profile; one
:class:`~adapters.binance.AsyncBinanceClient` per account is shared by the balance and risk
readers (one connection pool, one signing clock) and closed by the core when the host closes.
It also ships the embedded simulator that ``folio demo`` and ``folio simulate binance`` start.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Final

from adapters.binance import DEFAULT_BASE_URL, AsyncBinanceClient, BinanceOptions
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.hookspecs import hookimpl
from framework.models import WalletKind
from framework.providers import AccountContext, Simulator, SimulatorHandle

if TYPE_CHECKING:
    from adapters.binance.simulator import RunningBinanceSimulator

EXCHANGE: Final = "binance"
KEY_ENV: Final = "BINANCE_SIM_API_KEY"
SECRET_ENV: Final = "BINANCE_SIM_API_SECRET"  # noqa: S105 - a variable name


def _client(context: AccountContext) -> AsyncBinanceClient:
    """The account's client, created on first use and shared by both readers."""
    account = context.account

    def build() -> AsyncBinanceClient:
        options = BinanceOptions.from_mapping(
            account.options, account=account.name, source=account.source
        )
        return AsyncBinanceClient(
            context.credentials(),
            base_url=account.base_url or DEFAULT_BASE_URL,
            account=account.name,
            options=options,
            http=context.http,
        )

    return context.resource(EXCHANGE, build)


@hookimpl
def folio_balance_wallets() -> Mapping[str, Collection[WalletKind]]:
    """Binance balances: the spot wallet (as ``cash``) and the cross-margin wallet."""
    return {EXCHANGE: (WalletKind.CASH, WalletKind.MARGIN)}


@hookimpl
def folio_balance_reader(exchange: str, context: AccountContext) -> AsyncBinanceClient | None:
    """The account's Binance client, which reads balances."""
    return _client(context) if exchange == EXCHANGE else None


@hookimpl
def folio_risk_exchanges() -> Collection[str]:
    """Binance serves the cross-margin account's risk profile."""
    return (EXCHANGE,)


@hookimpl
def folio_risk_reader(exchange: str, context: AccountContext) -> AsyncBinanceClient | None:
    """The account's Binance client, which also reads the margin risk profile."""
    return _client(context) if exchange == EXCHANGE else None


def _demo_credentials() -> Credentials:
    from adapters.binance.simulator import DEMO_API_KEY, DEMO_API_SECRET  # noqa: PLC0415

    return Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)


class _Handle:
    """What ``folio demo`` and ``folio simulate`` need to know about a running simulator."""

    def __init__(self, running: RunningBinanceSimulator) -> None:
        self._running = running

    @property
    def url(self) -> str:
        return self._running.url

    def demo_accounts(self) -> Sequence[AccountConfig]:
        demo = StaticCredentials(_demo_credentials())
        return (AccountConfig("binance-demo", EXCHANGE, demo, base_url=self.url),)

    def sample_config(self) -> str:
        lines = (
            "[accounts.binance-sim]",
            f'exchange = "{EXCHANGE}"',
            f'api_key_env = "{KEY_ENV}"',
            f'api_secret_env = "{SECRET_ENV}"',
            f'base_url = "{self.url}"',
        )
        return "\n".join(lines) + "\n"

    def sample_environment(self) -> dict[str, str]:
        credentials = _demo_credentials()
        return {KEY_ENV: credentials.api_key.reveal(), SECRET_ENV: credentials.api_secret.reveal()}


@contextmanager
def _serve(host: str, port: int) -> Iterator[SimulatorHandle]:
    # Imported here: hosts that never start a simulator do not pay for loading it.
    from adapters.binance.simulator import BinanceSimulator  # noqa: PLC0415

    with BinanceSimulator.seed().serve(host=host, port=port) as running:
        yield _Handle(running)


@hookimpl
def folio_simulators() -> Sequence[Simulator]:
    """The embedded Binance simulator, serving the API documentation's sample account."""
    return (
        Simulator(
            exchange=EXCHANGE,
            description="Binance spot and cross-margin REST simulator with the documentation's "
            "sample account",
            start=_serve,
        ),
    )
